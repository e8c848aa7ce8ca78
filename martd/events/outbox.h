#pragma once
// The transactional outbox: an EventSink that appends to the event log on the
// store thread's connection, inside the current transaction, and remembers
// what it appended so the events can be published once the commit is durable.
// Used by the store thread only.

#include <string>
#include <vector>

#include "events/event_sink.h"
#include "services/clock.h"
#include "stores/event_store.h"

namespace mart {

class Outbox : public EventSink {
 public:
  Outbox(store::EventStore& events, const Clock& clock) : events_(events), clock_(clock) {}

  Status Emit(std::string_view topic, nlohmann::json payload) override;

  // Bookkeeping around savepoints and commits.
  size_t PendingCount() const { return pending_.size(); }
  void DiscardAfter(size_t count) { pending_.resize(count); }
  std::vector<store::EventRow> TakePending() { return std::exchange(pending_, {}); }

 private:
  store::EventStore& events_;
  const Clock& clock_;
  std::vector<store::EventRow> pending_;
};

}  // namespace mart
