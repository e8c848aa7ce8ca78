#include "services/event_service.h"

#include <fnmatch.h>

#include <algorithm>
#include <array>

#include "mart/log.h"
#include "mart/text.h"

namespace mart {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 8> kOwnDomains = {
    "user", "product", "stock", "inventory", "order", "payment", "notification", "queue"};

bool IsTopicWord(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Status CheckTopic(const std::string& topic) {
  size_t dot = topic.find('.');
  bool shaped = dot != std::string::npos;
  for (size_t start = 0; shaped && start <= topic.size();) {
    size_t end = std::min(topic.find('.', start), topic.size());
    shaped = IsTopicWord(std::string_view(topic).substr(start, end - start));
    start = end + 1;
  }
  if (!shaped) {
    return InvalidArgument("topic must be '<domain>.<event>' in lower case letters, digits, _ "
                           "and -, not '" + topic + "'",
                           {{"field", "topic"}});
  }
  std::string_view domain = std::string_view(topic).substr(0, dot);
  if (std::find(kOwnDomains.begin(), kOwnDomains.end(), domain) != kOwnDomains.end()) {
    return InvalidArgument("topics of the " + std::string(domain) +
                               " domain are mart's own; publish under another domain",
                           {{"field", "topic"}});
  }
  return Status::Ok();
}

}  // namespace

json EventJson(const store::EventRow& event) {
  json data = json::parse(event.payload, nullptr, /*allow_exceptions=*/false);
  return {{"seq", event.seq},
          {"topic", event.topic},
          {"created_at", FormatTimestamp(event.created_at)},
          {"data", data.is_discarded() ? json(event.payload) : data}};
}

bool TopicMatches(const std::string& glob, const std::string& topic) {
  return glob.empty() || ::fnmatch(glob.c_str(), topic.c_str(), 0) == 0;
}

Result<json> EventService::Read(Tx& tx, int64_t after, const std::string& glob,
                                int64_t limit) const {
  MART_ASSIGN_OR_RETURN(int64_t last_seq, tx.store.events().LastSeq());
  json events = json::array();
  int64_t cursor = after;
  int64_t scanned = 0;
  while (static_cast<int64_t>(events.size()) < limit && scanned < kMaxScan && cursor < last_seq) {
    MART_ASSIGN_OR_RETURN(auto rows, tx.store.events().ReadAfter(cursor, 500));
    if (rows.empty()) break;
    for (const store::EventRow& row : rows) {
      cursor = row.seq;
      ++scanned;
      if (TopicMatches(glob, row.topic)) events.push_back(EventJson(row));
      if (static_cast<int64_t>(events.size()) >= limit) break;
    }
  }
  return json{{"events", std::move(events)},
              {"next_after", std::max(cursor, after)},
              {"last_seq", last_seq}};
}

Result<json> EventService::Publish(Tx& tx, const std::string& topic, json data,
                                   const Principal& actor) const {
  MART_RETURN_IF_ERROR(CheckTopic(topic));
  MART_RETURN_IF_ERROR(tx.events.Emit(topic, data));
  LogInfo(actor.Describe() + " published an event on " + topic);
  MART_ASSIGN_OR_RETURN(int64_t seq, tx.store.events().LastSeq());
  return json{{"seq", seq},
              {"topic", topic},
              {"created_at", FormatTimestamp(tx.now)},
              {"data", std::move(data)}};
}

Result<json> EventService::Subscribe(Tx& tx, const std::string& glob,
                                     const Principal& caller) const {
  int64_t lease_ms = kFeedLeaseMs;
  if (caller.expires_at > 0) {
    lease_ms = std::min(lease_ms, (caller.expires_at * 1000000 - tx.now) / 1000);
    if (lease_ms <= 0) return Unauthenticated("token has expired; log in again");
  }
  MART_ASSIGN_OR_RETURN(int64_t last_seq, tx.store.events().LastSeq());
  return json{{"lease_ms", lease_ms}, {"topic", glob}, {"last_seq", last_seq}};
}

}  // namespace mart
