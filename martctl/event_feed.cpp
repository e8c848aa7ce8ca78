#include "martctl/event_feed.h"

#include <charconv>

namespace mart::cli {
namespace {

class ClientEventFeed : public EventFeed {
 public:
  explicit ClientEventFeed(const ClientOptions& options) : client_(options) {}

  Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params,
                              const CallOptions& options) override {
    return client_.Call(method, params, options);
  }

  uint64_t connection() const override { return client_.connection(); }

  std::optional<FeedEvent> Next(std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      std::optional<FeedFrames> frames = client_.NextEvent(std::max(left, left.zero()));
      if (!frames) return std::nullopt;
      std::optional<FeedEvent> event = DecodeFeedFrames(frames->topic, frames->body, frames->seq);
      if (event) return event;
    }
  }

 private:
  Client client_;
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

std::unique_ptr<EventFeed> OpenEventFeed(const ClientOptions& options) {
  return std::make_unique<ClientEventFeed>(options);
}

}  // namespace mart::cli
