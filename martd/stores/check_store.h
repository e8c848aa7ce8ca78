#pragma once
// Read-only audits for `martctl admin check`: SQLite's integrity check and
// the queries behind mart's invariants. Each returns the rows that break a
// rule (empty when all is well), at most `limit` of them.

#include <optional>
#include <string>
#include <vector>

#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

// One product's stock beside what its ledger and holds say it must be.
struct StockAudit {
  std::string product_id;
  int64_t available = 0, reserved = 0, shipped = 0;
  int64_t ledger_total = 0;    // sum of initial, set and adjust movements
  int64_t held = 0;            // sum of its holds (manual and orders)
  int64_t ledger_shipped = 0;  // units the ship movements moved out of reserved
  std::optional<int64_t> last_available, last_reserved;  // the newest movement's "after"
};

class CheckStore {
 public:
  explicit CheckStore(Database& db) : db_(db) {}

  // PRAGMA integrity_check's findings; empty when it says "ok".
  Result<std::vector<std::string>> Integrity(int64_t limit);
  // Products whose stock disagrees with their ledger or holds.
  Result<std::vector<StockAudit>> StockMismatches(int64_t limit);
  Result<int64_t> ProductCount();
  // (events, highest seq): equal when the log has no gap.
  Result<std::pair<int64_t, int64_t>> EventCounts();
  // Orders whose holds disagree with their status once the workers are idle:
  // descriptions such as "order X is cancelled but holds 2 of product Y".
  Result<std::vector<std::string>> OrderStockMismatches(int64_t limit);
  Result<int64_t> OrderCount();
  // Payments that break a rule: a succeeded one whose amount is not its
  // order's total; an order with more than one succeeded or pending payment.
  Result<std::vector<std::string>> PaymentMismatches(int64_t limit);
  Result<int64_t> PaymentCount();
  // Money kept: a succeeded payment whose order is cancelled or refunded,
  // with the command that pays it back.
  Result<std::vector<std::string>> KeptPayments(int64_t limit);
  // Refunds and payments that disagree: a refunding or refunded payment
  // without a refund; a pending refund whose payment is not refunding, a
  // succeeded one whose payment is not refunded; an amount that is not what
  // the payment captured.
  Result<std::vector<std::string>> RefundMismatches(int64_t limit);
  // Whether the database has table `name` (a backup may predate a migration).
  Result<bool> HasTable(std::string_view name);
  // Every refund the gateway has not confirmed yet, oldest first, with the
  // command that pays it back.
  Result<std::vector<std::string>> PendingRefunds(int64_t limit);

 private:
  Database& db_;
};

}  // namespace mart::store
