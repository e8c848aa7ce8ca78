#pragma once
// The two workers that carry an order through its stock reservation:
//   inventory  takes order.placed (reserve all lines or none) and
//              order.status_changed (release on cancelled/refunded, consume
//              on shipped), and answers with inventory.* events;
//   orders     takes those answers and moves the order on (pending ->
//              processing, or cancelled with the reason) and records where
//              its stock stands.
// Each payload is decoded into its catalog type first (queue/consumer.h).
// The inventory worker reads what a page of placements needs at its start
// (BeginPage) rather than per order and line.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "queue/consumer.h"
#include "services/inventory_service.h"
#include "services/order_service.h"

namespace mart {

class InventoryWorker
    : public TypedConsumer<InventoryWorker, events::OrderPlaced, events::OrderStatusChanged> {
 public:
  explicit InventoryWorker(const InventoryService& inventory) : inventory_(inventory) {}
  std::string_view name() const override { return "inventory"; }

  Status On(Tx& tx, const store::EventRow& event, const events::OrderPlaced& placed) const;
  Status On(Tx& tx, const store::EventRow& event, const events::OrderStatusChanged& change) const;

  // For a page's placements: every product's record, which orders hold
  // stock already and which ended, one statement each.
  Status BeginPage(Tx& tx, const std::vector<PageEvent>& events) const override;
  void EndPage() const override { page_.reset(); }

 private:
  struct Page {
    PageStock stock;
    // The page's placed orders and their status at its start, which this
    // worker never changes.
    std::unordered_map<std::string, OrderStatus> status;
  };

  const InventoryService& inventory_;
  mutable std::optional<Page> page_;  // store thread only: between BeginPage and EndPage
};

class OrdersWorker : public TypedConsumer<OrdersWorker, events::InventoryReserved,
                                          events::InventoryReservationFailed,
                                          events::InventoryReleased, events::InventoryShipped> {
 public:
  explicit OrdersWorker(const OrderService& orders) : orders_(orders) {}
  std::string_view name() const override { return "orders"; }

  Status On(Tx& tx, const store::EventRow& event, const events::InventoryReserved& reserved) const;
  Status On(Tx& tx, const store::EventRow& event,
            const events::InventoryReservationFailed& failed) const;
  Status On(Tx& tx, const store::EventRow& event, const events::InventoryReleased& released) const;
  Status On(Tx& tx, const store::EventRow& event, const events::InventoryShipped& shipped) const;

  // The heads of a page's orders, in one statement.
  Status BeginPage(Tx& tx, const std::vector<PageEvent>& events) const override;
  void EndPage() const override { heads_.reset(); }

 private:
  // The head of an order as stored now, from the page's read, or nullptr;
  // Forget() drops it once this worker changes the order.
  const Order* Known(const std::string& order_id) const;
  void Forget(const std::string& order_id) const {
    if (heads_) heads_->erase(order_id);
  }

  const OrderService& orders_;
  // Store thread only: between BeginPage and EndPage.
  mutable std::optional<std::unordered_map<std::string, Order>> heads_;
};

}  // namespace mart
