#include "stores/order_store.h"

#include <algorithm>

#include "stores/inventory_store.h"

namespace mart::store {
namespace {

#define MART_ORDER_SELECT                                                                  \
  "SELECT id, user_id, status, stock, reason, total_cents, shipping_address, created_at, " \
  "updated_at FROM orders"

std::optional<std::string> OptString(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string AddressText(const ShippingAddress& a) { return ToJson(a).dump(); }

ShippingAddress ParseAddress(const std::string& text) {
  nlohmann::json object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  ShippingAddress a;
  if (!object.is_object()) return a;
  a.line1 = OptString(object, "line1").value_or("");
  a.line2 = OptString(object, "line2");
  a.city = OptString(object, "city").value_or("");
  a.state = OptString(object, "state");
  a.postal_code = OptString(object, "postal_code").value_or("");
  a.country = OptString(object, "country").value_or("");
  return a;
}

Order ReadOrder(const Query& q) {
  Order o;
  o.id = q.Text(0);
  o.user_id = q.Int(1);
  o.status = ParseOrderStatus(q.Text(2)).value_or(OrderStatus::kPending);
  o.stock = ParseStockState(q.Text(3)).value_or(StockState::kPending);
  o.reason = q.OptText(4);
  o.total_cents = q.Int(5);
  if (!q.IsNull(6)) o.shipping_address = ParseAddress(q.Text(6));  // NULL: a Head
  o.created_at = q.Int(7);
  o.updated_at = q.Int(8);
  return o;
}

Status ExpectRow(Database& db, std::string_view id) {
  if (db.Changes() == 0) return NotFound("order " + std::string(id) + " not found");
  return Status::Ok();
}

std::string ListSql(const OrderFilter& f) {
  std::string sql = MART_ORDER_SELECT " WHERE TRUE";
  if (f.user_id) sql += " AND user_id = :user_id";
  if (f.status) sql += " AND status = :status";
  if (f.since) sql += " AND created_at >= :since";
  if (f.until) sql += " AND created_at < :until";
  if (f.after_id) sql += " AND (created_at, rowid) < (:after_created, :after_rowid)";
  return sql + " ORDER BY created_at DESC, rowid DESC LIMIT :limit OFFSET :offset";
}

}  // namespace

Status OrderStore::Insert(const Order& o) {
  if (deferred_orders_.deferring()) {
    deferred_orders_.Add(o);
    return Status::Ok();
  }
  return InsertOrders(&o, 1);
}

Status OrderStore::InsertOrders(const Order* orders, size_t count) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(
      "INSERT INTO orders (id, user_id, status, stock, reason, total_cents, shipping_address, "
      "created_at, updated_at) VALUES " + Repeated("(?, ?, ?, ?, ?, ?, ?, ?, ?)", count)));
  struct Line {
    const std::string* order_id;
    int64_t line;
    const OrderItem* item;
  };
  std::vector<Line> lines;
  for (size_t i = 0; i < count; ++i) {
    const Order& o = orders[i];
    const int at = static_cast<int>(i) * 9;
    q.Bind(at + 1, o.id).Bind(at + 2, o.user_id).Bind(at + 3, OrderStatusName(o.status));
    q.Bind(at + 4, StockStateName(o.stock)).Bind(at + 5, o.reason).Bind(at + 6, o.total_cents);
    q.Bind(at + 7, AddressText(o.shipping_address)).Bind(at + 8, o.created_at);
    q.Bind(at + 9, o.updated_at);
    for (size_t l = 0; l < o.items.size(); ++l) {
      lines.push_back({&o.id, static_cast<int64_t>(l + 1), &o.items[l]});
    }
  }
  MART_RETURN_IF_ERROR(q.Run());
  // The lines, up to kMostRowsAtOnce in one statement (its text cached per
  // line count): an order's lines in one.
  for (size_t done = 0; done < lines.size();) {
    const size_t n = std::min(kMostRowsAtOnce, lines.size() - done);
    MART_ASSIGN_OR_RETURN(
        Query insert,
        db_.PrepareText("INSERT INTO order_items (order_id, line, product_id, name, quantity, "
                        "price_cents) VALUES " + Repeated("(?, ?, ?, ?, ?, ?)", n)));
    for (size_t i = 0; i < n; ++i) {
      const Line& line = lines[done + i];
      const int at = static_cast<int>(i) * 6;
      insert.Bind(at + 1, *line.order_id).Bind(at + 2, line.line);
      insert.Bind(at + 3, line.item->product_id).Bind(at + 4, line.item->name);
      insert.Bind(at + 5, line.item->quantity).Bind(at + 6, line.item->price_cents);
    }
    MART_RETURN_IF_ERROR(insert.Run());
    done += n;
  }
  return Status::Ok();
}

Result<std::unordered_map<std::string, std::vector<OrderItem>>> OrderStore::ItemsOf(
    const std::vector<std::string>& ids) {
  std::unordered_map<std::string, std::vector<OrderItem>> items;
  if (ids.empty()) return items;
  for (const std::string& id : ids) items[id];
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareForList(
      "SELECT order_id, product_id, name, quantity, price_cents FROM order_items "
      "WHERE order_id " + InListSql(db_, ids.size()) + " ORDER BY order_id, line"));
  BindInList(db_, q, 1, ids);
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    items[q.Text(0)].push_back({q.Text(1), q.Text(2), q.Int(3), q.Int(4)});
  }
  return items;
}

// The order and its lines in one statement (one round trip on PostgreSQL):
// the order's columns repeat on each line's row.
Result<Order> OrderStore::Get(std::string_view id) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT o.id, o.user_id, o.status, o.stock, o.reason, o.total_cents, o.shipping_address, "
      "o.created_at, o.updated_at, i.product_id, i.name, i.quantity, i.price_cents "
      "FROM orders o LEFT JOIN order_items i ON i.order_id = o.id WHERE o.id = ? ORDER BY i.line"));
  q.Bind(1, id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("order " + std::string(id) + " not found");
  Order order = ReadOrder(q);
  do {
    if (!q.IsNull(9)) order.items.push_back({q.Text(9), q.Text(10), q.Int(11), q.Int(12)});
    MART_ASSIGN_OR_RETURN(row, q.Next());
  } while (row);
  return order;
}

Result<Order> OrderStore::Head(std::string_view id) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  // ReadOrder's columns, the address left out.
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT id, user_id, status, stock, reason, total_cents, NULL, created_at, updated_at "
      "FROM orders WHERE id = ?"));
  q.Bind(1, id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("order " + std::string(id) + " not found");
  return ReadOrder(q);
}

Result<std::vector<Order>> OrderStore::Heads(const std::vector<std::string>& ids) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  std::vector<Order> heads;
  if (ids.empty()) return heads;
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareForList(
      "SELECT id, user_id, status, stock, reason, total_cents, NULL, created_at, updated_at "
      "FROM orders WHERE id " + InListSql(db_, ids.size())));
  BindInList(db_, q, 1, ids);
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    heads.push_back(ReadOrder(q));
  }
  return heads;
}

Result<std::vector<Order>> OrderStore::List(const OrderFilter& f) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  int64_t after_created = 0;
  int64_t after_rowid = 0;
  if (f.after_id) {
    MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT created_at, rowid FROM orders WHERE id = ?"));
    q.Bind(1, *f.after_id);
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) return NotFound("order " + *f.after_id + " not found");
    after_created = q.Int(0);
    after_rowid = q.Int(1);
  }
  std::vector<Order> orders;
  {
    MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(ListSql(f)));
    if (f.user_id) q.BindNamed(":user_id", *f.user_id);
    if (f.status) q.BindNamed(":status", OrderStatusName(*f.status));
    if (f.since) q.BindNamed(":since", *f.since);
    if (f.until) q.BindNamed(":until", *f.until);
    if (f.after_id) q.BindNamed(":after_created", after_created).BindNamed(":after_rowid", after_rowid);
    q.BindNamed(":limit", f.limit).BindNamed(":offset", f.offset);
    while (true) {
      MART_ASSIGN_OR_RETURN(bool row, q.Next());
      if (!row) break;
      orders.push_back(ReadOrder(q));
    }
  }
  // Every listed order's lines in one statement.
  std::vector<std::string> ids;
  for (const Order& order : orders) ids.push_back(order.id);
  MART_ASSIGN_OR_RETURN(auto items, ItemsOf(ids));
  for (Order& order : orders) order.items = std::move(items[order.id]);
  return orders;
}

Status OrderStore::SetStatus(std::string_view id, OrderStatus status, StockState stock,
                             const std::optional<std::string>& reason, int64_t now) {
  if (deferred_statuses_.deferring()) {
    // One change per order in a statement: the one that waits goes first.
    if (waiting_.contains(std::string(id))) MART_RETURN_IF_ERROR(WriteDeferred());
    deferred_statuses_.Add({std::string(id), status, stock, reason, now});
    waiting_.emplace(id);
    return Status::Ok();
  }
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE orders SET status = ?, stock = ?, reason = coalesce(?, reason), updated_at = ? "
      "WHERE id = ?"));
  q.Bind(1, OrderStatusName(status)).Bind(2, StockStateName(stock)).Bind(3, reason);
  q.Bind(4, now).Bind(5, id);
  return q.Run();
}

// Planned for its values each time: `orders` grows with every order, and a
// plan cached in a fresh store's first seconds joined it by a whole scan
// (~0.7 ms a call at 10,000 orders, more as it grows).
Status OrderStore::UpdateStatuses(const StatusChange* changes, size_t count) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareForList(
      "UPDATE orders SET status = v.column2, stock = v.column3, "
      "reason = coalesce(v.column4, orders.reason), updated_at = v.column5 FROM (VALUES " +
      Repeated("(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), "
               "CAST(? AS BIGINT))",
               count) +
      ") AS v WHERE orders.id = v.column1"));
  for (size_t i = 0; i < count; ++i) {
    const StatusChange& c = changes[i];
    const int at = static_cast<int>(i) * 5;
    q.Bind(at + 1, c.id).Bind(at + 2, OrderStatusName(c.status));
    q.Bind(at + 3, StockStateName(c.stock)).Bind(at + 4, c.reason).Bind(at + 5, c.now);
  }
  return q.Run();
}

Status OrderStore::SetStock(std::string_view id, StockState stock, int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE orders SET stock = ?, updated_at = ? WHERE id = ?"));
  q.Bind(1, StockStateName(stock)).Bind(2, now).Bind(3, id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectRow(db_, id);
}

Status OrderStore::AppendChange(const OrderChange& c) {
  if (deferred_.deferring()) {
    deferred_.Add(c);
    return Status::Ok();
  }
  return InsertChanges(&c, 1);
}

void OrderStore::DeferWrites() {
  deferred_.Start();
  deferred_statuses_.Start();
}

void OrderStore::DeferAppends() {
  deferred_orders_.Start();
  deferred_.Start();
}

Status OrderStore::WriteDeferred() {
  if (db_.WaitingWriteIdle()) return db_.WriteAllWaiting();  // a batch's: every store's
  waiting_.clear();
  // Orders before their lines, status changes and history rows.
  MART_RETURN_IF_ERROR(InChunks(deferred_orders_.Take(), [this](const Order* rows, size_t count) {
    return InsertOrders(rows, count);
  }));
  MART_RETURN_IF_ERROR(
      InChunks(deferred_statuses_.Take(), [this](const StatusChange* rows, size_t count) {
        return UpdateStatuses(rows, count);
      }));
  return InChunks(deferred_.Take(), [this](const OrderChange* rows, size_t count) {
    return InsertChanges(rows, count);
  });
}

void OrderStore::StopDeferring() {
  deferred_orders_.Stop();
  deferred_.Stop();
  deferred_statuses_.Stop();
  waiting_.clear();
}

Status OrderStore::InsertChanges(const OrderChange* changes, size_t count) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(
      "INSERT INTO order_history (order_id, from_status, to_status, actor, reason, at) VALUES " +
      Repeated("(?, ?, ?, ?, ?, ?)", count)));
  for (size_t i = 0; i < count; ++i) {
    const OrderChange& c = changes[i];
    const int at = static_cast<int>(i) * 6;
    std::optional<std::string> from;
    if (c.from) from = std::string(OrderStatusName(*c.from));
    q.Bind(at + 1, c.order_id).Bind(at + 2, from).Bind(at + 3, OrderStatusName(c.to));
    q.Bind(at + 4, c.actor).Bind(at + 5, c.reason).Bind(at + 6, c.at);
  }
  return q.Run();
}

Result<std::vector<OrderChange>> OrderStore::History(std::string_view id) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT id, order_id, from_status, to_status, actor, reason, at FROM order_history "
      "WHERE order_id = ? ORDER BY id"));
  q.Bind(1, id);
  std::vector<OrderChange> changes;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    OrderChange c;
    c.id = q.Int(0);
    c.order_id = q.Text(1);
    if (auto from = q.OptText(2)) c.from = ParseOrderStatus(*from);
    c.to = ParseOrderStatus(q.Text(3)).value_or(OrderStatus::kPending);
    c.actor = q.Text(4);
    c.reason = q.OptText(5);
    c.at = q.Int(6);
    changes.push_back(std::move(c));
  }
  return changes;
}

Result<bool> OrderStore::HasOpenOrderFor(std::string_view product_id) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  // A shipped or cancelled order may still hold stock until the inventory
  // worker reaches its status change; deleting would drop that hold.
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT 1 FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.product_id = ?1 "
      "AND o.status IN ('pending', 'processing', 'paid') "
      "UNION ALL SELECT 1 FROM inventory_holds WHERE product_id = ?1 "
      "AND substr(reference, 1, length(?2)) = ?2 LIMIT 1"));
  q.Bind(1, product_id);
  q.Bind(2, kOrderHoldPrefix);  // IsOrderHoldReference, in SQL
  return q.Next();
}

}  // namespace mart::store
