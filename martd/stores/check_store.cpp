#include "stores/check_store.h"

#include "stores/inventory_store.h"

namespace mart::store {
namespace {

Result<int64_t> Count(Database& db, const char* sql) {
  MART_ASSIGN_OR_RETURN(Query q, db.Prepare(sql));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? q.Int(0) : 0;
}

Result<std::vector<std::string>> Texts(Query& q) {
  std::vector<std::string> texts;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    texts.push_back(q.Text(0));
  }
  return texts;
}

// SQL text of an amount in cents as money ("24.99"); amounts are never negative.
// ("105" -> "05": the cents with their leading zero; SQL both backends speak).
#define MART_MONEY(cents) \
  "((" cents " / 100) || '.' || substr(CAST(100 + (" cents " % 100) AS TEXT), 2))"

}  // namespace

Result<std::vector<std::string>> CheckStore::Integrity(int64_t limit) {
  return db_.IntegrityProblems(limit);
}

Result<std::vector<StockAudit>> CheckStore::StockMismatches(int64_t limit) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT product_id, available, reserved, shipped, ledger_total, held, ledger_shipped, "
      "last_available, last_reserved FROM ("
      " SELECT i.id, i.product_id, i.available, i.reserved, i.shipped,"
      "  (SELECT coalesce(sum(m.delta), 0) FROM inventory_movements m"
      "    WHERE m.product_id = i.product_id AND m.type IN ('initial', 'set', 'adjust'))"
      "    AS ledger_total,"
      "  (SELECT coalesce(sum(h.quantity), 0) FROM inventory_holds h"
      "    WHERE h.product_id = i.product_id) AS held,"
      "  (SELECT coalesce(sum(m.reserved_before - m.reserved_after), 0)"
      "    FROM inventory_movements m WHERE m.product_id = i.product_id AND m.type = 'ship')"
      "    AS ledger_shipped,"
      "  (SELECT m.available_after FROM inventory_movements m WHERE m.product_id = i.product_id"
      "    ORDER BY m.id DESC LIMIT 1) AS last_available,"
      "  (SELECT m.reserved_after FROM inventory_movements m WHERE m.product_id = i.product_id"
      "    ORDER BY m.id DESC LIMIT 1) AS last_reserved"
      " FROM inventory i) AS audit"
      " WHERE available + reserved + shipped != ledger_total OR reserved != held"
      "  OR shipped != ledger_shipped OR last_available IS DISTINCT FROM available"
      "  OR last_reserved IS DISTINCT FROM reserved"
      " ORDER BY id LIMIT ?"));
  q.Bind(1, limit);
  std::vector<StockAudit> rows;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    StockAudit a;
    a.product_id = q.Text(0);
    a.available = q.Int(1);
    a.reserved = q.Int(2);
    a.shipped = q.Int(3);
    a.ledger_total = q.Int(4);
    a.held = q.Int(5);
    a.ledger_shipped = q.Int(6);
    if (!q.IsNull(7)) a.last_available = q.Int(7);
    if (!q.IsNull(8)) a.last_reserved = q.Int(8);
    rows.push_back(std::move(a));
  }
  return rows;
}

Result<int64_t> CheckStore::ProductCount() { return Count(db_, "SELECT count(*) FROM inventory"); }

Result<int64_t> CheckStore::OrderCount() { return Count(db_, "SELECT count(*) FROM orders"); }

Result<std::pair<int64_t, int64_t>> CheckStore::EventCounts() {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT count(*), coalesce(max(seq), 0) FROM events"));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return std::pair<int64_t, int64_t>{0, 0};
  return std::pair<int64_t, int64_t>{q.Int(0), q.Int(1)};
}

Result<std::vector<std::string>> CheckStore::OrderStockMismatches(int64_t limit) {
  // Each arm names one rule; together they say: an order in processing or
  // paid with stock reserved holds exactly its lines; any other order holds
  // nothing; no order is left pending; stock states agree with the status.
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT 'order ' || o.id || ' (' || o.status || ') should hold ' || i.quantity ||"
      "  ' of product ' || i.product_id || ' but holds ' || coalesce(h.quantity, 0)"
      " FROM orders o JOIN order_items i ON i.order_id = o.id"
      " LEFT JOIN inventory_holds h ON h.reference = ?1 || o.id"
      "  AND h.product_id = i.product_id"
      " WHERE o.status IN ('processing', 'paid') AND o.stock = 'reserved'"
      "  AND h.quantity IS DISTINCT FROM i.quantity"
      " UNION ALL "
      "SELECT 'hold ' || h.reference || ' of ' || h.quantity || ' of product ' || h.product_id ||"
      "  CASE WHEN o.id IS NULL THEN ' has no order'"
      "  ELSE ' belongs to an order that is ' || o.status || ' with stock ' || o.stock END"
      " FROM inventory_holds h LEFT JOIN orders o ON o.id = substr(h.reference, length(?1) + 1)"
      " WHERE substr(h.reference, 1, length(?1)) = ?1 AND (o.id IS NULL OR NOT"
      "  (o.status IN ('processing', 'paid') AND o.stock = 'reserved'))"
      " UNION ALL "
      "SELECT 'order ' || o.id || ' is ' || o.status || ' with stock ' || o.stock FROM orders o"
      " WHERE o.status = 'pending' OR o.stock = 'pending'"
      "  OR (o.status IN ('shipped', 'delivered') AND o.stock != 'shipped')"
      "  OR (o.status = 'cancelled' AND o.stock = 'reserved')"
      " LIMIT ?2"));
  q.Bind(1, kOrderHoldPrefix);  // IsOrderHoldReference, in SQL
  q.Bind(2, limit);
  return Texts(q);
}

Result<int64_t> CheckStore::PaymentCount() {
  return Count(db_, "SELECT count(*) FROM payments");
}

Result<std::vector<std::string>> CheckStore::PaymentMismatches(int64_t limit) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT 'payment ' || p.id || ' succeeded for ' || p.amount_cents || ' cents but order ' ||"
      "  o.id || ' totals ' || o.total_cents"
      " FROM payments p JOIN orders o ON o.id = p.order_id"
      " WHERE p.status = 'succeeded' AND p.amount_cents != o.total_cents"
      " UNION ALL "
      "SELECT 'order ' || order_id || ' has ' || count(*) || ' succeeded or pending payments'"
      " FROM payments WHERE status IN ('succeeded', 'pending')"
      " GROUP BY order_id HAVING count(*) > 1"
      " LIMIT ?"));
  q.Bind(1, limit);
  return Texts(q);
}

Result<std::vector<std::string>> CheckStore::KeptPayments(int64_t limit) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT 'payment ' || p.id || ' (' || p.method || ', ' || " MART_MONEY("p.amount_cents")
      "  || ') of order ' || o.id || ' succeeded but the order is ' || o.status ||"
      "  ': the money was kept (pay it back: martctl payment refund ' || p.id || ')'"
      " FROM payments p JOIN orders o ON o.id = p.order_id"
      " WHERE p.status = 'succeeded' AND o.status IN ('cancelled', 'refunded')"
      " ORDER BY p.id LIMIT ?"));
  q.Bind(1, limit);
  return Texts(q);
}

Result<std::vector<std::string>> CheckStore::RefundMismatches(int64_t limit) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT 'payment ' || p.id || ' is ' || p.status || ' but has no refund'"
      " FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id"
      " WHERE p.status IN ('refunding', 'refunded') AND r.id IS NULL"
      " UNION ALL "
      "SELECT 'refund ' || r.id || ' of payment ' || r.payment_id || ' is ' || r.status ||"
      "  ' but the payment is ' || coalesce(p.status, 'missing')"
      " FROM refunds r LEFT JOIN payments p ON p.id = r.payment_id"
      " WHERE p.status IS DISTINCT FROM"
      "  (CASE r.status WHEN 'pending' THEN 'refunding' ELSE 'refunded' END)"
      " UNION ALL "
      "SELECT 'refund ' || r.id || ' of payment ' || p.id || ' is for ' ||"
      "  " MART_MONEY("r.amount_cents") " || ' but the payment captured ' ||"
      "  " MART_MONEY("p.amount_cents")
      " FROM refunds r JOIN payments p ON p.id = r.payment_id"
      " WHERE r.amount_cents != p.amount_cents"
      " LIMIT ?"));
  q.Bind(1, limit);
  return Texts(q);
}

Result<bool> CheckStore::HasTable(std::string_view name) { return db_.HasTable(name); }

Result<std::vector<std::string>> CheckStore::PendingRefunds(int64_t limit) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT 'refund ' || r.id || ' of ' || " MART_MONEY("r.amount_cents") " ||"
      "  ' for payment ' || r.payment_id || ' (order ' || r.order_id || ') is still pending'"
      "  || ' (pay it back: martctl payment refund ' || r.payment_id || ')'"
      " FROM refunds r WHERE r.status = 'pending' ORDER BY r.id LIMIT ?"));
  q.Bind(1, limit);
  return Texts(q);
}

}  // namespace mart::store
