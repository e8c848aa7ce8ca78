#include "mart/domain/order.h"

#include <algorithm>
#include <array>

#include "mart/domain/money.h"
#include "mart/text.h"

namespace mart {
namespace {

using S = OrderStatus;

constexpr std::array<std::pair<S, std::string_view>, 7> kStatusNames = {{
    {S::kPending, "pending"},
    {S::kProcessing, "processing"},
    {S::kPaid, "paid"},
    {S::kShipped, "shipped"},
    {S::kDelivered, "delivered"},
    {S::kCancelled, "cancelled"},
    {S::kRefunded, "refunded"},
}};

constexpr std::array<std::pair<StockState, std::string_view>, 5> kStockNames = {{
    {StockState::kPending, "pending"},
    {StockState::kReserved, "reserved"},
    {StockState::kFailed, "failed"},
    {StockState::kReleased, "released"},
    {StockState::kShipped, "shipped"},
}};

nlohmann::json OrNull(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

std::string_view OrderStatusName(OrderStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "?";
}

std::optional<OrderStatus> ParseOrderStatus(std::string_view name) {
  for (const auto& [value, text] : kStatusNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

const std::vector<OrderStatus>& AllOrderStatuses() {
  static const std::vector<OrderStatus> kAll = [] {
    std::vector<OrderStatus> all;
    for (const auto& entry : kStatusNames) all.push_back(entry.first);
    return all;
  }();
  return kAll;
}

std::string_view StockStateName(StockState state) {
  for (const auto& [value, name] : kStockNames) {
    if (value == state) return name;
  }
  return "?";
}

std::optional<StockState> ParseStockState(std::string_view name) {
  for (const auto& [value, text] : kStockNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

const std::vector<std::pair<OrderStatus, std::vector<OrderStatus>>>& OrderTransitions() {
  static const std::vector<std::pair<OrderStatus, std::vector<OrderStatus>>> kTable = {
      {S::kPending, {S::kProcessing, S::kPaid, S::kCancelled}},
      {S::kProcessing, {S::kPaid, S::kShipped, S::kCancelled, S::kRefunded}},
      {S::kPaid, {S::kProcessing, S::kShipped, S::kCancelled, S::kRefunded}},
      {S::kShipped, {S::kDelivered, S::kRefunded}},
      {S::kDelivered, {S::kRefunded}},
      {S::kCancelled, {}},
      {S::kRefunded, {}},
  };
  return kTable;
}

bool CanTransition(OrderStatus from, OrderStatus to) {
  for (const auto& [status, targets] : OrderTransitions()) {
    if (status == from) return std::find(targets.begin(), targets.end(), to) != targets.end();
  }
  return false;
}

bool CanEventuallyReach(OrderStatus from, OrderStatus to) {
  std::vector<OrderStatus> seen = {from};
  for (size_t i = 0; i < seen.size(); ++i) {
    if (seen[i] == to) return true;
    for (OrderStatus next : AllOrderStatuses()) {
      if (CanTransition(seen[i], next) &&
          std::find(seen.begin(), seen.end(), next) == seen.end()) {
        seen.push_back(next);
      }
    }
  }
  return false;
}

nlohmann::json TransitionsJson() {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [from, targets] : OrderTransitions()) {
    nlohmann::json to = nlohmann::json::array();
    for (OrderStatus target : targets) to.push_back(OrderStatusName(target));
    rows.push_back({{"from", OrderStatusName(from)}, {"to", std::move(to)}});
  }
  return rows;
}

nlohmann::json ToJson(const ShippingAddress& a) {
  return {{"line1", a.line1},     {"line2", OrNull(a.line2)},
          {"city", a.city},       {"state", OrNull(a.state)},
          {"postal_code", a.postal_code}, {"country", a.country}};
}

nlohmann::json ToJson(const Order& o) {
  nlohmann::json items = nlohmann::json::array();
  for (const OrderItem& item : o.items) {
    items.push_back({{"product_id", item.product_id},
                     {"name", item.name},
                     {"quantity", item.quantity},
                     {"price", MoneyJson(item.price_cents)}});
  }
  return {{"id", o.id},
          {"user_id", o.user_id},
          {"items", std::move(items)},
          {"total_price", MoneyJson(o.total_cents)},
          {"status", OrderStatusName(o.status)},
          {"stock", StockStateName(o.stock)},
          {"reason", OrNull(o.reason)},
          {"shipping_address", ToJson(o.shipping_address)},
          {"created_at", FormatTimestamp(o.created_at)},
          {"updated_at", FormatTimestamp(o.updated_at)}};
}

nlohmann::json ToJson(const OrderChange& c) {
  return {{"id", c.id},
          {"order_id", c.order_id},
          {"from", c.from ? nlohmann::json(OrderStatusName(*c.from)) : nlohmann::json()},
          {"to", OrderStatusName(c.to)},
          {"actor", c.actor},
          {"reason", OrNull(c.reason)},
          {"at", FormatTimestamp(c.at)}};
}

}  // namespace mart
