#include "services/order_workers.h"

namespace mart {
namespace {

using nlohmann::json;

// Events come from mart itself, but a payload is still checked before use:
// a malformed one is an error (retried, then dead-lettered), never a crash.
Result<std::string> Text(const json& data, const char* key, const store::EventRow& event) {
  auto it = data.find(key);
  if (it == data.end() || !it->is_string()) {
    return InvalidArgument("event " + std::to_string(event.seq) + " (" + event.topic +
                           ") has no text field '" + key + "'");
  }
  return it->get<std::string>();
}

Result<std::vector<StockLine>> Lines(const json& data, const store::EventRow& event) {
  auto items = data.find("items");
  if (items == data.end() || !items->is_array()) {
    return InvalidArgument("event " + std::to_string(event.seq) + " has no items");
  }
  std::vector<StockLine> lines;
  for (const json& item : *items) {
    if (!item.is_object() || !item.contains("quantity") || !item["quantity"].is_number_integer()) {
      return InvalidArgument("event " + std::to_string(event.seq) + " has a malformed item");
    }
    MART_ASSIGN_OR_RETURN(std::string product_id, Text(item, "product_id", event));
    lines.push_back({product_id, item["quantity"].get<int64_t>()});
  }
  return lines;
}

}  // namespace

const std::vector<std::string>& InventoryWorker::topics() const {
  static const std::vector<std::string> kTopics = {"order.placed", "order.status_changed"};
  return kTopics;
}

Status InventoryWorker::Apply(Tx& tx, const store::EventRow& event, const json& data) const {
  const Principal self = Principal::Worker(name());
  MART_ASSIGN_OR_RETURN(std::string order_id, Text(data, "order_id", event));
  if (event.topic == "order.placed") {
    MART_ASSIGN_OR_RETURN(std::vector<StockLine> lines, Lines(data, event));
    MART_ASSIGN_OR_RETURN(bool reserved, inventory_.ReserveOrder(tx, order_id, lines, self));
    if (!reserved) return Status::Ok();
    // An order that ended first gets its stock back now: its cancellation may
    // have been applied already, with nothing to release then (a dead-lettered
    // placement retried late), and would never release this hold.
    MART_ASSIGN_OR_RETURN(Order order, tx.store.orders().Get(order_id));
    if (order.status != OrderStatus::kCancelled && order.status != OrderStatus::kRefunded) {
      return Status::Ok();
    }
    return inventory_.ReleaseOrder(tx, order_id, self).status();
  }
  Result<std::string> to = Text(data, "to", event);
  if (!to.ok()) return to.status();
  if (*to == "cancelled" || *to == "refunded") {
    return inventory_.ReleaseOrder(tx, order_id, self).status();
  }
  if (*to == "shipped") return inventory_.ShipOrder(tx, order_id, self).status();
  return Status::Ok();
}

const std::vector<std::string>& OrdersWorker::topics() const {
  static const std::vector<std::string> kTopics = {"inventory.reserved",
                                                   "inventory.reservation_failed",
                                                   "inventory.released", "inventory.shipped"};
  return kTopics;
}

Status OrdersWorker::Apply(Tx& tx, const store::EventRow& event, const json& data) const {
  const Principal self = Principal::Worker(name());
  MART_ASSIGN_OR_RETURN(std::string order_id, Text(data, "order_id", event));
  if (event.topic == "inventory.reserved") return orders_.OnStockReserved(tx, order_id, self);
  if (event.topic == "inventory.reservation_failed") {
    MART_ASSIGN_OR_RETURN(std::string reason, Text(data, "reason", event));
    return orders_.OnStockFailed(tx, order_id, reason, self);
  }
  if (event.topic == "inventory.released") {
    return orders_.OnStockMoved(tx, order_id, StockState::kReleased);
  }
  return orders_.OnStockMoved(tx, order_id, StockState::kShipped);
}

}  // namespace mart
