#include "events/publisher.h"

#include "mart/log.h"
#include "services/event_service.h"
#include "mart/wire/curve_socket.h"

namespace mart {

Status Publisher::Bind(const std::string& endpoint, const std::string& curve_secret_key) {
  try {
    if (!curve_secret_key.empty()) UseCurveServer(socket_, curve_secret_key);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::sndhwm, kHighWaterMark);
    socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return Unavailable("cannot bind the event socket " + endpoint + ": " + e.what());
  }
  bound_ = true;
  return Status::Ok();
}

void Publisher::Publish(const std::vector<store::EventRow>& events) {
  if (!bound_) return;
  for (const store::EventRow& event : events) {
    std::string body = EventJson(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string seq = std::to_string(event.seq);
    try {
      socket_.send(zmq::buffer(event.topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      socket_.send(zmq::buffer(body), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      socket_.send(zmq::buffer(seq), zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      // Subscribers notice the gap and read the log; the event itself is durable.
      LogWarn("publishing event " + seq + " failed: " + e.what());
      return;
    }
  }
}

void Publisher::Close() {
  if (bound_) socket_.close();
  bound_ = false;
}

}  // namespace mart
