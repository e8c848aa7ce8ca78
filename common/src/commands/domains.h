#pragma once
// Per-domain spec tables, concatenated by AllCommands(). A new domain adds a
// function here and one line in command_spec.cpp.

#include <vector>

#include "mart/commands/spec.h"

namespace mart {

std::vector<CommandSpec> DaemonCommands();
std::vector<CommandSpec> AuthCommands();
std::vector<CommandSpec> AccountCommands();
std::vector<CommandSpec> AdminUserCommands();
std::vector<CommandSpec> ProductCommands();
std::vector<CommandSpec> InventoryCommands();
std::vector<CommandSpec> OrderCommands();
std::vector<CommandSpec> NotificationCommands();
// payment.*; order.pay itself is an order command.
std::vector<CommandSpec> PaymentCommands();
// The default table columns of a payment (order.pay, payment.get, payment.list).
std::vector<std::string_view> PaymentColumns();
// queue, worker, dlq and events: the durable event queues.
std::vector<CommandSpec> QueueCommands();
std::vector<CommandSpec> AdminCommands();

// The paging args every list method ends with (PROTOCOL.md §3, `next`).
inline ArgSpec LimitArg() {
  return {.name = "limit", .type = ArgType::kInt, .help = "at most this many (default 100)",
          .min = 1, .max = 1000};
}
inline ArgSpec OffsetArg() {
  return {.name = "offset", .type = ArgType::kInt, .help = "skip this many", .min = 0};
}
inline ArgSpec CursorArg() {
  return {.name = "cursor",
          .help = "continue after the previous page (the cursor it reported as next)",
          .max_length = 40};
}

}  // namespace mart
