#include "stores/inventory_store.h"

namespace mart::store {
namespace {

#define MART_INVENTORY_COLUMNS                                                           \
  "i.id, i.product_id, i.available, i.reserved, i.reorder_threshold, i.low_stock_alerted, " \
  "i.created_at, i.updated_at, i.shipped"

InventoryRecord ReadRecord(const Query& q) {
  InventoryRecord r;
  r.id = q.Int(0);
  r.product_id = q.Text(1);
  r.available = q.Int(2);
  r.reserved = q.Int(3);
  r.reorder_threshold = q.Int(4);
  r.low_stock_alerted = q.Int(5) != 0;
  r.created_at = q.Int(6);
  r.updated_at = q.Int(7);
  r.shipped = q.Int(8);
  return r;
}

StockMovement ReadMovement(const Query& q) {
  StockMovement m;
  m.id = q.Int(0);
  m.product_id = q.Text(1);
  m.type = q.Text(2);
  m.delta = q.Int(3);
  m.available_before = q.Int(4);
  m.available_after = q.Int(5);
  m.reserved_before = q.Int(6);
  m.reserved_after = q.Int(7);
  m.reference = q.OptText(8);
  m.reason = q.OptText(9);
  m.actor = q.Text(10);
  m.created_at = q.Int(11);
  return m;
}

Status ExpectRow(Database& db, std::string_view product_id) {
  if (db.Changes() == 0) return NotFound("product " + std::string(product_id) + " not found");
  return Status::Ok();
}

}  // namespace

Result<int64_t> InventoryStore::Insert(const InventoryRecord& r) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO inventory (product_id, available, reserved, reorder_threshold, "
      "low_stock_alerted, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  q.Bind(1, r.product_id).Bind(2, r.available).Bind(3, r.reserved).Bind(4, r.reorder_threshold);
  q.Bind(5, int64_t{r.low_stock_alerted}).Bind(6, r.created_at).Bind(7, r.updated_at);
  return q.RunReturning();
}

Result<InventoryRecord> InventoryStore::Get(std::string_view product_id) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_INVENTORY_COLUMNS " FROM inventory i WHERE i.product_id = ?"));
  q.Bind(1, product_id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("product " + std::string(product_id) + " not found");
  return ReadRecord(q);
}

Result<std::vector<InventoryRecord>> InventoryStore::GetMany(
    const std::vector<std::string>& product_ids) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  std::vector<InventoryRecord> records;
  if (product_ids.empty()) return records;
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareForList("SELECT " MART_INVENTORY_COLUMNS
                                                    " FROM inventory i WHERE i.product_id " +
                                                    InListSql(db_, product_ids.size())));
  BindInList(db_, q, 1, product_ids);
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    records.push_back(ReadRecord(q));
  }
  return records;
}

Result<std::vector<InventoryRecord>> InventoryStore::List(bool low_only, int64_t limit,
                                                          int64_t offset,
                                                          std::optional<int64_t> after_id) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_INVENTORY_COLUMNS " FROM inventory i "
      "WHERE (?1 = 0 OR i.available <= i.reorder_threshold) AND i.id > ?4 "
      "ORDER BY i.id LIMIT ?2 OFFSET ?3"));
  q.Bind(1, int64_t{low_only}).Bind(2, limit).Bind(3, offset).Bind(4, after_id.value_or(0));
  std::vector<InventoryRecord> records;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    records.push_back(ReadRecord(q));
  }
  return records;
}

Result<std::vector<LowStockRow>> InventoryStore::LowStock() {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_INVENTORY_COLUMNS ", p.name FROM inventory i "
      "JOIN products p ON p.id = i.product_id "
      "WHERE i.available <= i.reorder_threshold ORDER BY i.id"));
  std::vector<LowStockRow> rows;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    rows.push_back({ReadRecord(q), q.Text(9)});
  }
  return rows;
}

Result<std::optional<InventoryRecord>> InventoryStore::ApplyDelta(std::string_view product_id,
                                                                  const StockDelta& delta,
                                                                  int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE inventory SET available = available + ?1, reserved = reserved + ?2, "
      "shipped = shipped + ?5, updated_at = ?3 WHERE product_id = ?4 AND available + ?1 >= 0 "
      "AND reserved + ?2 >= 0 AND shipped + ?5 >= 0 RETURNING id, product_id, available, "
      "reserved, reorder_threshold, low_stock_alerted, created_at, updated_at, shipped"));
  q.Bind(1, delta.available).Bind(2, delta.reserved).Bind(3, now).Bind(4, product_id);
  q.Bind(5, delta.shipped);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return std::optional<InventoryRecord>();
  InventoryRecord after = ReadRecord(q);
  MART_ASSIGN_OR_RETURN(bool more, q.Next());
  if (more) return Internal("inventory has two rows for product " + std::string(product_id));
  return std::optional<InventoryRecord>(std::move(after));
}

Status InventoryStore::AddDelta(std::string_view product_id, const StockDelta& delta,
                                int64_t now) {
  if (deferred_deltas_.deferring()) {
    auto [it, added] = delta_of_.try_emplace(std::string(product_id), deferred_deltas_.size());
    if (added) {
      deferred_deltas_.Add({std::string(product_id), delta, now});
    } else {
      Delta& waiting = deferred_deltas_[it->second];
      waiting.delta.available += delta.available;
      waiting.delta.reserved += delta.reserved;
      waiting.delta.shipped += delta.shipped;
      waiting.now = now;
    }
    return Status::Ok();
  }
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE inventory SET available = available + ?, reserved = reserved + ?, "
      "shipped = shipped + ?, updated_at = ? WHERE product_id = ?"));
  q.Bind(1, delta.available).Bind(2, delta.reserved).Bind(3, delta.shipped).Bind(4, now);
  q.Bind(5, product_id);
  return q.Run();
}

// A page's sums, one row per product. AddDelta's callers checked each
// change against the record as it is; the table's CHECKs still refuse a sum
// that would leave a column below zero.
Status InventoryStore::AddDeltas(const Delta* deltas, size_t count) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(
      "UPDATE inventory SET available = available + v.column2, "
      "reserved = reserved + v.column3, shipped = shipped + v.column4, updated_at = v.column5 "
      "FROM (VALUES " +
      Repeated("(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), "
               "CAST(? AS BIGINT))",
               count) +
      ") AS v WHERE inventory.product_id = v.column1"));
  for (size_t i = 0; i < count; ++i) {
    const Delta& d = deltas[i];
    const int at = static_cast<int>(i) * 5;
    q.Bind(at + 1, d.product_id).Bind(at + 2, d.delta.available).Bind(at + 3, d.delta.reserved);
    q.Bind(at + 4, d.delta.shipped).Bind(at + 5, d.now);
  }
  return q.Run();
}

Status InventoryStore::SetAvailable(std::string_view product_id, int64_t available, int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE inventory SET available = ?, updated_at = ? WHERE product_id = ?"));
  q.Bind(1, available).Bind(2, now).Bind(3, product_id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectRow(db_, product_id);
}

Status InventoryStore::SetThreshold(std::string_view product_id, int64_t threshold, int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE inventory SET reorder_threshold = ?, updated_at = ? WHERE product_id = ?"));
  q.Bind(1, threshold).Bind(2, now).Bind(3, product_id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectRow(db_, product_id);
}

Status InventoryStore::SetAlerted(std::string_view product_id, bool alerted) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE inventory SET low_stock_alerted = ? WHERE product_id = ?"));
  q.Bind(1, int64_t{alerted}).Bind(2, product_id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectRow(db_, product_id);
}

Result<int64_t> InventoryStore::Held(std::string_view product_id, std::string_view reference) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT quantity FROM inventory_holds WHERE product_id = ? AND reference = ?"));
  q.Bind(1, product_id).Bind(2, reference);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? q.Int(0) : 0;
}

Status InventoryStore::SetHeld(std::string_view product_id, std::string_view reference,
                               int64_t quantity) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  if (quantity == 0) {
    MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
        "DELETE FROM inventory_holds WHERE product_id = ? AND reference = ?"));
    q.Bind(1, product_id).Bind(2, reference);
    return q.Run();
  }
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO inventory_holds (product_id, reference, quantity) VALUES (?, ?, ?) "
      "ON CONFLICT (product_id, reference) DO UPDATE SET quantity = excluded.quantity"));
  q.Bind(1, product_id).Bind(2, reference).Bind(3, quantity);
  return q.Run();
}

Result<std::vector<std::pair<std::string, int64_t>>> InventoryStore::HoldsFor(
    std::string_view reference) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT product_id, quantity FROM inventory_holds WHERE reference = ? ORDER BY product_id"));
  q.Bind(1, reference);
  std::vector<std::pair<std::string, int64_t>> holds;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    holds.emplace_back(q.Text(0), q.Int(1));
  }
  return holds;
}

Result<std::vector<std::string>> InventoryStore::Holding(
    const std::vector<std::string>& references) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  std::vector<std::string> holding;
  if (references.empty()) return holding;
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareForList(
      "SELECT DISTINCT reference FROM inventory_holds WHERE reference " +
      InListSql(db_, references.size())));
  BindInList(db_, q, 1, references);
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    holding.push_back(q.Text(0));
  }
  return holding;
}

Status InventoryStore::AddHolds(std::string_view reference,
                                const std::vector<std::pair<std::string, int64_t>>& holds) {
  std::vector<Hold> rows;
  rows.reserve(holds.size());
  for (const auto& [product_id, quantity] : holds) {
    rows.push_back({product_id, std::string(reference), quantity});
  }
  if (deferred_holds_.deferring()) {
    for (Hold& row : rows) deferred_holds_.Add(std::move(row));
    return Status::Ok();
  }
  return InChunks(rows, [this](const Hold* first, size_t count) {
    return InsertHolds(first, count);
  });
}

Status InventoryStore::InsertHolds(const Hold* holds, size_t count) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(
      "INSERT INTO inventory_holds (product_id, reference, quantity) VALUES " +
      Repeated("(?, ?, ?)", count)));
  for (size_t i = 0; i < count; ++i) {
    const int at = static_cast<int>(i) * 3;
    q.Bind(at + 1, holds[i].product_id).Bind(at + 2, holds[i].reference);
    q.Bind(at + 3, holds[i].quantity);
  }
  return q.Run();
}

Status InventoryStore::AppendMovement(const StockMovement& m) {
  if (deferred_.deferring()) {
    deferred_.Add(m);
    return Status::Ok();
  }
  return InsertMovements(&m, 1);
}

Status InventoryStore::AppendMovements(const std::vector<StockMovement>& movements) {
  if (deferred_.deferring()) {
    for (const StockMovement& m : movements) deferred_.Add(m);
    return Status::Ok();
  }
  return InChunks(movements, [this](const StockMovement* rows, size_t count) {
    return InsertMovements(rows, count);
  });
}

void InventoryStore::DeferWrites() {
  deferred_.Start();
  deferred_holds_.Start();
  deferred_deltas_.Start();
}

Status InventoryStore::WriteDeferred() {
  delta_of_.clear();
  MART_RETURN_IF_ERROR(InChunks(deferred_deltas_.Take(), [this](const Delta* rows, size_t count) {
    return AddDeltas(rows, count);
  }));
  MART_RETURN_IF_ERROR(InChunks(deferred_holds_.Take(), [this](const Hold* rows, size_t count) {
    return InsertHolds(rows, count);
  }));
  return InChunks(deferred_.Take(), [this](const StockMovement* rows, size_t count) {
    return InsertMovements(rows, count);
  });
}

void InventoryStore::StopDeferring() {
  deferred_.Stop();
  deferred_holds_.Stop();
  deferred_deltas_.Stop();
  delta_of_.clear();
}

Status InventoryStore::InsertMovements(const StockMovement* movements, size_t count) {
  static const std::string kInsert = "INSERT INTO inventory_movements (product_id, type, delta, "
      "available_before, available_after, reserved_before, reserved_after, reference, reason, "
      "actor, created_at) VALUES ";
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(
      kInsert + Repeated("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count)));
  for (size_t i = 0; i < count; ++i) {
    const StockMovement& m = movements[i];
    const int at = static_cast<int>(i) * 11;
    q.Bind(at + 1, m.product_id).Bind(at + 2, m.type).Bind(at + 3, m.delta);
    q.Bind(at + 4, m.available_before).Bind(at + 5, m.available_after);
    q.Bind(at + 6, m.reserved_before).Bind(at + 7, m.reserved_after);
    q.Bind(at + 8, m.reference).Bind(at + 9, m.reason).Bind(at + 10, m.actor);
    q.Bind(at + 11, m.created_at);
  }
  return q.Run();
}

Result<std::vector<StockMovement>> InventoryStore::History(std::string_view product_id,
                                                           int64_t limit, int64_t offset,
                                                           std::optional<int64_t> after_id) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT id, product_id, type, delta, available_before, available_after, reserved_before, "
      "reserved_after, reference, reason, actor, created_at FROM inventory_movements "
      "WHERE product_id = ? AND id < ? ORDER BY id DESC LIMIT ? OFFSET ?"));
  q.Bind(1, product_id).Bind(2, after_id.value_or(INT64_MAX)).Bind(3, limit).Bind(4, offset);
  std::vector<StockMovement> movements;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    movements.push_back(ReadMovement(q));
  }
  return movements;
}

}  // namespace mart::store
