#pragma once
// Reading the event log (for `martctl events tail` and anything that missed
// live frames) and publishing outside events into it. Runs on the store thread.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "services/context.h"
#include "stores/event_store.h"

namespace mart {

class EventService {
 public:
  // Events with seq > after whose topic matches `glob` (fnmatch syntax; all
  // when empty), oldest first, at most `limit`. Looks at a bounded number of
  // events per call: `next_after` says where to continue, `last_seq` where
  // the log ends. {"events": [{seq, topic, created_at, data}], "next_after",
  // "last_seq"}.
  Result<nlohmann::json> Read(Tx& tx, int64_t after, const std::string& glob, int64_t limit) const;
  // Appends an event. Topics are "<domain>.<event>" in lower case; mart's own
  // domains (user, product, stock, inventory, order, payment, notification)
  // are refused, so an outside event can never drive mart's workers.
  Result<nlohmann::json> Publish(Tx& tx, const std::string& topic, nlohmann::json data,
                                 const Principal& actor) const;

  // The terms of a live-feed subscription (events.subscribe; the socket
  // thread keeps the subscription itself, rpc/feed.h): {"lease_ms", "topic",
  // "last_seq"}. The lease is kFeedLeaseMs, cut to what is left of the
  // caller's access token, so a subscription never outlives the login that
  // made it; renewing it checks the caller again.
  Result<nlohmann::json> Subscribe(Tx& tx, const std::string& glob,
                                   const Principal& caller) const;

  static constexpr int64_t kMaxScan = 10000;  // events looked at per Read
  static constexpr int64_t kFeedLeaseMs = 60000;
};

// An event as replies and PUB frames show it: {seq, topic, created_at, data}.
nlohmann::json EventJson(const store::EventRow& event);

// Whether `topic` matches the glob (fnmatch rules: *, ?, [...]).
bool TopicMatches(const std::string& glob, const std::string& topic);

}  // namespace mart
