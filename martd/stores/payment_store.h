#pragma once
// Payment records (mart/domain/payment.h). Callers run inside the store
// thread's transaction. Rows never hold more of a card than its last four.

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

 private:
  Database& db_;
};

}  // namespace mart::store
