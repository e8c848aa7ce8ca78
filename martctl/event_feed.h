#pragma once
// martd's live event feed (DESIGN.md §3): a PUB socket sending each committed
// event as the frames [topic][json][seq], json being {seq, topic, created_at,
// data} and seq decimal text. PUB drops frames for slow subscribers, and an
// EventFeed drops frames it cannot decode the same way: a reader notices the
// gap in seq and reads the log (events.read), so nothing is lost.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mart/status.h"

namespace mart::cli {

struct FeedEvent {
  int64_t seq = 0;
  nlohmann::json event = {};  // {seq, topic, created_at, data}
};

class EventFeed {
 public:
  virtual ~EventFeed() = default;
  // The next event; nullopt when none arrived within `timeout` or a signal
  // interrupted the wait (the caller checks why).
  virtual std::optional<FeedEvent> Next(std::chrono::milliseconds timeout) = 0;
};

// A ZeroMQ SUB socket with linger 0, subscribed to every topic and connected
// to `endpoint` (it reconnects by itself when martd restarts). Connecting
// happens at once, so events published after this returns are not missed.
// INVALID_ARGUMENT for a malformed endpoint.
// A tcp:// endpoint needs martd's CURVE `server_key` (INVALID_ARGUMENT without).
Result<std::unique_ptr<EventFeed>> SubscribeToEvents(const std::string& endpoint,
                                                     const std::string& server_key = "");

// Decodes the three frames of one event; nullopt when they are malformed.
std::optional<FeedEvent> DecodeFeedFrames(const std::string& topic, const std::string& body,
                                          const std::string& seq);

}  // namespace mart::cli
