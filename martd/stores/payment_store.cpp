#include "stores/payment_store.h"

namespace mart::store {
namespace {

#define MART_REFUND_COLUMNS                                                                 \
  "r.id, r.payment_id, r.order_id, r.user_id, r.amount_cents, r.status, r.reason, r.actor, " \
  "r.created_at, r.refunded_at"
// A payment and its refund, if any (refunds.payment_id is UNIQUE, so the
// join never repeats a payment).
#define MART_PAYMENT_SELECT                                                                 \
  "SELECT p.id, p.order_id, p.user_id, p.amount_cents, p.method, p.status, p.reason, "      \
  "p.card_last4, p.created_at, p.updated_at, " MART_REFUND_COLUMNS                          \
  " FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id"
constexpr int kRefundColumn = 10;  // where MART_REFUND_COLUMNS start in MART_PAYMENT_SELECT

Refund ReadRefund(const Query& q, int at) {
  Refund r;
  r.id = q.Int(at);
  r.payment_id = q.Int(at + 1);
  r.order_id = q.Text(at + 2);
  r.user_id = q.Int(at + 3);
  r.amount_cents = q.Int(at + 4);
  r.status = ParseRefundStatus(q.Text(at + 5)).value_or(RefundStatus::kPending);
  r.reason = q.Text(at + 6);
  r.actor = q.Text(at + 7);
  r.created_at = q.Int(at + 8);
  if (!q.IsNull(at + 9)) r.refunded_at = q.Int(at + 9);
  return r;
}

Payment ReadPayment(const Query& q) {
  Payment p;
  p.id = q.Int(0);
  p.order_id = q.Text(1);
  p.user_id = q.Int(2);
  p.amount_cents = q.Int(3);
  p.method = ParsePaymentMethod(q.Text(4)).value_or(PaymentMethod::kCard);
  p.status = ParsePaymentStatus(q.Text(5)).value_or(PaymentStatus::kPending);
  p.reason = q.OptText(6);
  p.card_last4 = q.OptText(7);
  p.created_at = q.Int(8);
  p.updated_at = q.Int(9);
  if (!q.IsNull(kRefundColumn)) p.refunds.push_back(ReadRefund(q, kRefundColumn));
  return p;
}

Result<std::vector<Payment>> ReadAll(Query& q) {
  std::vector<Payment> payments;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    payments.push_back(ReadPayment(q));
  }
  return payments;
}

std::string ListSql(const PaymentFilter& f) {
  std::string sql = MART_PAYMENT_SELECT " WHERE TRUE";
  if (f.user_id) sql += " AND p.user_id = :user_id";
  if (f.order_id) sql += " AND p.order_id = :order_id";
  if (f.status) sql += " AND p.status = :status";
  if (f.after_id) sql += " AND p.id < :after";
  return sql + " ORDER BY p.id DESC LIMIT :limit OFFSET :offset";
}

}  // namespace

Result<int64_t> PaymentStore::Insert(const Payment& p) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO payments (order_id, user_id, amount_cents, method, status, reason, "
      "card_last4, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  q.Bind(1, p.order_id).Bind(2, p.user_id).Bind(3, p.amount_cents);
  q.Bind(4, PaymentMethodName(p.method)).Bind(5, PaymentStatusName(p.status));
  q.Bind(6, p.reason).Bind(7, p.card_last4).Bind(8, p.created_at).Bind(9, p.updated_at);
  return q.RunReturning();
}

Result<Payment> PaymentStore::Get(int64_t id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(MART_PAYMENT_SELECT " WHERE p.id = ?"));
  q.Bind(1, id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("payment " + std::to_string(id) + " not found");
  return ReadPayment(q);
}

Result<std::vector<Payment>> PaymentStore::List(const PaymentFilter& f) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(ListSql(f)));
  if (f.user_id) q.BindNamed(":user_id", *f.user_id);
  if (f.order_id) q.BindNamed(":order_id", *f.order_id);
  if (f.status) q.BindNamed(":status", PaymentStatusName(*f.status));
  if (f.after_id) q.BindNamed(":after", *f.after_id);
  q.BindNamed(":limit", f.limit).BindNamed(":offset", f.offset);
  return ReadAll(q);
}

Result<std::vector<Payment>> PaymentStore::ForOrder(std::string_view order_id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(MART_PAYMENT_SELECT " WHERE p.order_id = ? ORDER BY p.id"));
  q.Bind(1, order_id);
  return ReadAll(q);
}

Result<bool> PaymentStore::Settle(int64_t id, PaymentStatus from, PaymentStatus to,
                                  const std::optional<std::string>& reason, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE payments SET status = ?, reason = coalesce(?, reason), updated_at = ? "
      "WHERE id = ? AND status = ?"));
  q.Bind(1, PaymentStatusName(to)).Bind(2, reason).Bind(3, now).Bind(4, id);
  q.Bind(5, PaymentStatusName(from));
  MART_RETURN_IF_ERROR(q.Run());
  return db_.Changes() > 0;
}

Result<std::optional<int64_t>> PaymentStore::InsertRefund(const Refund& r) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO refunds (payment_id, order_id, user_id, amount_cents, status, reason, actor, "
      "created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (payment_id) DO NOTHING "
      "RETURNING id"));
  q.Bind(1, r.payment_id).Bind(2, r.order_id).Bind(3, r.user_id).Bind(4, r.amount_cents);
  q.Bind(5, r.reason).Bind(6, r.actor).Bind(7, r.created_at);
  return q.RunReturningIfAny();
}

Result<std::vector<Refund>> PaymentStore::PendingRefunds(std::string_view order_id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_REFUND_COLUMNS " FROM refunds r"
      " WHERE r.order_id = ? AND r.status = 'pending' ORDER BY r.id"));
  q.Bind(1, order_id);
  std::vector<Refund> refunds;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    refunds.push_back(ReadRefund(q, 0));
  }
  return refunds;
}

Result<bool> PaymentStore::CompleteRefund(int64_t refund_id, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE refunds SET status = 'succeeded', refunded_at = ? WHERE id = ? AND status = 'pending'"));
  q.Bind(1, now).Bind(2, refund_id);
  MART_RETURN_IF_ERROR(q.Run());
  return db_.Changes() > 0;
}

}  // namespace mart::store
