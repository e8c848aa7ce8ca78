#pragma once
// The payloads of the orders' events and of the inventory worker's answers
// (order service, inventory service). Each is declared once here: topic,
// version, aggregate key, when it is emitted and its fields
// (events/codec.h); events/catalog.h lists them all.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "events/codec.h"

namespace mart::events {

// One merged line of an order, at the catalog's price.
struct OrderLine {
  std::string product_id = {};
  std::string name = {};  // empty: read from an event of version 1, which lacked it
  int64_t quantity = 0;
  int64_t price_cents = 0;
  static constexpr auto Fields() {
    return std::tuple{Text("product_id", &OrderLine::product_id, "the product's id"),
                      Text("name", &OrderLine::name, "the product's name when ordered",
                           /*since=*/2),
                      Integer("quantity", &OrderLine::quantity, "units ordered"),
                      Money("price", &OrderLine::price_cents, "the unit price")};
  }
};

struct OrderPlaced {
  static constexpr std::string_view kTopic = "order.placed";
  static constexpr int kVersion = 2;  // 2: each line's name
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen = "order.place committed a new pending order.";
  std::string order_id = {};
  int64_t user_id = 0;
  std::vector<OrderLine> items = {};
  int64_t total_cents = 0;
  static constexpr auto Fields() {
    return std::tuple{Text("order_id", &OrderPlaced::order_id, "the order's id"),
                      Integer("user_id", &OrderPlaced::user_id, "the buyer"),
                      List("items", &OrderPlaced::items, "the merged lines"),
                      Money("total_price", &OrderPlaced::total_cents, "the order's total")};
  }
};

struct OrderStatusChanged {
  static constexpr std::string_view kTopic = "order.status_changed";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen =
      "Every status change, by a person (order.status, order.cancel) or by a worker.";
  std::string order_id = {};
  int64_t user_id = 0;
  std::string from = {};
  std::string to = {};
  std::optional<std::string> reason = {};
  std::string actor = {};
  static constexpr auto Fields() {
    return std::tuple{
        Text("order_id", &OrderStatusChanged::order_id, "the order's id"),
        Integer("user_id", &OrderStatusChanged::user_id, "the buyer"),
        Text("from", &OrderStatusChanged::from, "the status before"),
        Text("to", &OrderStatusChanged::to, "the status now"),
        OrNull("reason", &OrderStatusChanged::reason, "why, null when none was given"),
        Text("actor", &OrderStatusChanged::actor,
             "\"user <id>\", \"the local operator\" or \"the <name> worker\"")};
  }
};

// One line of an order's stock, as the inventory worker reserves it.
struct StockLine {
  std::string product_id = {};
  int64_t quantity = 0;
  static constexpr auto Fields() {
    return std::tuple{Text("product_id", &StockLine::product_id, "the product's id"),
                      Integer("quantity", &StockLine::quantity, "units")};
  }
};

// One line of stock reserved, released or shipped for an order, with where
// the product's stock stands after it: the one event of that change (no
// `stock.updated` beside it since version 2).
struct HeldLine {
  std::string product_id = {};
  int64_t quantity = 0;
  int64_t available = -1;  // -1: read from an event of version 1, which lacked it
  int64_t reserved = -1;   // likewise
  static constexpr auto Fields() {
    return std::tuple{Text("product_id", &HeldLine::product_id, "the product's id"),
                      Integer("quantity", &HeldLine::quantity, "units"),
                      Integer("available", &HeldLine::available,
                              "the product's available units after the change", /*since=*/2),
                      Integer("reserved", &HeldLine::reserved,
                              "the product's reserved units after the change", /*since=*/2)};
  }
};

// The payload of inventory.reserved, .released and .shipped.
struct OrderStock {
  std::string order_id = {};
  std::vector<HeldLine> items = {};
  static constexpr auto Fields() {
    return std::tuple{Text("order_id", &OrderStock::order_id, "the order's id"),
                      List("items", &OrderStock::items, "one line per product")};
  }
};

struct InventoryReserved : OrderStock {
  static constexpr std::string_view kTopic = "inventory.reserved";
  static constexpr int kVersion = 2;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen = "The inventory worker reserved every line of an order.";
};

struct InventoryReleased : OrderStock {
  static constexpr std::string_view kTopic = "inventory.released";
  static constexpr int kVersion = 2;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen =
      "An order that held stock ended (cancelled or refunded): its units went back to available.";
};

struct InventoryShipped : OrderStock {
  static constexpr std::string_view kTopic = "inventory.shipped";
  static constexpr int kVersion = 2;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen =
      "An order that held stock was shipped: its units moved from reserved to shipped.";
};

// A line that could not be reserved.
struct ShortLine {
  std::string product_id = {};
  int64_t requested = 0;
  int64_t available = 0;
  static constexpr auto Fields() {
    return std::tuple{Text("product_id", &ShortLine::product_id, "the product's id"),
                      Integer("requested", &ShortLine::requested, "units the order wants"),
                      Integer("available", &ShortLine::available, "units available (0: deleted)")};
  }
};

struct InventoryReservationFailed {
  static constexpr std::string_view kTopic = "inventory.reservation_failed";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen =
      "Some line of an order was short, so the inventory worker reserved nothing.";
  std::string order_id = {};
  std::vector<ShortLine> short_lines = {};
  std::string reason = {};
  static constexpr auto Fields() {
    return std::tuple{
        Text("order_id", &InventoryReservationFailed::order_id, "the order's id"),
        List("short", &InventoryReservationFailed::short_lines, "one entry per short line"),
        Text("reason", &InventoryReservationFailed::reason, "names each short line")};
  }
};

}  // namespace mart::events
