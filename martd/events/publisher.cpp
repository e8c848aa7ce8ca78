#include "events/publisher.h"

#include "mart/log.h"
#include "services/event_service.h"

namespace mart {

Status Publisher::Bind(const std::string& endpoint) {
  try {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::sndhwm, kHighWaterMark);
    socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return Unavailable("cannot bind the event socket " + endpoint + ": " + e.what());
  }
  bound_ = true;
  return Status::Ok();
}

Status Publisher::ConnectFeed(const std::string& endpoint, const std::atomic<int>* subscribers) {
  try {
    feed_.set(zmq::sockopt::linger, 0);
    feed_.set(zmq::sockopt::sndhwm, kHighWaterMark);
    feed_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return Internal("cannot connect the event feed " + endpoint + ": " + e.what());
  }
  subscribers_ = subscribers;
  return Status::Ok();
}

bool Publisher::Send(zmq::socket_t& socket, const std::string& topic, const std::string& body,
                     const std::string& seq) {
  try {
    return socket.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait) &&
           socket.send(zmq::buffer(body), zmq::send_flags::sndmore | zmq::send_flags::dontwait) &&
           socket.send(zmq::buffer(seq), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    LogWarn("publishing event " + seq + " failed: " + e.what());
    return false;
  }
}

void Publisher::Publish(const std::vector<store::EventRow>& events) {
  const bool feed = subscribers_ != nullptr && subscribers_->load(std::memory_order_relaxed) > 0;
  if (!bound_ && !feed) return;
  for (const store::EventRow& event : events) {
    std::string body = EventJson(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string seq = std::to_string(event.seq);
    // Readers notice a gap and read the log; the event itself is durable.
    if (bound_) Send(socket_, event.topic, body, seq);
    if (feed) Send(feed_, event.topic, body, seq);
  }
}

void Publisher::Close() {
  if (bound_) socket_.close();
  bound_ = false;
  subscribers_ = nullptr;
  feed_.close();
}

}  // namespace mart
