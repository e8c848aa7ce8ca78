#include "services/payment_service.h"

#include "events/catalog.h"
#include "services/catalog_service.h"

namespace mart {
namespace {

using nlohmann::json;

// The event of a payment recorded or settled in its status now. Refunds are
// RefundService's: a payment is never recorded or settled here as refunding
// or refunded.
Status EmitPayment(EventSink& sink, const Payment& payment) {
  switch (payment.status) {
    case PaymentStatus::kSucceeded:
      return events::Emit(sink, events::PaymentEventOf<events::PaymentSucceeded>(payment));
    case PaymentStatus::kFailed:
      return events::Emit(sink, events::PaymentEventOf<events::PaymentFailed>(payment));
    case PaymentStatus::kPending:
      return events::Emit(sink, events::PaymentEventOf<events::PaymentPending>(payment));
    case PaymentStatus::kRefunding:
    case PaymentStatus::kRefunded: break;
  }
  return Internal("payment " + std::to_string(payment.id) + " is " +
                  std::string(PaymentStatusName(payment.status)) + ": only a refund announces it");
}

bool HasCardFields(const PayRequest& request) {
  return request.card_number || request.expiry || request.cvc;
}

// Whether the order was ever delivered: cash was collected then, even if a
// refund followed (and its event reached the worker first).
Result<bool> WasDelivered(Tx& tx, const std::string& order_id) {
  MART_ASSIGN_OR_RETURN(std::vector<OrderChange> changes, tx.store.orders().History(order_id));
  for (const OrderChange& change : changes) {
    if (change.to == OrderStatus::kDelivered) return true;
  }
  return false;
}

}  // namespace

Status PaymentService::CheckPayable(Tx& tx, const Order& order) const {
  MART_ASSIGN_OR_RETURN(std::vector<Payment> payments, tx.store.payments().ForOrder(order.id));
  for (const Payment& p : payments) {
    const json details = {{"order_id", order.id}, {"payment_id", p.id}};
    if (p.status == PaymentStatus::kSucceeded) {
      return FailedPrecondition("order " + order.id + " is already paid", details);
    }
    if (p.status == PaymentStatus::kPending) {
      return FailedPrecondition("order " + order.id + " has a pending cash-on-delivery payment",
                                details);
    }
  }
  if (order.status == OrderStatus::kPending || order.status == OrderStatus::kProcessing) {
    return Status::Ok();
  }
  const std::string status(OrderStatusName(order.status));
  const json details = {{"order_id", order.id}, {"status", status}};
  if (order.status == OrderStatus::kPaid) {
    return FailedPrecondition("order " + order.id + " is already paid", details);
  }
  return FailedPrecondition("order " + order.id + " is " + status + " and cannot be paid",
                            details);
}

Result<Payment> PaymentService::Record(Tx& tx, Payment payment) const {
  payment.created_at = payment.updated_at = tx.now;
  MART_ASSIGN_OR_RETURN(payment.id, tx.store.payments().Insert(payment));
  MART_RETURN_IF_ERROR(EmitPayment(tx.events, payment));
  return payment;
}

Result<Payment> PaymentService::Charge(Tx& tx, const Order& order, const CardDetails* card,
                                       const Principal& actor) const {
  const ChargeOutcome outcome = gateway_.Charge(order.total_cents, card);
  Payment payment{.order_id = order.id, .user_id = order.user_id,
                  .amount_cents = order.total_cents, .method = PaymentMethod::kCard,
                  .status = outcome.approved ? PaymentStatus::kSucceeded : PaymentStatus::kFailed};
  if (!outcome.approved) payment.reason = outcome.reason;
  if (card != nullptr) payment.card_last4 = card->Last4();
  MART_ASSIGN_OR_RETURN(payment, Record(tx, std::move(payment)));
  if (outcome.approved) {
    MART_RETURN_IF_ERROR(orders_.MarkPaid(tx, order.id, actor,
                                          "payment " + std::to_string(payment.id) + " succeeded")
                             .status());
  }
  return tx.store.payments().Get(payment.id);
}

Result<Payment> PaymentService::Pay(Tx& tx, const Principal& principal,
                                    const PayRequest& request) const {
  auto method = ParsePaymentMethod(request.method);
  if (!method) {
    return InvalidArgument("method must be card or cod, not '" + request.method + "'",
                           {{"field", "method"}});
  }
  std::optional<CardDetails> card;
  if (*method == PaymentMethod::kCard) {
    MART_ASSIGN_OR_RETURN(card, ParseCard(request.card_number, request.expiry, request.cvc,
                                          tx.now));
  } else if (HasCardFields(request)) {
    return InvalidArgument("card details are only for --method card",
                           {{"field", request.card_number ? "card_number"
                                      : request.expiry    ? "expiry"
                                                          : "cvc"}});
  }
  MART_ASSIGN_OR_RETURN(Order order, orders_.Get(tx, principal, request.order_id));
  MART_RETURN_IF_ERROR(CheckPayable(tx, order));
  if (card) return Charge(tx, order, &*card, principal);
  return Record(tx, Payment{.order_id = order.id, .user_id = order.user_id,
                            .amount_cents = order.total_cents, .method = PaymentMethod::kCod,
                            .status = PaymentStatus::kPending});
}

Result<Payment> PaymentService::Get(Tx& tx, const Principal& principal, int64_t id) const {
  MART_ASSIGN_OR_RETURN(Payment payment, tx.store.payments().Get(id));
  // Another user's payment does not exist as far as this caller can tell.
  if (!principal.IsAdmin() && payment.user_id != principal.user_id) {
    return NotFound("payment " + std::to_string(id) + " not found");
  }
  return payment;
}

Result<std::vector<Payment>> PaymentService::List(Tx& tx, const Principal& principal,
                                                  const PaymentQuery& query) const {
  store::PaymentFilter filter{.user_id = query.user_id, .order_id = query.order_id,
                              .limit = query.limit, .offset = query.offset,
                              .after_id = query.after_id};
  MART_ASSIGN_OR_RETURN(filter.user_id, principal.ListScope(query.user_id, "payments"));
  if (query.order_id) MART_RETURN_IF_ERROR(CheckObjectId(*query.order_id, "order", "order_id"));
  if (query.status) {
    filter.status = ParsePaymentStatus(*query.status);
    if (!filter.status) {
      return InvalidArgument("unknown payment status '" + *query.status + "'",
                             {{"field", "status"}});
    }
  }
  return tx.store.payments().List(filter);
}

Status PaymentService::AutoCapture(Tx& tx, const std::string& order_id,
                                   const Principal& worker) const {
  MART_ASSIGN_OR_RETURN(Order order, tx.store.orders().Get(order_id));
  // Stale (the order moved on) or already paid for, or tried: never charge twice.
  if (order.status != OrderStatus::kProcessing) return Status::Ok();
  MART_ASSIGN_OR_RETURN(std::vector<Payment> payments, tx.store.payments().ForOrder(order_id));
  if (!payments.empty()) return Status::Ok();
  return Charge(tx, order, nullptr, worker).status();
}

Status PaymentService::SettleCashOnDelivery(Tx& tx, const std::string& order_id, bool delivered,
                                            std::string reason) const {
  MART_ASSIGN_OR_RETURN(std::vector<Payment> payments, tx.store.payments().ForOrder(order_id));
  for (const Payment& p : payments) {
    if (p.method != PaymentMethod::kCod || p.status != PaymentStatus::kPending) continue;
    const PaymentStatus to = delivered ? PaymentStatus::kSucceeded : PaymentStatus::kFailed;
    std::optional<std::string> why;
    if (!delivered) why = reason;
    MART_ASSIGN_OR_RETURN(bool settled,
                          tx.store.payments().Settle(p.id, PaymentStatus::kPending, to, why, tx.now));
    if (!settled) continue;
    MART_ASSIGN_OR_RETURN(Payment now, tx.store.payments().Get(p.id));
    MART_RETURN_IF_ERROR(EmitPayment(tx.events, now));
  }
  return Status::Ok();
}

Status PaymentService::OnOrderStatusChanged(Tx& tx, const std::string& order_id, OrderStatus to,
                                            const Principal& worker) const {
  switch (to) {
    case OrderStatus::kProcessing:
      return auto_capture_ ? AutoCapture(tx, order_id, worker) : Status::Ok();
    case OrderStatus::kDelivered:
      // Cash collected for an order refunded meanwhile is owed back at once.
      MART_RETURN_IF_ERROR(SettleCashOnDelivery(tx, order_id, true, ""));
      return refunds_.Complete(tx, order_id);
    case OrderStatus::kCancelled:
    case OrderStatus::kRefunded: {
      MART_ASSIGN_OR_RETURN(bool delivered, WasDelivered(tx, order_id));
      MART_RETURN_IF_ERROR(SettleCashOnDelivery(tx, order_id, delivered,
                                                "order " + std::string(OrderStatusName(to))));
      return refunds_.Complete(tx, order_id);
    }
    default:
      return Status::Ok();
  }
}

}  // namespace mart
