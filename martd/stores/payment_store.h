#pragma once
// Payment records and their refunds (mart/domain/payment.h). Callers run
// inside the store thread's transaction. Rows never hold more of a card than
// its last four. Every Payment read carries its refunds (at most one:
// refunds.payment_id is UNIQUE).

#include <optional>
#include <string>
#include <vector>

#include "mart/domain/payment.h"
#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct PaymentFilter {
  std::optional<int64_t> user_id = {};
  std::optional<std::string> order_id = {};
  std::optional<PaymentStatus> status = {};
  int64_t limit = 100;
  int64_t offset = 0;
  // Keyset cursor: only rows after this id in the list's order.
  std::optional<int64_t> after_id = {};
};

class PaymentStore {
 public:
  explicit PaymentStore(Database& db) : db_(db) {}

  // Inserts the record (its id is ignored) and returns the new id.
  Result<int64_t> Insert(const Payment& payment);
  // NOT_FOUND naming the id.
  Result<Payment> Get(int64_t id);
  // Newest first.
  Result<std::vector<Payment>> List(const PaymentFilter& filter);
  // Every payment of one order, oldest first.
  Result<std::vector<Payment>> ForOrder(std::string_view order_id);
  // Moves a payment from `from` to `to`; false when it was not in `from`
  // (already settled), so a repeated event changes nothing.
  Result<bool> Settle(int64_t id, PaymentStatus from, PaymentStatus to,
                      const std::optional<std::string>& reason, int64_t now);

  // Inserts the refund of `refund.payment_id` (its id and status are ignored:
  // a new refund is pending) and returns the new id, or nothing when that
  // payment already has a refund: the UNIQUE constraint decides which of two
  // racing writers refunds.
  Result<std::optional<int64_t>> InsertRefund(const Refund& refund);
  // Every pending refund of one order, oldest first.
  Result<std::vector<Refund>> PendingRefunds(std::string_view order_id);
  // Pending -> succeeded at `now`; false when it was not pending.
  Result<bool> CompleteRefund(int64_t refund_id, int64_t now);

 private:
  Database& db_;
};

}  // namespace mart::store
