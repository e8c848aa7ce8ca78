#include "martctl/event_feed.h"

#include <cerrno>
#include <charconv>

#include <zmq.hpp>

#include "mart/wire/curve_socket.h"

namespace mart::cli {
namespace {

class ZmqEventFeed : public EventFeed {
 public:
  ZmqEventFeed() : socket_(context_, zmq::socket_type::sub) {}

  Status Connect(const std::string& endpoint, const std::string& server_key) {
    if (IsTcpEndpoint(endpoint)) {
      if (server_key.empty()) return MissingServerKey(endpoint);
      MART_RETURN_IF_ERROR(UseCurveClient(socket_, server_key));
    }
    try {
      socket_.set(zmq::sockopt::linger, 0);
      socket_.set(zmq::sockopt::subscribe, "");
      socket_.connect(endpoint);
    } catch (const zmq::error_t& e) {
      return InvalidArgument("bad event endpoint '" + endpoint + "': " + e.what());
    }
    return Status::Ok();
  }

  std::optional<FeedEvent> Next(std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    try {
      while (Readable(deadline)) {
        std::optional<FeedEvent> event = ReceiveOne();
        if (event) return event;
      }
    } catch (const zmq::error_t&) {
      // EINTR: a signal, and the caller looks at why. Anything else is like
      // a dropped frame: the log read after an idle second fills the gap.
    }
    return std::nullopt;
  }

 private:
  bool Readable(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    return zmq::poll(&item, 1, std::max(left, std::chrono::milliseconds(0))) > 0;
  }

  // One whole message; its parts beyond the third, if any, are drained.
  std::optional<FeedEvent> ReceiveOne() {
    std::string parts[3];
    size_t count = 0;
    zmq::message_t message;
    do {
      if (!socket_.recv(message, zmq::recv_flags::dontwait)) return std::nullopt;
      if (count < 3) parts[count] = message.to_string();
      ++count;
    } while (message.more());
    if (count != 3) return std::nullopt;
    return DecodeFeedFrames(parts[0], parts[1], parts[2]);
  }

  zmq::context_t context_{1};
  zmq::socket_t socket_;
};

}  // namespace

std::optional<FeedEvent> DecodeFeedFrames(const std::string& topic, const std::string& body,
                                          const std::string& seq) {
  FeedEvent event;
  auto [end, error] = std::from_chars(seq.data(), seq.data() + seq.size(), event.seq);
  if (error != std::errc() || end != seq.data() + seq.size() || event.seq < 1) return std::nullopt;
  event.event = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json& json = event.event;
  if (!json.is_object() || !json.contains("topic") || json["topic"] != topic) return std::nullopt;
  return event;
}

Result<std::unique_ptr<EventFeed>> SubscribeToEvents(const std::string& endpoint,
                                                     const std::string& server_key) {
  auto feed = std::make_unique<ZmqEventFeed>();
  MART_RETURN_IF_ERROR(feed->Connect(endpoint, server_key));
  return std::unique_ptr<EventFeed>(std::move(feed));
}

}  // namespace mart::cli
