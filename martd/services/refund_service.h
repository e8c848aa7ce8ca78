#pragma once
// Refunds (DESIGN.md §4): money is never kept for an order that ends without
// its goods. Two steps, each in the transaction of the effect that decides it:
//   Record    in the transaction that cancels or refunds an order
//             (OrderService::Transition, whoever ends it: the owner, an
//             admin, the orders worker), every succeeded payment of the order
//             gets a pending refund of what it captured, with the reason and
//             the actor, and becomes `refunding`. refunds.payment_id is
//             UNIQUE, so racing ends refund a payment once.
//   Complete  the payments worker, from the order's order.status_changed:
//             the gateway gives each pending refund back (a collected
//             cash-on-delivery payment is paid back by hand: there is nothing
//             to ask a gateway); the refund becomes succeeded, the payment
//             `refunded`, and `payment.refunded` is emitted
//             (events::PaymentRefunded), all with the worker's cursor.
// A gateway that does not approve is UNAVAILABLE: the queue retries the
// event with backoff, then dead-letters it; the refund stays pending (admin
// check reports it) until `martctl dlq retry` or `payment.refund` completes
// it. A refund never goes away, so a charge always has a fate.
//   RefundNow `payment.refund` (admins): owes and pays back at once a payment
//             whose order ended with its money kept (a refund left pending,
//             or money taken before martd recorded refunds).
// Runs on the store thread.

#include <string>

#include "mart/domain/order.h"
#include "mart/domain/payment.h"
#include "mart/status.h"
#include "services/context.h"
#include "services/payment_gateway.h"

namespace mart {

class RefundService {
 public:
  explicit RefundService(const PaymentGateway& gateway) : gateway_(gateway) {}

  // Records the refunds an ended order owes; a no-op for an order that has
  // not ended or whose payments are refunded already. Idempotent.
  Status Record(Tx& tx, const std::string& order_id) const;
  // Record, then has the gateway pay back every pending refund of the order.
  // UNAVAILABLE naming the refund when the gateway does not approve.
  Status Complete(Tx& tx, const std::string& order_id) const;
  // Pays back payment `payment_id` now: a refunded payment is returned as it
  // is; a succeeded or refunding one of a cancelled or refunded order is
  // refunded (a refund recorded now names `principal` as its actor).
  // NOT_FOUND naming the payment; FAILED_PRECONDITION when nothing was
  // captured (pending, failed) or the order goes on (refund the order
  // instead); UNAVAILABLE when the gateway does not approve (nothing
  // changes).
  Result<Payment> RefundNow(Tx& tx, const Principal& principal, int64_t payment_id) const;

 private:
  // Reason and actor for the refunds of `order`, from the change that ended it.
  Result<Refund> RefundFor(Tx& tx, const Order& order) const;
  // Records `refund` for its payment unless it has one; the payment becomes
  // refunding.
  Status RecordOne(Tx& tx, const Refund& refund) const;
  Status Pay(Tx& tx, const Refund& refund) const;

  const PaymentGateway& gateway_;
};

}  // namespace mart
