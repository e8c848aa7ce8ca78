#pragma once
// Orders: statuses, the one transition table every status change goes through
// (DESIGN.md §4), and the JSON shapes. An order has the seeds' field names:
// `_id` (24 hex), `user_id`, `items` [{product_id, quantity, price}],
// `total_price`, `status`, `shipping_address`, `created_at`, `updated_at`;
// mart adds `stock` (where its reservation stands), `reason` (why it was
// cancelled) and each item's `name`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mart {

enum class OrderStatus { kPending, kProcessing, kPaid, kShipped, kDelivered, kCancelled, kRefunded };

// Where an order's stock stands, as the orders worker last heard from the
// inventory worker.
enum class StockState { kPending, kReserved, kFailed, kReleased, kShipped };

std::string_view OrderStatusName(OrderStatus status);
std::optional<OrderStatus> ParseOrderStatus(std::string_view name);
const std::vector<OrderStatus>& AllOrderStatuses();
std::string_view StockStateName(StockState state);
std::optional<StockState> ParseStockState(std::string_view name);

// The allowed changes: each status with the statuses it may move to. Setting
// the current status again is not a change (a no-op), so it is not listed.
const std::vector<std::pair<OrderStatus, std::vector<OrderStatus>>>& OrderTransitions();
bool CanTransition(OrderStatus from, OrderStatus to);
// True when `to` can still be reached from `from` through the table.
bool CanEventuallyReach(OrderStatus from, OrderStatus to);
// The table as JSON rows [{"from", "to": [...]}], for `martctl order transitions`.
nlohmann::json TransitionsJson();

struct OrderItem {
  std::string product_id;
  std::string name;  // the product's name when the order was placed
  int64_t quantity = 0;
  int64_t price_cents = 0;  // the catalog price when the order was placed
};

struct ShippingAddress {
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::optional<std::string> state;
  std::string postal_code;
  std::string country;
};

struct Order {
  std::string id;  // 24 hex characters, like product ids
  int64_t user_id = 0;
  std::vector<OrderItem> items;
  int64_t total_cents = 0;
  OrderStatus status = OrderStatus::kPending;
  StockState stock = StockState::kPending;
  std::optional<std::string> reason;  // why it was cancelled or refunded
  ShippingAddress shipping_address;
  int64_t created_at = 0;  // Unix microseconds
  int64_t updated_at = 0;
};

// One status change in an order's history.
struct OrderChange {
  int64_t id = 0;
  std::string order_id;
  std::optional<OrderStatus> from;  // none for the placement
  OrderStatus to = OrderStatus::kPending;
  std::string actor;  // "user 3", "the local operator", "the orders worker"
  std::optional<std::string> reason;
  int64_t at = 0;
};

nlohmann::json ToJson(const ShippingAddress& address);
nlohmann::json ToJson(const Order& order);
nlohmann::json ToJson(const OrderChange& change);

}  // namespace mart
