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
// queue, worker, dlq and events: the durable event queues.
std::vector<CommandSpec> QueueCommands();
std::vector<CommandSpec> AdminCommands();

}  // namespace mart
