#pragma once
// The transactional outbox: an EventSink that appends to the event log on the
// store thread's connection, inside the current transaction, and remembers
// what it appended so the events can be published once the commit is durable.
// Used by the store thread only.

#include <string>
#include <vector>

#include "events/event_sink.h"
#include "services/clock.h"
#include "stores/database.h"
#include "stores/event_store.h"

namespace mart {

class Outbox : public EventSink {
 public:
  Outbox(store::EventStore& events, const Clock& clock) : events_(events), clock_(clock) {}

  Status Emit(std::string_view topic, nlohmann::json payload) override;
  // The events appended and not yet taken: a mark for DropAfter.
  size_t Mark() const override { return pending_.size(); }
  void DropAfter(size_t mark) override { pending_.resize(mark); }

  // After the commit (savepoints: EffectScope below).
  std::vector<store::EventRow> TakePending() { return std::exchange(pending_, {}); }

 private:
  store::EventStore& events_;
  const Clock& clock_;
  std::vector<store::EventRow> pending_;
};

// The one owner of a unit of work's effects (a request, a task, a page of a
// worker's events): a savepoint on the store and the events the unit appended
// to the outbox. Keep() keeps both; leaving the scope without it undoes both,
// so a failing unit never leaves an event whose rows were rolled back. Units
// nest as savepoints do.
class EffectScope {
 public:
  EffectScope(store::Database& db, EventSink& events)
      : savepoint_(db), events_(events), mark_(events.Mark()) {}
  ~EffectScope() {
    if (!kept_) events_.DropAfter(mark_);  // the savepoint rolls back
  }
  EffectScope(const EffectScope&) = delete;
  EffectScope& operator=(const EffectScope&) = delete;

  // Whether the savepoint opened; nothing may be written otherwise.
  Status status() const { return savepoint_.status(); }
  // Releases the savepoint. When that fails (on PostgreSQL a statement
  // written behind may fail only now) the unit's rows are gone and so are
  // its events.
  Status Keep() {
    Status released = savepoint_.Release();
    kept_ = released.ok();
    return released;
  }

 private:
  store::Savepoint savepoint_;
  EventSink& events_;
  size_t mark_;
  bool kept_ = false;
};

}  // namespace mart
