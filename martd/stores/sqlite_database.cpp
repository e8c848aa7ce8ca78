#include "stores/sqlite_database.h"

namespace mart::store {

void SqliteStatement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
}

void SqliteStatement::BindText(int index, std::string_view value) {
  sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
}

void SqliteStatement::BindNull(int index) { sqlite3_bind_null(statement_, index); }

int SqliteStatement::NamedIndex(const char* name) const {
  return sqlite3_bind_parameter_index(statement_, name);
}

Result<bool> SqliteStatement::Step() {
  if (sqlite3_stmt_busy(statement_) == 0) CountStatement();  // a new execution, not its next row
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(statement_), rc, sqlite3_sql(statement_));
}

int64_t SqliteStatement::ColumnInt(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::string SqliteStatement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
}

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

void SqliteStatement::Reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

Status SqliteError(sqlite3* db, int rc, std::string_view context) {
  std::string message = std::string(sqlite3_errstr(rc));
  if (db != nullptr) message = sqlite3_errmsg(db);
  switch (rc & 0xFF) {
    case SQLITE_FULL:
      return Unavailable("database or disk is full: " + message);
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return Unavailable("database cannot be written: " + message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable("database is busy: " + message);
    default:
      return Internal("database error (" + message + ") in: " + std::string(context.substr(0, 80)));
  }
}

SqliteDatabase* AsSqlite(Database& db) {
  return db.backend() == Backend::kSqlite ? static_cast<SqliteDatabase*>(&db) : nullptr;
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                             OpenMode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const std::string target = mode == OpenMode::kMemory ? ":memory:" : path;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(target.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(raw));
  if (rc != SQLITE_OK) return SqliteError(raw, rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  MART_RETURN_IF_ERROR(db->Execute("PRAGMA busy_timeout = 5000"));
  MART_RETURN_IF_ERROR(db->Execute("PRAGMA foreign_keys = ON"));
  if (mode == OpenMode::kReadWrite) {
    MART_RETURN_IF_ERROR(db->Execute("PRAGMA journal_mode = WAL"));
  }
  MART_RETURN_IF_ERROR(db->Execute("PRAGMA synchronous = FULL"));
  // Every request and every worker step runs in a savepoint, whose journal
  // of original pages would otherwise spill to a temp file past 64 KiB: that
  // file's writes were a third of an order's cost (docs/BENCHMARKS.md).
  MART_RETURN_IF_ERROR(db->Execute("PRAGMA temp_store = MEMORY"));
  if (mode == OpenMode::kReadOnly) {
    MART_RETURN_IF_ERROR(db->Execute("PRAGMA query_only = ON"));
  } else {
    // The writer's cache holds a batch's dirty pages (up to 512 orders) and
    // the hot index pages; readers keep SQLite's 2 MiB, since any commit
    // empties a WAL reader's cache anyway. Bounded, unlike mmap, so martd's
    // resident size does not grow with the database.
    MART_RETURN_IF_ERROR(db->Execute("PRAGMA cache_size = -32768"));
    // A burst can take the WAL past the checkpointer's limit by a batch; when
    // it starts over, the file shrinks back to 64 MiB (martctl doctor's mark).
    MART_RETURN_IF_ERROR(db->Execute("PRAGMA journal_size_limit = 67108864"));
  }
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  cache_.clear();
  text_cache_.clear();
  sqlite3_close_v2(db_);
}

Result<Query> SqliteDatabase::Prepare(const char* sql) {
  MART_RETURN_IF_ERROR(BeforeStatement(sql));
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Query(it->second.get());
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  auto [added, inserted] = cache_.emplace(sql, std::make_unique<SqliteStatement>(statement));
  return Query(added->second.get());
}

Result<Query> SqliteDatabase::PrepareText(const std::string& sql) {
  MART_RETURN_IF_ERROR(BeforeStatement(sql));
  auto it = text_cache_.find(sql);
  if (it != text_cache_.end()) return Query(it->second.get());
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  auto [added, inserted] = text_cache_.emplace(sql, std::make_unique<SqliteStatement>(statement));
  return Query(added->second.get());
}

Status SqliteDatabase::Execute(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  CountStatement();
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (error != nullptr) sqlite3_free(error);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, text);
  return Status::Ok();
}

Status SqliteDatabase::Control(const char* sql) {
  MART_ASSIGN_OR_RETURN(Query query, Prepare(sql));
  return query.Run();
}

int SqliteDatabase::Changes() const { return sqlite3_changes(db_); }
void SqliteDatabase::Interrupt() { sqlite3_interrupt(db_); }

Status SqliteDatabase::BeginWrite() {
  NextWriteEpoch();
  return Control("BEGIN IMMEDIATE");
}
Status SqliteDatabase::Commit() {
  NextWriteEpoch();
  return Control("COMMIT");
}
Status SqliteDatabase::Rollback() {
  NextWriteEpoch();
  return Control("ROLLBACK");
}
bool SqliteDatabase::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
// Deferred: the snapshot is taken at the first read (WAL keeps it while writers go on).
Status SqliteDatabase::BeginSnapshot() { return Control("BEGIN"); }
// Outside a transaction a savepoint begins one.
Status SqliteDatabase::BeginSavepoint() {
  if (!InTransaction()) NextWriteEpoch();
  return Control("SAVEPOINT request");
}
Status SqliteDatabase::ReleaseSavepoint() {
  Status status = Control("RELEASE request");
  if (!InTransaction()) NextWriteEpoch();  // it ended the transaction
  return status;
}
Status SqliteDatabase::RollbackToSavepoint() {
  NextWriteEpoch();
  return Control("ROLLBACK TO request");
}

Result<int> SqliteDatabase::SchemaVersion() {
  MART_ASSIGN_OR_RETURN(Query query, Prepare("PRAGMA user_version"));
  MART_ASSIGN_OR_RETURN(bool row, query.Next());
  if (!row) return Internal("PRAGMA user_version returned nothing");
  return static_cast<int>(query.Int(0));
}

Status SqliteDatabase::SetSchemaVersion(int version) {
  return Execute("PRAGMA user_version = " + std::to_string(version));
}

Result<int64_t> SqliteDatabase::IdHighWater(std::string_view table) {
  MART_ASSIGN_OR_RETURN(Query q, Prepare("SELECT seq FROM sqlite_sequence WHERE name = ?"));
  q.Bind(1, table);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? q.Int(0) : 0;
}

Status SqliteDatabase::RaiseIdHighWater(std::string_view table, int64_t value) {
  {
    MART_ASSIGN_OR_RETURN(Query q, Prepare(
        "UPDATE sqlite_sequence SET seq = ?2 WHERE name = ?1 AND seq < ?2"));
    q.Bind(1, table).Bind(2, value);
    MART_RETURN_IF_ERROR(q.Run());
  }
  MART_ASSIGN_OR_RETURN(Query q, Prepare(
      "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, ?2 "
      "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)"));
  q.Bind(1, table).Bind(2, value);
  return q.Run();
}

Result<bool> SqliteDatabase::HasTable(std::string_view name) {
  MART_ASSIGN_OR_RETURN(Query q, Prepare(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"));
  q.Bind(1, name);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row && q.Int(0) > 0;
}

Status SqliteDatabase::QuickCheck() {
  MART_ASSIGN_OR_RETURN(Query query, Prepare("PRAGMA quick_check"));
  MART_ASSIGN_OR_RETURN(bool row, query.Next());
  if (!row) return Internal("quick_check returned nothing");
  std::string verdict = query.Text(0);
  if (verdict != "ok") return Internal("database integrity check failed: " + verdict);
  return Status::Ok();
}

Result<std::vector<std::string>> SqliteDatabase::IntegrityProblems(int64_t limit) {
  MART_ASSIGN_OR_RETURN(Query q, Prepare("SELECT * FROM pragma_integrity_check(?)"));
  q.Bind(1, limit);
  std::vector<std::string> rows;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    rows.push_back(q.Text(0));
  }
  if (rows.size() == 1 && rows[0] == "ok") rows.clear();
  return rows;
}

}  // namespace mart::store
