#pragma once
// The SQLite driver behind the store's seam (database.h): Chromium sql/
// rules, PRAGMAs only at open, cached prepared statements, and what only
// SQLite has, for the checkpointer (WAL hook) and backups (backup API).

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "stores/database.h"

namespace mart::store {

class SqliteStatement final : public Statement {
 public:
  explicit SqliteStatement(sqlite3_stmt* statement) : statement_(statement) {}
  ~SqliteStatement() override { sqlite3_finalize(statement_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void BindInt(int index, int64_t value) override;
  void BindText(int index, std::string_view value) override;
  void BindNull(int index) override;
  int NamedIndex(const char* name) const override;
  Result<bool> Step() override;
  int64_t ColumnInt(int column) const override;
  std::string ColumnText(int column) const override;
  bool ColumnIsNull(int column) const override;
  int ColumnCount() const override { return sqlite3_column_count(statement_); }
  std::string ColumnName(int column) const override {
    return sqlite3_column_name(statement_, column);
  }
  void Reset() override;

 private:
  sqlite3_stmt* statement_;
};

class SqliteDatabase final : public Database {
 public:
  // Opens (creating in kReadWrite) and applies the connection PRAGMAs: WAL,
  // synchronous=FULL, foreign_keys=ON, busy_timeout. kReadOnly connections
  // are query_only and serve reads beside the writer (WAL).
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path, OpenMode mode);
  ~SqliteDatabase() override;

  Backend backend() const override { return Backend::kSqlite; }
  std::string ServerVersion() const override { return sqlite3_libversion(); }
  Result<Query> Prepare(const char* sql) override;
  Result<Query> PrepareText(const std::string& sql) override;
  Status Execute(std::string_view sql) override;
  int Changes() const override;
  void Interrupt() override;
  Status BeginWrite() override;
  Status Commit() override;
  Status Rollback() override;
  Status BeginSnapshot() override;
  Status BeginSavepoint() override;
  Status ReleaseSavepoint() override;
  Status RollbackToSavepoint() override;
  bool InTransaction() const override;
  Result<int> SchemaVersion() override;
  Status SetSchemaVersion(int version) override;
  Result<int64_t> IdHighWater(std::string_view table) override;
  Status RaiseIdHighWater(std::string_view table, int64_t value) override;
  Result<bool> HasTable(std::string_view name) override;
  Status QuickCheck() override;
  Result<std::vector<std::string>> IntegrityProblems(int64_t limit) override;

  // For SQLite-only work: the WAL hook, checkpoints, the backup API.
  sqlite3* handle() const { return db_; }

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  // Transaction control from a cached statement: every request and worker
  // step takes a savepoint, and parsing its SQL each time cost a tenth of a
  // product get. `sql` is a string constant.
  Status Control(const char* sql);

  sqlite3* db_;
  // Finalized by the destructor before it closes the connection.
  std::unordered_map<const char*, std::unique_ptr<SqliteStatement>> cache_;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> text_cache_;
};

// The SQLite connection behind `db`, or nullptr on another backend.
SqliteDatabase* AsSqlite(Database& db);

// Maps an SQLite result code to a Status: full disk, read-only files and busy
// databases are UNAVAILABLE, anything else INTERNAL.
Status SqliteError(sqlite3* db, int rc, std::string_view context);

}  // namespace mart::store
