#pragma once
// The two workers that carry an order through its stock reservation:
//   inventory  takes order.placed (reserve all lines or none) and
//              order.status_changed (release on cancelled/refunded, consume
//              on shipped), and answers with inventory.* events;
//   orders     takes those answers and moves the order on (pending ->
//              processing, or cancelled with the reason) and records where
//              its stock stands.

#include "events/consumer.h"
#include "services/inventory_service.h"
#include "services/order_service.h"

namespace mart {

class InventoryWorker : public Consumer {
 public:
  explicit InventoryWorker(const InventoryService& inventory) : inventory_(inventory) {}
  std::string_view name() const override { return "inventory"; }
  const std::vector<std::string>& topics() const override;
  Status Apply(Tx& tx, const store::EventRow& event, const nlohmann::json& data) const override;

 private:
  const InventoryService& inventory_;
};

class OrdersWorker : public Consumer {
 public:
  explicit OrdersWorker(const OrderService& orders) : orders_(orders) {}
  std::string_view name() const override { return "orders"; }
  const std::vector<std::string>& topics() const override;
  Status Apply(Tx& tx, const store::EventRow& event, const nlohmann::json& data) const override;

 private:
  const OrderService& orders_;
};

}  // namespace mart
