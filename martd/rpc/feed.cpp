#include "rpc/feed.h"

#include "services/event_service.h"

namespace mart::rpc {

Status FeedSubscribers::Subscribe(const std::vector<std::string>& routing, std::string glob,
                                  std::chrono::milliseconds lease) {
  if (routing.empty()) return InvalidArgument("a subscription needs a connection");
  auto it = by_connection_.find(routing.front());
  if (it == by_connection_.end() && by_connection_.size() >= kMaxSubscribers) {
    Expire(clock_());
    if (by_connection_.size() >= kMaxSubscribers) {
      return Unavailable("too many event feed subscribers (at most " +
                         std::to_string(kMaxSubscribers) + "); read the log with events.read");
    }
  }
  by_connection_[routing.front()] = {routing, std::move(glob), clock_() + lease};
  count_ = static_cast<int>(by_connection_.size());
  return Status::Ok();
}

void FeedSubscribers::Drop(const std::string& connection) {
  by_connection_.erase(connection);
  count_ = static_cast<int>(by_connection_.size());
}

void FeedSubscribers::Expire(TimePoint now) {
  std::erase_if(by_connection_, [now](const auto& entry) { return entry.second.until <= now; });
  count_ = static_cast<int>(by_connection_.size());
}

std::vector<const std::vector<std::string>*> FeedSubscribers::For(const std::string& topic) {
  Expire(clock_());
  std::vector<const std::vector<std::string>*> recipients;
  for (const auto& [connection, subscription] : by_connection_) {
    if (subscription.glob.empty() || TopicMatches(subscription.glob, topic)) {
      recipients.push_back(&subscription.routing);
    }
  }
  return recipients;
}

}  // namespace mart::rpc
