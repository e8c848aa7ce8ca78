#include "stores/copy_store.h"

#include <utility>

#include "stores/schema.h"

namespace mart::store {
namespace {

struct Table {
  const char* name;
  const char* order;      // a stable order: the key, or the insertion order
  bool autoincrement;     // ids handed out by the database (high-water kept)
};

// orders by rowid: SQLite's implicit one, PostgreSQL's column of that name,
// the tie-breaker of the newest-first order (postgres_schema.cpp).
constexpr Table kTables[] = {
    {"users", "id", true},
    {"addresses", "id", true},
    {"sessions", "id", true},
    {"refresh_tokens", "jti", false},
    {"idempotency_keys", "principal, key", false},
    {"events", "seq", false},
    {"products", "id", false},
    {"inventory", "id", true},
    {"inventory_holds", "product_id, reference", false},
    {"inventory_movements", "id", true},
    {"orders", "rowid", false},
    {"order_items", "order_id, line", false},
    {"order_history", "id", true},
    {"consumers", "name", false},
    {"dead_letters", "id", true},
    {"payments", "id", true},
    {"refunds", "id", true},
    {"notifications", "id", true},
};

Result<int64_t> CountRows(Database& db, const std::string& table) {
  MART_ASSIGN_OR_RETURN(Query q, db.PrepareText("SELECT count(*) FROM " + table));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? q.Int(0) : 0;
}

// Copies one table; returns its rows. The INSERT names the source's columns, so
// a column only one backend has (PostgreSQL's orders.rowid) travels when the
// source has it and is filled by the target otherwise.
Result<int64_t> CopyTable(Database& from, Database& to, const Table& table) {
  MART_ASSIGN_OR_RETURN(Query source,
                        from.PrepareText(std::string("SELECT * FROM ") + table.name +
                                         " ORDER BY " + table.order));
  std::string insert;
  int64_t rows = 0;
  int64_t max_id = 0;
  int id_column = -1;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, source.Next());
    if (!row) break;
    const int columns = source.ColumnCount();
    if (insert.empty()) {
      std::string names;
      std::string marks;
      for (int c = 0; c < columns; ++c) {
        const std::string name = source.ColumnName(c);
        if (name == "id") id_column = c;
        names += (c > 0 ? ", " : "") + name;
        marks += c > 0 ? ", ?" : "?";
      }
      insert = std::string("INSERT INTO ") + table.name + " (" + names + ") VALUES (" + marks + ")";
    }
    MART_ASSIGN_OR_RETURN(Query target, to.PrepareText(insert));
    for (int c = 0; c < columns; ++c) {
      if (source.IsNull(c)) {
        target.BindNull(c + 1);
      } else {
        target.Bind(c + 1, source.Text(c));
      }
    }
    MART_RETURN_IF_ERROR(target.Run());
    if (id_column >= 0) max_id = std::max(max_id, source.Int(id_column));
    ++rows;
  }
  if (table.autoincrement) {
    MART_ASSIGN_OR_RETURN(int64_t high, from.IdHighWater(table.name));
    MART_RETURN_IF_ERROR(to.RaiseIdHighWater(table.name, std::max(high, max_id)));
  }
  return rows;
}

}  // namespace

const std::vector<std::string>& CopiedTables() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const Table& table : kTables) names.emplace_back(table.name);
    return names;
  }();
  return kNames;
}

Result<bool> IsEmptyStore(Database& db) {
  for (const Table& table : kTables) {
    MART_ASSIGN_OR_RETURN(int64_t rows, CountRows(db, table.name));
    if (rows > 0) return false;
  }
  return true;
}

Result<std::vector<TableRows>> CopyStore(Database& from, Database& to) {
  MART_ASSIGN_OR_RETURN(int from_version, from.SchemaVersion());
  MART_ASSIGN_OR_RETURN(int to_version, to.SchemaVersion());
  if (from_version != LatestSchemaVersion() || to_version != LatestSchemaVersion()) {
    return FailedPrecondition(
        "both stores must be at schema version " + std::to_string(LatestSchemaVersion()) +
        " (the source is at " + std::to_string(from_version) + ", the target at " +
        std::to_string(to_version) + "): start this martd on the older one once to migrate it");
  }
  MART_ASSIGN_OR_RETURN(bool empty, IsEmptyStore(to));
  if (!empty) return FailedPrecondition("the target store is not empty; copy into an empty one");
  MART_RETURN_IF_ERROR(from.BeginSnapshot());
  std::vector<TableRows> copied;
  Status status = Status::Ok();
  {
    Transaction transaction(to);
    status = transaction.status();
    for (const Table& table : kTables) {
      if (!status.ok()) break;
      Result<int64_t> rows = CopyTable(from, to, table);
      if (!rows.ok()) {
        status = Status(rows.status().code(),
                        std::string("copying ") + table.name + ": " + rows.status().message());
        break;
      }
      copied.push_back({table.name, *rows});
    }
    if (status.ok()) status = transaction.Commit();
  }
  (void)from.Rollback();
  MART_RETURN_IF_ERROR(status);
  for (const TableRows& table : copied) {
    MART_ASSIGN_OR_RETURN(int64_t rows, CountRows(to, table.table));
    if (rows != table.rows) {
      return Internal("the copy of " + table.table + " holds " + std::to_string(rows) +
                      " rows, the source " + std::to_string(table.rows));
    }
  }
  return copied;
}

}  // namespace mart::store
