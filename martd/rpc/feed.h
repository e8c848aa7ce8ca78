#pragma once
// The live feed's subscribers, kept by the socket thread (rpc/server.h).
//
// A connection subscribes with events.subscribe (admins only, like
// events.read; EventService::Subscribe sets the terms) and is pushed every
// committed event whose topic matches its glob, as [topic][json][seq] (the
// same frames as the ipc PUB socket), until its lease ends. Renewing replaces
// the terms; a failed renewal (the caller was demoted, deactivated or logged
// out) ends the subscription at once. So nobody receives an event without
// proving, at least once per lease, the identity any request needs; on tcp://
// this is the only feed (a PUB socket would hand it to anyone holding the
// server's public key).
//
// The store thread forwards each committed event here through kFeedEndpoint
// (Publisher), only while there are subscribers (count()).
//
// Not thread safe: the socket thread only, but count() may be read anywhere.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mart/status.h"

namespace mart::rpc {

inline constexpr const char* kFeedEndpoint = "inproc://martd-feed";
// Events queued toward the socket thread, and per subscriber, before drops.
inline constexpr int kFeedHighWaterMark = 100000;

class FeedSubscribers {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;

  explicit FeedSubscribers(Clock clock = std::chrono::steady_clock::now)
      : clock_(std::move(clock)) {}

  // Subscribes the connection `routing` (its first frame names it) for
  // `lease` to topics matching `glob` ("" for all), or renews it.
  // UNAVAILABLE past kMaxSubscribers.
  Status Subscribe(const std::vector<std::string>& routing, std::string glob,
                   std::chrono::milliseconds lease);
  void Drop(const std::string& connection);

  // The routing frames of every subscriber whose lease is running and whose
  // glob matches `topic`; expired subscriptions are dropped on the way.
  std::vector<const std::vector<std::string>*> For(const std::string& topic);

  const std::atomic<int>& count() const { return count_; }

  static constexpr size_t kMaxSubscribers = 1024;

 private:
  struct Subscription {
    std::vector<std::string> routing;
    std::string glob;
    TimePoint until;
  };

  void Expire(TimePoint now);

  Clock clock_;
  std::map<std::string, Subscription> by_connection_;
  std::atomic<int> count_{0};
};

}  // namespace mart::rpc
