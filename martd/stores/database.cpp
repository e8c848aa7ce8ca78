#include "stores/database.h"

namespace mart::store {

Query::~Query() {
  if (statement_ != nullptr) {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
}

Query& Query::Bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Query& Query::Bind(int index, std::string_view value) {
  sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Query& Query::Bind(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, std::string_view(*value)) : BindNull(index);
}

Query& Query::BindNull(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

Query& Query::BindNamed(const char* name, int64_t value) {
  int index = sqlite3_bind_parameter_index(statement_, name);
  return index > 0 ? Bind(index, value) : *this;
}

Query& Query::BindNamed(const char* name, std::string_view value) {
  int index = sqlite3_bind_parameter_index(statement_, name);
  return index > 0 ? Bind(index, value) : *this;
}

Result<bool> Query::Next() {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(statement_), rc, sqlite3_sql(statement_));
}

Status Query::Run() {
  MART_ASSIGN_OR_RETURN(bool row, Next());
  if (row) return Internal("statement returned rows where none were expected");
  return Status::Ok();
}

int64_t Query::Int(int column) const { return sqlite3_column_int64(statement_, column); }

std::string Query::Text(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
}

std::optional<std::string> Query::OptText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

bool Query::IsNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
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

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, OpenMode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const std::string target = mode == OpenMode::kMemory ? ":memory:" : path;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(target.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Database> db(new Database(raw));
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

Database::~Database() {
  for (auto& [sql, statement] : cache_) sqlite3_finalize(statement);
  for (auto& [sql, statement] : text_cache_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

Result<Query> Database::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Query(it->second);
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  cache_.emplace(sql, statement);
  return Query(statement);
}

Result<Query> Database::PrepareText(const std::string& sql) {
  auto it = text_cache_.find(sql);
  if (it != text_cache_.end()) return Query(it->second);
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  text_cache_.emplace(sql, statement);
  return Query(statement);
}

Status Database::Execute(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (error != nullptr) sqlite3_free(error);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, text);
  return Status::Ok();
}

Status Database::Control(const char* sql) {
  MART_ASSIGN_OR_RETURN(Query query, Prepare(sql));
  return query.Run();
}

int64_t Database::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }

Transaction::Transaction(Database& db) : db_(db) {
  status_ = db_.Control("BEGIN IMMEDIATE");
  open_ = status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)db_.Control("ROLLBACK");
}

Status Transaction::Commit() {
  if (!open_) return status_.ok() ? Internal("transaction is not open") : status_;
  Status committed = db_.Control("COMMIT");
  if (committed.ok()) open_ = false;
  return committed;
}

Savepoint::Savepoint(Database& db) : db_(db) {
  status_ = db_.Control("SAVEPOINT request");
  open_ = status_.ok();
}

Savepoint::~Savepoint() {
  if (open_) {
    (void)db_.Control("ROLLBACK TO request");
    (void)db_.Control("RELEASE request");
  }
}

Status Savepoint::Release() {
  if (!open_) return status_.ok() ? Internal("savepoint is not open") : status_;
  open_ = false;
  return db_.Control("RELEASE request");
}

}  // namespace mart::store
