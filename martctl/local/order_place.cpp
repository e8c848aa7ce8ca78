#include "martctl/local/order_place.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ostream>
#include <string>

#include "mart/domain/money.h"
#include "mart/domain/order.h"
#include "mart/text.h"
#include "martctl/local/order_wait.h"

namespace mart::cli {
namespace {

using nlohmann::json;

Status BadItem(std::string_view text, const std::string& problem) {
  return InvalidArgument("'" + std::string(text.substr(0, 80)) + "': " + problem + "; expected " +
                             std::string(kItemShape) + ", e.g. 66f1c0ffee0000000000abcd:2:899.99",
                         {{"field", "items"}});
}

std::vector<std::string_view> SplitParts(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t colon = text.find(':'); colon != std::string_view::npos;
       start = colon + 1, colon = text.find(':', start)) {
    parts.push_back(text.substr(start, colon - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::optional<int64_t> PositiveInteger(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 1) {
    return std::nullopt;
  }
  return value;
}

std::string Quoted(std::string_view text) { return "'" + std::string(text.substr(0, 40)) + "'"; }

std::string StringField(const json& object, const char* key) {
  auto it = object.is_object() ? object.find(key) : object.end();
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

void Warn(Io& io, const std::string& text) { io.err << "martctl: warning: " << text << "\n"; }

std::string CancelledMessage(const std::string& id, const json& order) {
  const std::string reason = StringField(order, "reason");
  return "order " + id + " was cancelled" + (reason.empty() ? "" : ": " + reason);
}

}  // namespace

Result<json> ParseItemFlag(std::string_view text) {
  const std::vector<std::string_view> parts = SplitParts(text);
  if (parts.size() > 3) return BadItem(text, "too many ':'");
  if (parts[0].empty()) return BadItem(text, "the product id is missing");
  if (!IsObjectId(parts[0])) {
    return BadItem(text, "the product id must be 24 hex characters (0-9, a-f)");
  }
  json item = {{"product_id", std::string(parts[0])}, {"quantity", 1}};
  if (parts.size() > 1) {
    std::optional<int64_t> quantity = PositiveInteger(parts[1]);
    if (!quantity) {
      return BadItem(text, "the quantity must be a whole number of at least 1, not " +
                               Quoted(parts[1]));
    }
    item["quantity"] = *quantity;
  }
  if (parts.size() > 2) {
    Result<int64_t> cents = ParseMoney(json(std::string(parts[2])), "the price");
    if (!cents.ok() || *cents <= 0) {
      return BadItem(text, "the price must be an amount above 0 with at most two decimals, not " +
                               Quoted(parts[2]));
    }
    item["price"] = std::string(parts[2]);
  }
  return item;
}

std::vector<LocalFlag> OrderPlaceFlags() {
  return {
      {.arg = {.name = "item",
               .help = "an order line, at least one (repeat for more): the product, the "
                       "quantity (default 1) and the price you expect (the order fails if "
                       "the catalog price differs)",
               .required = true},
       .repeated = true,
       .parse = ParseItemFlag,
       .value_name = kItemShape},
      {.arg = {.name = "no_wait", .type = ArgType::kBool,
               .help = "print the placement at once instead of waiting until it leaves pending"}},
      {.arg = {.name = "wait_timeout", .type = ArgType::kInt,
               .help = "seconds to wait for the order to leave pending (default 30)", .min = 0,
               .max = 86400}},
  };
}

Status PrepareOrderPlace(CallContext& context, json* params) {
  const json& flags = context.invocation.flags;
  if (flags.contains("item")) (*params)["items"] = flags["item"];
  return Status::Ok();
}

Result<Output> FinishOrderPlace(CallContext& context, json placed) {
  const json& flags = context.invocation.flags;
  const std::string id = StringField(placed, "id");
  if (flags.value("no_wait", false) || id.empty()) return Output{.value = std::move(placed)};
  const int64_t seconds = flags.value("wait_timeout", kDefaultOrderWaitSeconds);
  Result<OrderWaitResult> waited = WaitForOrder(context.session, context.io, id, std::nullopt,
                                                std::chrono::seconds(seconds), placed);
  const std::string hint = "'martctl order wait " + id + "'";
  if (!waited.ok()) {
    Warn(context.io, "order " + id + " is placed, but its status could not be read: " +
                         waited.status().ToString() + "; follow it with " + hint);
    return Output{.value = std::move(placed)};
  }
  if (waited->outcome == WaitOutcome::kTimedOut) {
    Warn(context.io, "order " + id + " is still pending after " + std::to_string(seconds) +
                         " s; it is placed and waits for the inventory worker (see 'martctl "
                         "queue list'); wait for it with " + hint);
  } else if (waited->status == OrderStatus::kCancelled) {
    const int exit_code =
        Fail(context.io, FailedPrecondition(CancelledMessage(id, waited->order)));
    return Output{.value = std::move(waited->order), .exit_code = exit_code};
  }
  return Output{.value = std::move(waited->order)};
}

}  // namespace mart::cli
