#include "rpc/job.h"

namespace mart::rpc {

ReplyChannel::ReplyChannel(zmq::context_t& context) : socket_(context, zmq::socket_type::push) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.connect(kReplyEndpoint);
}

void ReplyChannel::Send(const Job& job, const Reply& reply) {
  SendFrame(job.routing, EncodeReply(reply));
}

void ReplyChannel::SendFrame(const std::vector<std::string>& routing, const std::string& frame) {
  for (const std::string& part : routing) {
    socket_.send(zmq::buffer(part), zmq::send_flags::sndmore);
  }
  socket_.send(zmq::buffer(frame), zmq::send_flags::none);
}

}  // namespace mart::rpc
