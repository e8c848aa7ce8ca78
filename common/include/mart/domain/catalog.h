#pragma once
// Catalog and inventory types and their JSON shapes, with the seeds' field
// names: a product has `_id` (24 hex), `name`, `description`, `category`,
// `price` and `quantity` (what is available); an inventory record has
// `product_id`, `available_quantity`, `reserved_quantity`, `reorder_threshold`.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mart {

struct Product {
  std::string id;  // 24 hex characters: 4 bytes of creation time, 8 random
  std::string name;
  std::string description;
  std::string category;
  int64_t price_cents = 0;
  int64_t quantity = 0;  // the inventory's available quantity, joined in
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct InventoryRecord {
  int64_t id = 0;
  std::string product_id;
  int64_t available = 0;
  int64_t reserved = 0;
  int64_t shipped = 0;  // units that left with shipped orders
  int64_t reorder_threshold = 0;
  // The low-stock event fired and has not re-armed yet (available has not
  // risen above the threshold since). Low stock itself is available <= threshold.
  bool low_stock_alerted = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// One row of the append-only movement ledger.
struct StockMovement {
  int64_t id = 0;
  std::string product_id;
  std::string type;  // initial, set, adjust, reserve, release, ship
  int64_t delta = 0;  // change of available
  int64_t available_before = 0, available_after = 0;
  int64_t reserved_before = 0, reserved_after = 0;
  std::optional<std::string> reference = {};
  std::optional<std::string> reason = {};
  std::string actor = {};  // "user 3", "the local operator"
  int64_t created_at = 0;
};

// The default reorder threshold for an initial quantity: max(5, quantity / 10).
int64_t DefaultReorderThreshold(int64_t quantity);

nlohmann::json ToJson(const Product& product);
// ToJson(product) as the text dump() writes, byte for byte, without building
// the object: product lists and gets are the hot replies.
void AppendJson(std::string* out, const Product& product);
nlohmann::json ToJson(const InventoryRecord& record);
nlohmann::json ToJson(const StockMovement& movement);

}  // namespace mart
