#pragma once
// What `martctl order place` does around order.place (method_behaviour.h):
//   --item PRODUCT_ID[:QUANTITY[:PRICE]]  repeated, at least one: the lines
//       (quantity default 1; PRICE the expected price, decimal text sent as
//       it is, so the daemon compares it exactly);
//   --no-wait                 print the placement reply at once;
//   --wait-timeout SECONDS    how long to wait (default 30).
// By default martctl waits until the order leaves pending (order_wait.h) and
// prints it as it is then:
//   cancelled: also "martctl: order <id> was cancelled: <reason>
//       [FAILED_PRECONDITION]" on stderr, exit 5;
//   still pending when the wait runs out, or its status unreadable: a warning
//       on stderr, exit 0, since the order is placed, and a failure exit
//       would make a script place it again;
//   anything else: exit 0.
// The placement is one call with one idempotency key, reused by its retries.

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "martctl/command.h"
#include "martctl/method_behaviour.h"

namespace mart::cli {

inline constexpr std::string_view kItemShape = "PRODUCT_ID[:QUANTITY[:PRICE]]";

// One --item value -> {"product_id", "quantity"[, "price" as the text given]}.
// INVALID_ARGUMENT naming the value, what is wrong with it and the shape
// expected: a product id that is not 24 lowercase hex characters, a quantity
// that is not a whole number of at least 1, a price that is not an amount
// above 0 with at most two decimals, or more than three parts.
Result<nlohmann::json> ParseItemFlag(std::string_view text);

std::vector<LocalFlag> OrderPlaceFlags();
// Moves the --item lines into the "items" param.
Status PrepareOrderPlace(CallContext& context, nlohmann::json* params);
// Waits, unless --no-wait, and decides what to print and the exit code.
Result<Output> FinishOrderPlace(CallContext& context, nlohmann::json result);

}  // namespace mart::cli
