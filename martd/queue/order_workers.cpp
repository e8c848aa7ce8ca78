#include "queue/order_workers.h"

#include <algorithm>

namespace mart {

Status InventoryWorker::On(Tx& tx, const store::EventRow&,
                           const events::OrderPlaced& placed) const {
  const Principal self = Principal::Worker(name());
  std::vector<StockLine> lines;
  lines.reserve(placed.items.size());
  for (const events::OrderLine& item : placed.items) {
    lines.push_back({.product_id = item.product_id, .quantity = item.quantity});
  }
  MART_ASSIGN_OR_RETURN(bool reserved,
                        inventory_.ReserveOrder(tx, placed.order_id, lines, self,
                                                page_ ? &page_->stock : nullptr));
  if (!reserved) return Status::Ok();
  // An order that ended first gets its stock back now: its cancellation may
  // have been applied already, with nothing to release then (a dead-lettered
  // placement retried late), and would never release this hold.
  OrderStatus status = OrderStatus::kPending;
  const OrderStatus* known = nullptr;
  if (page_) {
    auto it = page_->status.find(placed.order_id);
    if (it != page_->status.end()) known = &it->second;
  }
  if (known != nullptr) {
    status = *known;
  } else {
    MART_ASSIGN_OR_RETURN(Order order, tx.store.orders().Head(placed.order_id));
    status = order.status;
  }
  if (status != OrderStatus::kCancelled && status != OrderStatus::kRefunded) return Status::Ok();
  if (page_) page_->stock = {};  // the release changes what it knew
  return inventory_.ReleaseOrder(tx, placed.order_id, self).status();
}

Status InventoryWorker::On(Tx& tx, const store::EventRow&,
                           const events::OrderStatusChanged& change) const {
  const Principal self = Principal::Worker(name());
  const bool release = change.to == "cancelled" || change.to == "refunded";
  if (!release && change.to != "shipped") return Status::Ok();
  if (page_) page_->stock = {};  // it changes stock and holds the page read
  if (release) return inventory_.ReleaseOrder(tx, change.order_id, self).status();
  return inventory_.ShipOrder(tx, change.order_id, self).status();
}

Status InventoryWorker::BeginPage(Tx& tx, const std::vector<PageEvent>& events) const {
  std::vector<std::string> products, orders;
  for (const PageEvent& event : events) {
    if (event.row.topic != events::OrderPlaced::kTopic) continue;
    auto order_id = event.data.find("order_id");
    auto items = event.data.find("items");
    if (order_id == event.data.end() || !order_id->is_string()) continue;
    if (items == event.data.end() || !items->is_array()) continue;
    orders.push_back(order_id->get<std::string>());
    for (const auto& item : *items) {
      if (!item.is_object()) continue;
      auto product = item.find("product_id");
      if (product == item.end() || !product->is_string()) continue;
      products.push_back(product->get<std::string>());
    }
  }
  if (orders.empty()) return Status::Ok();
  std::sort(products.begin(), products.end());
  products.erase(std::unique(products.begin(), products.end()), products.end());
  Page page;
  MART_RETURN_IF_ERROR(inventory_.ReadPage(tx, products, orders, &page.stock));
  MART_ASSIGN_OR_RETURN(std::vector<Order> heads, tx.store.orders().Heads(orders));
  for (const Order& head : heads) page.status.emplace(head.id, head.status);
  page_ = std::move(page);
  return Status::Ok();
}

Status OrdersWorker::On(Tx& tx, const store::EventRow&,
                        const events::InventoryReserved& reserved) const {
  const Order* head = Known(reserved.order_id);
  Status status = orders_.OnStockReserved(tx, reserved.order_id, Principal::Worker(name()), head);
  Forget(reserved.order_id);
  return status;
}

Status OrdersWorker::On(Tx& tx, const store::EventRow&,
                        const events::InventoryReservationFailed& failed) const {
  const Order* head = Known(failed.order_id);
  Status status =
      orders_.OnStockFailed(tx, failed.order_id, failed.reason, Principal::Worker(name()), head);
  Forget(failed.order_id);
  return status;
}

Status OrdersWorker::On(Tx& tx, const store::EventRow&,
                        const events::InventoryReleased& released) const {
  Forget(released.order_id);
  return orders_.OnStockMoved(tx, released.order_id, StockState::kReleased);
}

Status OrdersWorker::On(Tx& tx, const store::EventRow&,
                        const events::InventoryShipped& shipped) const {
  Forget(shipped.order_id);
  return orders_.OnStockMoved(tx, shipped.order_id, StockState::kShipped);
}

Status OrdersWorker::BeginPage(Tx& tx, const std::vector<PageEvent>& events) const {
  std::vector<std::string> ids;
  for (const PageEvent& event : events) {
    auto order_id = event.data.find("order_id");
    if (order_id != event.data.end() && order_id->is_string()) {
      ids.push_back(order_id->get<std::string>());
    }
  }
  if (ids.empty()) return Status::Ok();
  MART_ASSIGN_OR_RETURN(std::vector<Order> heads, tx.store.orders().Heads(ids));
  heads_.emplace();
  for (Order& head : heads) {
    std::string id = head.id;
    heads_->insert_or_assign(std::move(id), std::move(head));
  }
  return Status::Ok();
}

const Order* OrdersWorker::Known(const std::string& order_id) const {
  if (!heads_) return nullptr;
  auto it = heads_->find(order_id);
  return it == heads_->end() ? nullptr : &it->second;
}

}  // namespace mart
