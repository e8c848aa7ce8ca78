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

#include "events/catalog.h"
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

  // One event of a page, with its payload parsed.
  struct PageEvent {
    const store::EventRow& row;
    const nlohmann::json& data;
  };
  // Before the events of a page are applied together in one unit (not when
  // one is applied alone: the replay after a failed page, a dead letter's
  // retry), with the page's events of the worker's topics: the worker may
  // read what they will need in one statement each instead of one per event.
  // What it keeps must stay true while the page's own events apply, and is
  // dropped by EndPage, which follows every BeginPage.
  virtual Status BeginPage(Tx& tx, const std::vector<PageEvent>& events) const {
    (void)tx;
    (void)events;
    return Status::Ok();
  }
  virtual void EndPage() const {}
};

// A Consumer of the catalog's event types Es (events/catalog.h): its topics
// are theirs, and Apply decodes each event once into its type and calls
// Self's handler for that type,
//   Status On(Tx& tx, const store::EventRow& event, const E& payload) const;
// A payload that does not decode is INVALID_ARGUMENT naming the event and the
// field (retried, then dead-lettered), never a crash.
template <class Self, events::Event... Es>
class TypedConsumer : public Consumer {
 public:
  const std::vector<std::string>& topics() const final {
    static const std::vector<std::string> kTopics = {std::string(Es::kTopic)...};
    return kTopics;
  }

  Status Apply(Tx& tx, const store::EventRow& event, const nlohmann::json& data) const final {
    Status status;
    const bool taken =
        ((event.topic == Es::kTopic && (status = Decoded<Es>(tx, event, data), true)) || ...);
    if (!taken) return Internal("the " + std::string(name()) + " worker takes no " + event.topic);
    return status;
  }

 private:
  template <class E>
  Status Decoded(Tx& tx, const store::EventRow& event, const nlohmann::json& data) const {
    Result<E> payload = events::FromJson<E>(data);
    if (!payload.ok()) {
      return InvalidArgument(
          "event " + std::to_string(event.seq) + ": " + payload.status().message(),
          payload.status().details());
    }
    return static_cast<const Self&>(*this).On(tx, event, *payload);
  }
};

}  // namespace mart
