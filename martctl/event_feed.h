#pragma once
// martd's live event feed as martctl reads it (DESIGN.md §3, PROTOCOL.md §7):
// a connection that called events.subscribe (admins, with the same
// credentials as any request) is pushed each committed event as the frames
// [topic][json][seq], json being {seq, topic, created_at, data} and seq
// decimal text, until its lease ends; the caller renews it. martd drops frames
// for slow readers, and an EventFeed drops frames it cannot decode the same
// way: a reader notices the gap in seq and reads the log (events.read), so
// nothing is lost.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mart/client/client.h"
#include "mart/status.h"

namespace mart::cli {

struct FeedEvent {
  int64_t seq = 0;
  nlohmann::json event = {};  // {seq, topic, created_at, data}
};

class EventFeed {
 public:
  virtual ~EventFeed() = default;
  // A request on the feed's own connection: events.subscribe must go this
  // way, since martd pushes to the connection that subscribed.
  virtual Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params,
                                      const CallOptions& options) = 0;
  // The next event; nullopt when none arrived within `timeout` or a signal
  // interrupted the wait (the caller checks why).
  virtual std::optional<FeedEvent> Next(std::chrono::milliseconds timeout) = 0;
  // Changes whenever the connection is made anew (martd restarted, or
  // another endpoint of a list answers): the subscription stayed with the
  // old one (Client::connection()).
  virtual uint64_t connection() const = 0;
};

// A mart::Client connection with `options` (not connected until the first
// Call).
std::unique_ptr<EventFeed> OpenEventFeed(const ClientOptions& options);

// Decodes the three frames of one event; nullopt when they are malformed.
std::optional<FeedEvent> DecodeFeedFrames(const std::string& topic, const std::string& body,
                                          const std::string& seq);

}  // namespace mart::cli
