#pragma once
// Orders. Placing one commits it `pending` with an `order.placed` event and
// nothing else: the inventory worker reserves its stock from that event and
// the orders worker moves it on from the inventory worker's answer. Every
// status change, by a person or a worker, goes through Transition() and so
// through the one table (mart/domain/order.h), lands in the order's history
// and emits `order.status_changed`; a change to cancelled or refunded also
// records, in the same transaction, the refund of every succeeded payment
// (RefundService::Record), so no route can end an order and keep its money.
// A user only ever sees their own orders: another user's is NOT_FOUND. Runs on
// the store thread.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/domain/order.h"
#include "mart/status.h"
#include "services/context.h"
#include "services/refund_service.h"
#include "stores/order_store.h"

namespace mart {

struct PlaceOrder {
  nlohmann::json items;  // [{product_id, quantity, price?}], checked here
  std::optional<nlohmann::json> shipping_address;
  std::optional<int64_t> address_id;
  std::optional<int64_t> user_id;  // admins: the buyer
};

struct OrderQuery {
  std::optional<int64_t> user_id;
  std::optional<std::string> status, since, until;
  int64_t limit = 100;
  int64_t offset = 0;
  std::optional<std::string> after_id = {};  // keyset cursor: an order id
};

class OrderService {
 public:
  explicit OrderService(const RefundService& refunds) : refunds_(refunds) {}

  // Prices come from the catalog: an expected price that differs is
  // FAILED_PRECONDITION naming the product and both prices. Lines of one
  // product merge. The address is the inline one, the saved one given by
  // id, or the buyer's default (FAILED_PRECONDITION when there is none).
  Result<Order> Place(Tx& tx, const Principal& principal, const PlaceOrder& request) const;
  // What Place will read for `request` (its lines' products, the buyer's
  // default address), for its batch to read ahead; unchecked, as it came.
  static void ReadsOfPlace(const Principal& principal, const PlaceOrder& request,
                           store::BatchReads& reads);
  Result<Order> Get(Tx& tx, const Principal& principal, std::string_view id) const;
  Result<std::vector<Order>> List(Tx& tx, const Principal& principal,
                                  const OrderQuery& query) const;
  // Admins may set any status the table allows; owners may only cancel.
  Result<Order> SetStatus(Tx& tx, const Principal& principal, std::string_view id,
                          std::string_view status, std::optional<std::string> reason) const;
  Result<std::vector<OrderChange>> History(Tx& tx, const Principal& principal,
                                           std::string_view id) const;

  // For the orders worker, from the inventory worker's events. `head`: the
  // order's head as stored now, when the worker has it (not read again).
  Status OnStockReserved(Tx& tx, const std::string& order_id, const Principal& worker,
                         const Order* head = nullptr) const;
  Status OnStockFailed(Tx& tx, const std::string& order_id, const std::string& reason,
                       const Principal& worker, const Order* head = nullptr) const;
  Status OnStockMoved(Tx& tx, const std::string& order_id, StockState stock) const;
  // For payments: a succeeded payment moves the order to `paid` through the
  // table (FAILED_PRECONDITION when the table does not allow it), by `actor`.
  Result<Order> MarkPaid(Tx& tx, const std::string& order_id, const Principal& actor,
                         std::string reason) const;

 private:
  // The one way a status changes. Setting the current status is a no-op;
  // anything the table does not allow is FAILED_PRECONDITION. Shipping needs
  // the order's stock reserved. `order.stock` is written with the status (a
  // worker that moves both sets it first); `order` may be a Head.
  Result<Order> Transition(Tx& tx, Order order, OrderStatus to, const Principal& actor,
                           std::optional<std::string> reason) const;
  Result<ShippingAddress> ShipTo(Tx& tx, int64_t buyer, const PlaceOrder& request) const;
  Result<int64_t> Buyer(Tx& tx, const Principal& principal, std::optional<int64_t> user_id) const;

  const RefundService& refunds_;
};

}  // namespace mart
