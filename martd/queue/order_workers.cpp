#include "queue/order_workers.h"

namespace mart {

Status InventoryWorker::On(Tx& tx, const store::EventRow&,
                           const events::OrderPlaced& placed) const {
  const Principal self = Principal::Worker(name());
  std::vector<StockLine> lines;
  lines.reserve(placed.items.size());
  for (const events::OrderLine& item : placed.items) {
    lines.push_back({.product_id = item.product_id, .quantity = item.quantity});
  }
  MART_ASSIGN_OR_RETURN(bool reserved, inventory_.ReserveOrder(tx, placed.order_id, lines, self));
  if (!reserved) return Status::Ok();
  // An order that ended first gets its stock back now: its cancellation may
  // have been applied already, with nothing to release then (a dead-lettered
  // placement retried late), and would never release this hold.
  MART_ASSIGN_OR_RETURN(Order order, tx.store.orders().Head(placed.order_id));
  if (order.status != OrderStatus::kCancelled && order.status != OrderStatus::kRefunded) {
    return Status::Ok();
  }
  return inventory_.ReleaseOrder(tx, placed.order_id, self).status();
}

Status InventoryWorker::On(Tx& tx, const store::EventRow&,
                           const events::OrderStatusChanged& change) const {
  const Principal self = Principal::Worker(name());
  if (change.to == "cancelled" || change.to == "refunded") {
    return inventory_.ReleaseOrder(tx, change.order_id, self).status();
  }
  if (change.to == "shipped") return inventory_.ShipOrder(tx, change.order_id, self).status();
  return Status::Ok();
}

Status OrdersWorker::On(Tx& tx, const store::EventRow&,
                        const events::InventoryReserved& reserved) const {
  return orders_.OnStockReserved(tx, reserved.order_id, Principal::Worker(name()));
}

Status OrdersWorker::On(Tx& tx, const store::EventRow&,
                        const events::InventoryReservationFailed& failed) const {
  return orders_.OnStockFailed(tx, failed.order_id, failed.reason, Principal::Worker(name()));
}

Status OrdersWorker::On(Tx& tx, const store::EventRow&,
                        const events::InventoryReleased& released) const {
  return orders_.OnStockMoved(tx, released.order_id, StockState::kReleased);
}

Status OrdersWorker::On(Tx& tx, const store::EventRow&,
                        const events::InventoryShipped& shipped) const {
  return orders_.OnStockMoved(tx, shipped.order_id, StockState::kShipped);
}

}  // namespace mart
