#include "stores/payment_store.h"

namespace mart::store {
namespace {

#define MART_PAYMENT_SELECT                                                                 \
  "SELECT id, order_id, user_id, amount_cents, method, status, reason, card_last4, "        \
  "created_at, updated_at FROM payments"

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
  std::string sql = MART_PAYMENT_SELECT " WHERE 1";
  if (f.user_id) sql += " AND user_id = :user_id";
  if (f.order_id) sql += " AND order_id = :order_id";
  if (f.status) sql += " AND status = :status";
  return sql + " ORDER BY id DESC LIMIT :limit OFFSET :offset";
}

}  // namespace

Result<int64_t> PaymentStore::Insert(const Payment& p) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO payments (order_id, user_id, amount_cents, method, status, reason, "
      "card_last4, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  q.Bind(1, p.order_id).Bind(2, p.user_id).Bind(3, p.amount_cents);
  q.Bind(4, PaymentMethodName(p.method)).Bind(5, PaymentStatusName(p.status));
  q.Bind(6, p.reason).Bind(7, p.card_last4).Bind(8, p.created_at).Bind(9, p.updated_at);
  MART_RETURN_IF_ERROR(q.Run());
  return db_.LastInsertId();
}

Result<Payment> PaymentStore::Get(int64_t id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(MART_PAYMENT_SELECT " WHERE id = ?"));
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
  q.BindNamed(":limit", f.limit).BindNamed(":offset", f.offset);
  return ReadAll(q);
}

Result<std::vector<Payment>> PaymentStore::ForOrder(std::string_view order_id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(MART_PAYMENT_SELECT " WHERE order_id = ? ORDER BY id"));
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

}  // namespace mart::store
