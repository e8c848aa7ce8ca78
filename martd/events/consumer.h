#pragma once
// A queue worker inside the daemon: it takes the events of its topics from
// the log, in sequence order, one at a time. The queue service applies each
// event in a savepoint and moves the worker's cursor in the same transaction,
// so an event's effects happen exactly once, across crashes. An error rolls
// the event's effects back; the event is retried with backoff and, after the
// last attempt, dead-lettered with the error.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "services/context.h"
#include "stores/event_store.h"

namespace mart {

class Consumer {
 public:
  virtual ~Consumer() = default;
  // The worker's name ("inventory"), as in `martctl worker pause NAME`.
  virtual std::string_view name() const = 0;
  // The exact topics it takes; other events only move its cursor.
  virtual const std::vector<std::string>& topics() const = 0;
  // Applies one event; runs on the store thread inside the caller's savepoint.
  virtual Status Apply(Tx& tx, const store::EventRow& event, const nlohmann::json& data) const = 0;
};

}  // namespace mart
