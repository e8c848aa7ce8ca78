#include <future>
#include <vector>
#include <zmq.hpp>

#include "bench/baselines.h"
#include "mart/wire/envelope.h"

namespace mart::bench {

EchoServer::EchoServer(std::string endpoint, std::map<std::string, nlohmann::json> results)
    : endpoint_(std::move(endpoint)), results_(std::move(results)) {}

EchoServer::~EchoServer() { Stop(); }

Status EchoServer::Start() {
  std::promise<Status> bound;
  auto ready = bound.get_future();
  thread_ = std::thread([this, &bound] {
    zmq::context_t context(1);
    zmq::socket_t socket(context, zmq::socket_type::router);
    try {
      socket.set(zmq::sockopt::linger, 0);
      socket.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kHardMaxMessageBytes));
      socket.bind(endpoint_);
    } catch (const zmq::error_t& e) {
      bound.set_value(Unavailable("echo baseline cannot bind " + endpoint_ + ": " + e.what()));
      return;
    }
    bound.set_value(Status::Ok());
    std::vector<zmq::message_t> frames;
    while (!stop_.load()) {
      zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds(100)) == 0) continue;
      frames.clear();
      while (true) {
        zmq::message_t frame;
        if (!socket.recv(frame, zmq::recv_flags::none)) break;
        bool more = frame.more();
        frames.push_back(std::move(frame));
        if (!more) break;
      }
      if (frames.empty()) continue;
      Request request;
      Reply reply;
      reply.status = DecodeRequest(frames.back().to_string_view(), &request);
      reply.id = request.id;
      if (reply.status.ok()) {
        auto it = results_.find(request.method);
        reply.result = it == results_.end() ? nlohmann::json::object() : it->second;
      }
      const std::string encoded = EncodeReply(reply);
      for (size_t i = 0; i + 1 < frames.size(); ++i) {
        socket.send(frames[i], zmq::send_flags::sndmore);
      }
      socket.send(zmq::buffer(encoded), zmq::send_flags::dontwait);
    }
  });
  bind_status_ = ready.get();
  if (!bind_status_.ok()) thread_.join();
  return bind_status_;
}

void EchoServer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace mart::bench
