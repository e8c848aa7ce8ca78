#include "mart/domain/catalog.h"

#include <algorithm>

#include "mart/domain/money.h"
#include "mart/text.h"

namespace mart {
namespace {

nlohmann::json OrNull(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

int64_t DefaultReorderThreshold(int64_t quantity) { return std::max<int64_t>(5, quantity / 10); }

nlohmann::json ToJson(const Product& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"description", p.description},
          {"category", p.category},
          {"price", MoneyJson(p.price_cents)},
          {"quantity", p.quantity},
          {"created_at", FormatTimestamp(p.created_at)},
          {"updated_at", FormatTimestamp(p.updated_at)}};
}

void AppendJson(std::string* out, const Product& p) {
  // The keys in the order nlohmann::json writes them (sorted).
  *out += "{\"category\":";
  AppendJsonString(out, p.category);
  *out += ",\"created_at\":\"" + FormatTimestamp(p.created_at) + "\",\"description\":";
  AppendJsonString(out, p.description);
  *out += ",\"id\":";
  AppendJsonString(out, p.id);
  *out += ",\"name\":";
  AppendJsonString(out, p.name);
  *out += ",\"price\":" + MoneyJson(p.price_cents).dump();
  *out += ",\"quantity\":" + std::to_string(p.quantity);
  *out += ",\"updated_at\":\"" + FormatTimestamp(p.updated_at) + "\"}";
}

nlohmann::json ToJson(const InventoryRecord& r) {
  return {{"id", r.id},
          {"product_id", r.product_id},
          {"available_quantity", r.available},
          {"reserved_quantity", r.reserved},
          {"shipped_quantity", r.shipped},
          {"reorder_threshold", r.reorder_threshold},
          {"is_low_stock", r.available <= r.reorder_threshold},
          {"created_at", FormatTimestamp(r.created_at)},
          {"updated_at", FormatTimestamp(r.updated_at)}};
}

nlohmann::json ToJson(const StockMovement& m) {
  return {{"id", m.id},
          {"product_id", m.product_id},
          {"type", m.type},
          {"delta", m.delta},
          {"available_before", m.available_before},
          {"available_after", m.available_after},
          {"reserved_before", m.reserved_before},
          {"reserved_after", m.reserved_after},
          {"reference", OrNull(m.reference)},
          {"reason", OrNull(m.reason)},
          {"actor", m.actor},
          {"created_at", FormatTimestamp(m.created_at)}};
}

}  // namespace mart
