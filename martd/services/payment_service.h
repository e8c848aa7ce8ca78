#pragma once
// Payments (DESIGN.md §4). `order.pay` charges an order's total, never an
// amount from the caller, by card through a PaymentGateway or as cash on
// delivery. Every attempt leaves a record:
//   card  succeeded (the order moves to `paid` through OrderService's table)
//         or failed with the gateway's reason (the order stays payable);
//   cod   pending; the payments worker settles it when the order is
//         delivered (succeeded) or cancelled/refunded before delivery
//         (failed: never collected, nothing to refund).
// Each record emits payment.succeeded, payment.failed or payment.pending
// with {payment_id, order_id, user_id, amount, method, reason}. An order may
// be paid while its stock is still being reserved (`pending`): if the
// reservation fails the order is cancelled and its payment refunded like any
// other (RefundService), so the money is never kept. A declined
// card is a successful call whose record says `failed`: an error reply would
// roll the record back with the request's savepoint. Card numbers, expiries
// and CVCs are never stored, logged or emitted; only the last four digits
// are kept. Runs on the store thread.

#include <optional>
#include <string>
#include <vector>

#include "mart/domain/order.h"
#include "mart/domain/payment.h"
#include "mart/status.h"
#include "services/context.h"
#include "services/order_service.h"
#include "services/payment_gateway.h"
#include "services/refund_service.h"

namespace mart {

// martd's payment settings (--auto-capture, --payment-failure-rate,
// --payment-seed).
struct PaymentOptions {
  bool auto_capture = false;  // charge each order when its stock is reserved
  double failure_rate = 0;    // the simulated gateway's random failure rate
  uint64_t seed = 0;
};

struct PayRequest {
  std::string order_id;
  std::string method = "card";
  std::optional<std::string> card_number = {}, expiry = {}, cvc = {};
};

struct PaymentQuery {
  std::optional<int64_t> user_id = {};
  std::optional<std::string> order_id = {}, status = {};
  int64_t limit = 100;
  int64_t offset = 0;
  std::optional<int64_t> after_id = {};  // keyset cursor
};

class PaymentService {
 public:
  PaymentService(const OrderService& orders, const RefundService& refunds,
                 const PaymentGateway& gateway, bool auto_capture)
      : orders_(orders), refunds_(refunds), gateway_(gateway), auto_capture_(auto_capture) {}

  // The order's owner, an admin or the local operator pays; another user's
  // order is NOT_FOUND. INVALID_ARGUMENT (details.field) for a bad card or
  // card fields with cod. FAILED_PRECONDITION when the order has a succeeded
  // or pending payment, or is not pending or processing (naming its status).
  Result<Payment> Pay(Tx& tx, const Principal& principal, const PayRequest& request) const;
  // A payment of another user's order is NOT_FOUND.
  Result<Payment> Get(Tx& tx, const Principal& principal, int64_t id) const;
  // Users see their own; only admins may filter by another user.
  Result<std::vector<Payment>> List(Tx& tx, const Principal& principal,
                                    const PaymentQuery& query) const;

  // For the payments worker, from order.status_changed. Idempotent and safe
  // out of log order: it acts on the order's and payments' state now. On an
  // order that was delivered, cancelled or refunded it settles cash on
  // delivery, then completes the order's refunds (RefundService::Complete:
  // UNAVAILABLE when the gateway does not approve, for the queue to retry).
  Status OnOrderStatusChanged(Tx& tx, const std::string& order_id, OrderStatus to,
                              const Principal& worker) const;

 private:
  Status CheckPayable(Tx& tx, const Order& order) const;
  // Inserts the record and emits its event; the stored record.
  Result<Payment> Record(Tx& tx, Payment payment) const;
  // Charges the order's total and records the outcome; a success pays the order.
  Result<Payment> Charge(Tx& tx, const Order& order, const CardDetails* card,
                         const Principal& actor) const;
  Status AutoCapture(Tx& tx, const std::string& order_id, const Principal& worker) const;
  Status SettleCashOnDelivery(Tx& tx, const std::string& order_id, bool delivered,
                              std::string reason) const;

  const OrderService& orders_;
  const RefundService& refunds_;
  const PaymentGateway& gateway_;
  bool auto_capture_;
};

}  // namespace mart
