#pragma once
// `martctl admin check`: SQLite's integrity check and mart's invariants.
//   stock     for every product, available + reserved + shipped equals what
//             its ledger's initial, set and adjust movements add up to; the
//             newest ledger row matches the record
//   holds     reserved equals the sum of the product's holds, and shipped
//             what its ship movements moved
//   events    the log's sequence has no gap; no worker is ahead of it
//   orders    once the inventory and orders workers are idle: each order's
//             holds and stock state agree with its status
//   payments  a succeeded payment is for its order's total; no order has
//             more than one succeeded or pending payment; no money is kept
//             for a cancelled or refunded order (its succeeded payments are
//             refunding or refunded); refunds and payments agree; and, once
//             the payments worker has nothing left to apply, no refund is
//             still pending (its event was dead-lettered)
// Runs on the store thread; reads only.

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "services/context.h"
#include "queue/queue_service.h"

namespace mart {

class CheckService {
 public:
  explicit CheckService(const QueueService& queues) : queues_(queues) {}

  // {"ok": bool, "checks": [{"name", "ok", "checked", "problems": [...]}]}; a
  // check that could not run yet (orders, while workers have lag) is ok with
  // "skipped": true and a "note" saying why.
  Result<nlohmann::json> Run(Tx& tx) const;
  // The checks that need no worker state, on any mart database (a backup
  // file): integrity, stock, events (gap-free) and payments (without the
  // pending refunds, which need the workers), same shape as Run. When integrity fails the others are not attempted.
  Result<nlohmann::json> Audit(store::Store& store) const;

  static constexpr int64_t kMaxProblems = 50;  // per check

 private:
  Result<nlohmann::json> Stock(store::Store& store) const;
  Result<nlohmann::json> Events(Tx& tx) const;
  Result<nlohmann::json> Orders(Tx& tx) const;
  Result<nlohmann::json> Payments(store::Store& store) const;
  // Adds to the payments check the refunds still pending: problems once the
  // payments worker has no lag, a note while it is still applying events.
  Status StalledRefunds(Tx& tx, nlohmann::json* payments) const;

  const QueueService& queues_;
};

}  // namespace mart
