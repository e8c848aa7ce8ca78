#pragma once
// The payloads of the catalog's and the stock's events (catalog and inventory
// services). Each is declared once here: topic, version, aggregate key, when
// it is emitted and its fields (events/codec.h); events/catalog.h lists them.

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "events/codec.h"

namespace mart::events {

// The payload of product.created, .updated and .deleted.
struct ProductEvent {
  std::string product_id = {};
  std::string name = {};
  std::string category = {};
  int64_t price_cents = 0;
  static constexpr auto Fields() {
    return std::tuple{
        Text("product_id", &ProductEvent::product_id, "the product's id"),
        Text("name", &ProductEvent::name, "its name"),
        Text("category", &ProductEvent::category, "its category"),
        Integer("price_cents", &ProductEvent::price_cents, "its price, in integer cents")};
  }
};

struct ProductCreated : ProductEvent {
  static constexpr std::string_view kTopic = "product.created";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "product_id";
  static constexpr std::string_view kWhen =
      "product.create, or product.import for each product it created.";
};

struct ProductUpdated : ProductEvent {
  static constexpr std::string_view kTopic = "product.updated";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "product_id";
  static constexpr std::string_view kWhen =
      "Every successful product.update (or import of an existing id), with the new values.";
};

struct ProductDeleted : ProductEvent {
  static constexpr std::string_view kTopic = "product.deleted";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "product_id";
  static constexpr std::string_view kWhen =
      "product.delete removed a product; the payload has the values it had.";
};

struct StockUpdated {
  static constexpr std::string_view kTopic = "stock.updated";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "product_id";
  static constexpr std::string_view kWhen =
      "Every stock change, with its ledger row: initial stock, set, adjust, reserve, release, "
      "ship.";
  std::string product_id = {};
  std::string type = {};
  int64_t delta = 0;
  int64_t available = 0;
  int64_t reserved = 0;
  static constexpr auto Fields() {
    return std::tuple{
        Text("product_id", &StockUpdated::product_id, "the product's id"),
        Text("type", &StockUpdated::type, "the ledger row's type (initial, set, adjust, …)"),
        Integer("delta", &StockUpdated::delta, "the change of available units"),
        Integer("available", &StockUpdated::available, "available units after the change"),
        Integer("reserved", &StockUpdated::reserved, "reserved units after the change")};
  }
};

struct InventoryLowStock {
  static constexpr std::string_view kTopic = "inventory.low_stock";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "product_id";
  static constexpr std::string_view kWhen =
      "A stock change made an item low (available <= threshold) while it was not low before.";
  std::string product_id = {};
  int64_t available = 0;
  int64_t reorder_threshold = 0;
  static constexpr auto Fields() {
    return std::tuple{
        Text("product_id", &InventoryLowStock::product_id, "the product's id"),
        Integer("available", &InventoryLowStock::available, "available units now"),
        Integer("reorder_threshold", &InventoryLowStock::reorder_threshold, "its threshold")};
  }
};

// One low item of inventory.reorder_check's result.
struct ReorderItem {
  std::string product_id = {};
  std::string name = {};
  int64_t available_quantity = 0;
  int64_t reserved_quantity = 0;
  int64_t reorder_threshold = 0;
  int64_t suggested_quantity = 0;
  static constexpr auto Fields() {
    return std::tuple{
        Text("product_id", &ReorderItem::product_id, "the product's id"),
        Text("name", &ReorderItem::name, "its name"),
        Integer("available_quantity", &ReorderItem::available_quantity, "available units"),
        Integer("reserved_quantity", &ReorderItem::reserved_quantity, "reserved units"),
        Integer("reorder_threshold", &ReorderItem::reorder_threshold, "its threshold"),
        Integer("suggested_quantity", &ReorderItem::suggested_quantity, "units to reorder")};
  }
};

struct InventoryReorderRequested {
  static constexpr std::string_view kTopic = "inventory.reorder_requested";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "";
  static constexpr std::string_view kWhen = "inventory.reorder_check with notify found low items.";
  std::vector<ReorderItem> items = {};
  std::string requested_by = {};
  static constexpr auto Fields() {
    return std::tuple{List("items", &InventoryReorderRequested::items, "the method's result"),
                      Text("requested_by", &InventoryReorderRequested::requested_by,
                           "\"user <id>\" or \"the local operator\"")};
  }
};

}  // namespace mart::events
