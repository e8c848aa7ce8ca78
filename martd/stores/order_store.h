#pragma once
// Orders, their lines and their status history. Callers run inside the store
// thread's transaction.

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mart/domain/order.h"
#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct OrderFilter {
  std::optional<int64_t> user_id;
  std::optional<OrderStatus> status;
  std::optional<int64_t> since;  // created_at >= since (Unix microseconds)
  std::optional<int64_t> until;  // created_at < until
  int64_t limit = 100;
  int64_t offset = 0;
  // Keyset cursor: only orders after this one, newest first (NOT_FOUND when
  // there is no such order).
  std::optional<std::string> after_id = {};
};

class OrderStore {
 public:
  explicit OrderStore(Database& db) : db_(db), deferred_orders_(&db), deferred_(&db) {}

  // The order row and its lines (left for the batch's end by DeferAppends).
  Status Insert(const Order& order);
  // NOT_FOUND naming the id.
  Result<Order> Get(std::string_view id);
  // The order's own state without its lines or shipping address (left
  // empty), for the workers that decide on status and stock alone: one row,
  // nothing to parse. NOT_FOUND naming the id.
  Result<Order> Head(std::string_view id);
  // The heads of these orders that exist, in one statement, in no set order.
  Result<std::vector<Order>> Heads(const std::vector<std::string>& ids);
  // Newest first (placement order for equal times).
  Result<std::vector<Order>> List(const OrderFilter& filter);
  // The status and the stock state together (one statement when a worker
  // moves both); `reason`, when set, replaces the stored one. For an order
  // the caller read in this transaction: an unknown id changes nothing and
  // is not an error (asking would wait for the server on PostgreSQL).
  Status SetStatus(std::string_view id, OrderStatus status, StockState stock,
                   const std::optional<std::string>& reason, int64_t now);
  Status SetStock(std::string_view id, StockState stock, int64_t now);
  Status AppendChange(const OrderChange& change);
  // Oldest first.
  Result<std::vector<OrderChange>> History(std::string_view id);
  // History rows and SetStatus changes left for the end of a worker's page
  // (Store::DeferWrites); the reads of orders and their history write what
  // waits first, and so does a second SetStatus of an order that waits.
  void DeferWrites();
  // New orders, their lines and history rows left for the end of a batch of
  // requests (Store::DeferAppends); status changes are made at once.
  void DeferAppends();
  Status WriteDeferred();
  void StopDeferring();
  // Whether an order not yet shipped, cancelled or refunded has a line of the
  // product, or an order still holds some of its stock.
  Result<bool> HasOpenOrderFor(std::string_view product_id);
  // The lines of these orders, in one statement, each order's in line order;
  // an order that does not exist has none.
  Result<std::unordered_map<std::string, std::vector<OrderItem>>> ItemsOf(
      const std::vector<std::string>& ids);

 private:
  struct StatusChange {
    std::string id;
    OrderStatus status;
    StockState stock;
    std::optional<std::string> reason;
    int64_t now;
  };
  // Up to kMostRowsAtOnce orders in one statement, then their lines.
  Status InsertOrders(const Order* orders, size_t count);
  // Up to kMostRowsAtOnce history rows, or orders' changes, in one statement.
  Status InsertChanges(const OrderChange* changes, size_t count);
  Status UpdateStatuses(const StatusChange* changes, size_t count);

  Database& db_;
  DeferredRows<Order> deferred_orders_;
  DeferredRows<OrderChange> deferred_;
  DeferredRows<StatusChange> deferred_statuses_;
  std::unordered_set<std::string> waiting_;  // the ids in deferred_statuses_
};

}  // namespace mart::store
