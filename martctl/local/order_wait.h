#pragma once
// Waiting for an order's status, for `martctl order place` (which waits until
// the order leaves pending) and for
//   martctl order wait ID [--for STATUS] [--wait-timeout SECONDS]   (default 30)
// Both poll order.get: first after 5 ms, then twice as long each time, at
// most every 100 ms. `order wait` exits
//   0  once the order is STATUS (default: any status but pending), printing it;
//   5  "order <id> is <status> and can no longer become <target>"
//      [FAILED_PRECONDITION], when the transition table rules STATUS out;
//   6  "order <id> is still <status> after N s" [UNAVAILABLE] on timeout;
//   and with order.get's own errors (not found 3, auth 4).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/domain/order.h"
#include "mart/status.h"
#include "martctl/command.h"
#include "martctl/local/session.h"

namespace mart::cli {

inline constexpr int64_t kDefaultOrderWaitSeconds = 30;
inline constexpr std::chrono::milliseconds kFirstOrderPoll{5};
inline constexpr std::chrono::milliseconds kMaxOrderPoll{100};

enum class WaitOutcome { kReached, kUnreachable, kTimedOut };

struct OrderWaitResult {
  nlohmann::json order = {};  // the order as last seen
  OrderStatus status = OrderStatus::kPending;
  WaitOutcome outcome = WaitOutcome::kTimedOut;
};

// Waits until order `id` is `target` (nullopt: any status but pending), can
// no longer become it (CanEventuallyReach), or `timeout` has passed; the last
// poll is made at the deadline. `known`: the order as just seen (say, the
// placement reply), polled again only after the first pause; null: poll at
// once. Errors: order.get's, INTERNAL for a reply without a known status.
Result<OrderWaitResult> WaitForOrder(Session& session, const Io& io, const std::string& id,
                                     std::optional<OrderStatus> target,
                                     std::chrono::milliseconds timeout,
                                     nlohmann::json known = nullptr);

std::vector<CommandEntry> OrderWaitCommands();
int RunOrderWait(const Invocation& invocation, const Settings& settings, Io& io);

}  // namespace mart::cli
