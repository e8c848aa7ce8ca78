#pragma once
// The payload of the queues' own event (queue service). Declared once here:
// topic, version, aggregate key, when it is emitted and its fields
// (events/codec.h); events/catalog.h lists it with the others.

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "events/codec.h"

namespace mart::events {

struct QueueDeadLettered {
  static constexpr std::string_view kTopic = "queue.dead_lettered";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "";
  static constexpr std::string_view kWhen =
      "A queue worker gave up on an event after its last attempt.";
  std::string consumer = {};
  int64_t seq = 0;
  std::string topic = {};
  int64_t attempts = 0;
  std::string error = {};
  static constexpr auto Fields() {
    return std::tuple{
        Text("consumer", &QueueDeadLettered::consumer, "the worker's name"),
        Integer("seq", &QueueDeadLettered::seq, "the event's seq"),
        Text("topic", &QueueDeadLettered::topic, "the event's topic"),
        Integer("attempts", &QueueDeadLettered::attempts, "attempts made"),
        Text("error", &QueueDeadLettered::error, "the last error, \"<message> [<CODE>]\"")};
  }
};

}  // namespace mart::events
