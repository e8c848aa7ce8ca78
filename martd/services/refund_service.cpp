#include "services/refund_service.h"

#include <optional>
#include <vector>

#include "events/catalog.h"

namespace mart {
namespace {

bool Ended(OrderStatus status) {
  return status == OrderStatus::kCancelled || status == OrderStatus::kRefunded;
}

}  // namespace

Result<Refund> RefundService::RefundFor(Tx& tx, const Order& order) const {
  const std::string status(OrderStatusName(order.status));
  Refund refund{.order_id = order.id, .user_id = order.user_id,
                .reason = "order " + order.id + " " + status +
                          (order.reason ? ": " + *order.reason : std::string()),
                .actor = "unknown", .created_at = tx.now};
  MART_ASSIGN_OR_RETURN(std::vector<OrderChange> changes, tx.store.orders().History(order.id));
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    if (it->to == order.status) {
      refund.actor = it->actor;
      break;
    }
  }
  return refund;
}

Status RefundService::Record(Tx& tx, const std::string& order_id) const {
  MART_ASSIGN_OR_RETURN(Order order, tx.store.orders().Get(order_id));
  if (!Ended(order.status)) return Status::Ok();
  MART_ASSIGN_OR_RETURN(std::vector<Payment> payments, tx.store.payments().ForOrder(order_id));
  std::optional<Refund> refund;
  for (const Payment& payment : payments) {
    if (payment.status != PaymentStatus::kSucceeded) continue;
    if (!refund) {
      MART_ASSIGN_OR_RETURN(refund, RefundFor(tx, order));
    }
    refund->payment_id = payment.id;
    refund->amount_cents = payment.amount_cents;
    MART_RETURN_IF_ERROR(RecordOne(tx, *refund));
  }
  return Status::Ok();
}

Status RefundService::RecordOne(Tx& tx, const Refund& refund) const {
  MART_ASSIGN_OR_RETURN(std::optional<int64_t> id, tx.store.payments().InsertRefund(refund));
  // Already refunded (or being refunded) by whoever came first.
  if (!id) return Status::Ok();
  return tx.store.payments()
      .Settle(refund.payment_id, PaymentStatus::kSucceeded, PaymentStatus::kRefunding,
              std::nullopt, tx.now)
      .status();
}

Status RefundService::Pay(Tx& tx, const Refund& refund) const {
  MART_ASSIGN_OR_RETURN(Payment payment, tx.store.payments().Get(refund.payment_id));
  if (payment.method == PaymentMethod::kCard) {
    const RefundOutcome outcome =
        gateway_.Refund(refund.amount_cents, "refund-" + std::to_string(refund.id));
    if (!outcome.approved) {
      return Status(Code::kUnavailable,
                    "refund " + std::to_string(refund.id) + " of payment " +
                        std::to_string(payment.id) + " (order " + payment.order_id +
                        ") was not approved by the gateway: " + outcome.reason,
                    {{"refund_id", refund.id}, {"payment_id", payment.id},
                     {"order_id", payment.order_id}});
    }
  }
  MART_ASSIGN_OR_RETURN(bool completed, tx.store.payments().CompleteRefund(refund.id, tx.now));
  if (!completed) return Status::Ok();
  MART_RETURN_IF_ERROR(tx.store.payments()
                           .Settle(payment.id, PaymentStatus::kRefunding,
                                   PaymentStatus::kRefunded, std::nullopt, tx.now)
                           .status());
  MART_ASSIGN_OR_RETURN(payment, tx.store.payments().Get(refund.payment_id));
  if (payment.refunds.empty()) {
    return Internal("refund " + std::to_string(refund.id) + " of payment " +
                    std::to_string(payment.id) + " vanished");
  }
  return events::Emit(tx.events, events::PaymentRefundedOf(payment, payment.refunds.front()));
}

Status RefundService::Complete(Tx& tx, const std::string& order_id) const {
  MART_RETURN_IF_ERROR(Record(tx, order_id));
  MART_ASSIGN_OR_RETURN(std::vector<Refund> pending,
                        tx.store.payments().PendingRefunds(order_id));
  for (const Refund& refund : pending) MART_RETURN_IF_ERROR(Pay(tx, refund));
  return Status::Ok();
}

Result<Payment> RefundService::RefundNow(Tx& tx, const Principal& principal,
                                         int64_t payment_id) const {
  MART_ASSIGN_OR_RETURN(Payment payment, tx.store.payments().Get(payment_id));
  if (payment.status == PaymentStatus::kRefunded) return payment;
  const std::string name = "payment " + std::to_string(payment.id);
  const std::string status(PaymentStatusName(payment.status));
  if (payment.status != PaymentStatus::kSucceeded && payment.status != PaymentStatus::kRefunding) {
    return FailedPrecondition(name + " is " + status + ": nothing was captured to refund",
                              {{"payment_id", payment.id}, {"status", status}});
  }
  MART_ASSIGN_OR_RETURN(Order order, tx.store.orders().Get(payment.order_id));
  if (!Ended(order.status)) {
    const std::string order_status(OrderStatusName(order.status));
    return FailedPrecondition(
        name + " is for order " + order.id + ", which is " + order_status +
            ": refund the order instead (martctl order status " + order.id +
            " --status refunded)",
        {{"payment_id", payment.id}, {"order_id", order.id}, {"order_status", order_status}});
  }
  if (payment.refunds.empty()) {
    MART_ASSIGN_OR_RETURN(Refund refund, RefundFor(tx, order));
    refund.payment_id = payment.id;
    refund.amount_cents = payment.amount_cents;
    refund.actor = principal.Describe();
    MART_RETURN_IF_ERROR(RecordOne(tx, refund));
  }
  MART_ASSIGN_OR_RETURN(payment, tx.store.payments().Get(payment_id));
  for (const Refund& refund : payment.refunds) {
    if (refund.status == RefundStatus::kPending) MART_RETURN_IF_ERROR(Pay(tx, refund));
  }
  return tx.store.payments().Get(payment_id);
}

}  // namespace mart
