#pragma once
// One connection and the per-domain stores over it. The store thread owns the
// read-write Store; each worker thread may own a read-only one.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stores/database.h"
#include "stores/check_store.h"
#include "stores/cluster_store.h"
#include "stores/event_store.h"
#include "stores/inventory_store.h"
#include "stores/notification_store.h"
#include "stores/order_store.h"
#include "stores/payment_store.h"
#include "stores/product_store.h"
#include "stores/queue_store.h"
#include "stores/session_store.h"
#include "stores/user_store.h"

namespace mart::store {

// What the requests of a batch will read, to read it ahead (Store::ReadAhead).
struct BatchReads {
  std::vector<int64_t> sessions = {};                     // every user's request
  std::vector<IdempotencyStore::PrincipalKey> keys = {};  // requests with a key to replay
  std::vector<std::string> products = {};                 // orders' lines (prices)
  std::vector<int64_t> default_addresses = {};            // of orders' buyers
};

class Store {
 public:
  // Opens the database file; kReadWrite also migrates it to the latest schema
  // and runs quick_check.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, OpenMode mode);

  Database& db() { return *db_; }
  UserStore& users() { return users_; }
  SessionStore& sessions() { return sessions_; }
  IdempotencyStore& idempotency() { return idempotency_; }
  EventStore& events() { return events_; }
  ProductStore& products() { return products_; }
  InventoryStore& inventory() { return inventory_; }
  OrderStore& orders() { return orders_; }
  PaymentStore& payments() { return payments_; }
  QueueStore& queues() { return queues_; }
  CheckStore& checks() { return checks_; }
  ClusterStore& cluster() { return cluster_; }
  NotificationStore& notifications() { return notifications_; }

  // For a worker's page (QueueService::Drain): from DeferWrites the writes
  // whose result nobody waits for (events, notifications, ledger rows, order
  // history and holds as they are appended; stock changes, added up per
  // product; orders' status changes) wait, and WriteDeferred writes them
  // set-wise, up to kMostRowsAtOnce rows of a table in one statement instead
  // of one each. A store that reads or changes such a table otherwise writes
  // what waits for it first (ProductStore too, for the stock it joins), so a
  // handler sees its page's writes. StopDeferring drops what still waits (the
  // page was undone) and ends it. Only the queue service defers: the reads
  // that only requests make (QueueStore::BacklogOf and CheckStore of the log
  // and the stock, OrderStore::HasOpenOrderFor of holds) do not write what
  // waits in another store (only a batch's DeferAppends writes every store's
  // waiting rows before a statement that names their tables).
  void DeferWrites() {
    notifications_.DeferWrites();
    inventory_.DeferWrites();
    orders_.DeferWrites();
    events_.DeferWrites();
  }
  Status WriteDeferred() {
    return db_->WaitingWriteIdle() ? db_->WriteAllWaiting() : WriteEachDeferred();
  }
  void StopDeferring() {
    ForgetReadAhead();
    db_->StopWritingWaiting();
    idempotency_.StopDeferring();
    notifications_.StopDeferring();
    inventory_.StopDeferring();
    orders_.StopDeferring();
    events_.StopDeferring();
  }
  // For a batch of requests in one transaction (Dispatcher::ExecuteBatch): the
  // rows a request only appends (new orders and their lines, order history,
  // events, idempotency keys, which Find looks for among the waiting ones
  // first) wait for WriteDeferred at the batch's end, and follow the
  // requests' savepoints (a request that fails drops its own). Any statement
  // that names one of kAppendTables, a reader's, a writer's or a join's,
  // writes what waits first (Database::WriteWaitingBefore), so a request
  // that reads an order placed earlier in the batch sees it.
  void DeferAppends() {
    orders_.DeferAppends();
    events_.DeferWrites();
    idempotency_.DeferWrites();
    db_->WriteWaitingBefore(&kAppendTables, [this] { return WriteEachDeferred(); });
  }
  // Those tables, and the ones whose rows refer to an order (written after it).
  inline static const std::vector<std::string_view> kAppendTables = {
      "orders", "order_items", "order_history", "events", "idempotency_keys", "payments",
      "refunds"};
  // Also for a batch, before its requests run: what they will read, one
  // statement per table for all of them instead of one per request. Each
  // store answers from those rows until a statement that may change their
  // tables (those below: a session's user, an address's), which forgets them
  // (Database::ForgetOnWrite), so a request sees what those before it in the
  // batch changed. StopDeferring forgets them all.
  Status ReadAhead(const BatchReads& reads);
  void ForgetReadAhead() {
    db_->StopForgetting();
    sessions_.ForgetReadAhead();
    idempotency_.ForgetReadAhead();
    products_.ForgetReadAhead();
    users_.ForgetReadAhead();
  }
  inline static const std::vector<std::string_view> kSessionTables = {"sessions", "users"};
  inline static const std::vector<std::string_view> kKeyTables = {"idempotency_keys"};
  inline static const std::vector<std::string_view> kPriceTables = {"products"};
  inline static const std::vector<std::string_view> kAddressTables = {"addresses", "users"};

 private:
  Status WriteEachDeferred() {
    MART_RETURN_IF_ERROR(notifications_.WriteDeferred());
    MART_RETURN_IF_ERROR(inventory_.WriteDeferred());
    MART_RETURN_IF_ERROR(orders_.WriteDeferred());
    MART_RETURN_IF_ERROR(events_.WriteDeferred());
    return idempotency_.WriteDeferred();
  }

  explicit Store(std::unique_ptr<Database> db)
      : db_(std::move(db)),
        users_(*db_),
        sessions_(*db_),
        idempotency_(*db_),
        events_(*db_),
        inventory_(*db_),
        products_(*db_, inventory_),
        orders_(*db_),
        payments_(*db_),
        queues_(*db_),
        checks_(*db_),
        cluster_(*db_),
        notifications_(*db_) {}

  std::unique_ptr<Database> db_;
  UserStore users_;
  SessionStore sessions_;
  IdempotencyStore idempotency_;
  EventStore events_;
  InventoryStore inventory_;  // before products_, which reads its waiting changes
  ProductStore products_;
  OrderStore orders_;
  PaymentStore payments_;
  QueueStore queues_;
  CheckStore checks_;
  ClusterStore cluster_;
  NotificationStore notifications_;
};

}  // namespace mart::store
