#pragma once
// The catalog of mart's events: every topic mart emits, each declared once as
// a payload struct (events/{user,product,order,payment,queue}_events.h) with
// its topic, version, aggregate key, a sentence on when it is emitted and its
// fields. Producers emit the structs (Emit below), queue workers decode them
// (queue/consumer.h), and the table here, which common/PROTOCOL.md §10
// documents, is derived from the same declarations.
//
// To add an event: declare its struct beside its domain's, add it to
// AllEvents, document it in PROTOCOL.md §10 (a test compares the two).
// Changing a payload's fields or their meaning means a new version.
//
// Everything here is immutable after first use and thread safe.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/codec.h"
#include "events/event_sink.h"
#include "events/order_events.h"
#include "events/payment_events.h"
#include "events/product_events.h"
#include "events/queue_events.h"
#include "events/user_events.h"
#include "mart/status.h"

namespace mart::events {

template <Event... E>
struct EventList {};

// Every mart event, in PROTOCOL.md's order.
using AllEvents =
    EventList<UserRegistered, UserPasswordChanged, UserRoleChanged, UserActivated, UserDeactivated,
              UserUnlocked, ProductCreated, ProductUpdated, ProductDeleted, StockUpdated,
              InventoryLowStock, InventoryReorderRequested, OrderPlaced, OrderStatusChanged,
              InventoryReserved, InventoryReservationFailed, InventoryReleased, InventoryShipped,
              PaymentSucceeded, PaymentFailed, PaymentPending, PaymentRefunded, QueueDeadLettered>;

// Calls f.template operator()<E>() for each event type E of AllEvents, in order.
template <class F>
void ForEachEvent(F&& f) {
  [&]<Event... E>(EventList<E...>) { (f.template operator()<E>(), ...); }
  (AllEvents{});
}

// One top-level field of a payload. `type` is "string", "integer", "money"
// (a JSON number with two decimals), "string|null" (always present),
// "string?" (absent when none) or a list of objects spelled out as
// "[{product_id: string, quantity: integer}]".
struct FieldSpec {
  std::string_view name;
  std::string_view type;
  std::string_view about;
};

struct EventSpec {
  std::string_view topic;  // "order.placed"
  int version;             // 1 for all today
  // The payload field naming the aggregate: "order_id", "product_id",
  // "user_id", or "" when none.
  std::string_view key;
  std::string_view when;          // one sentence: when it is emitted
  std::vector<FieldSpec> fields;  // the payload's top-level fields, in order
};

// Every event, in AllEvents' order.
const std::vector<EventSpec>& Catalog();
// nullptr: not a mart event (events.publish's own topics).
const EventSpec* FindEvent(std::string_view topic);
// The aggregate id of an event's payload as text ("6b02…", or "2" for a user
// id), "" when the spec has no key or the payload lacks it.
std::string AggregateKey(std::string_view topic, const nlohmann::json& data);

// Emits `event` on its topic: the one way services emit mart's events.
template <Event E>
Status Emit(EventSink& sink, const E& event) {
  return sink.Emit(E::kTopic, ToJson(event));
}

}  // namespace mart::events
