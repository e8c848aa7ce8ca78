#include "stores/database.h"

#include "stores/sqlite_database.h"

namespace mart::store {

Status Query::Run() {
  MART_ASSIGN_OR_RETURN(bool row, Next());
  if (row) return Internal("statement returned rows where none were expected");
  return Status::Ok();
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, OpenMode mode) {
  MART_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db, SqliteDatabase::Open(path, mode));
  return std::unique_ptr<Database>(std::move(db));
}

Transaction::Transaction(Database& db) : db_(db) {
  status_ = db_.BeginWrite();
  open_ = status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)db_.Rollback();
}

Status Transaction::Commit() {
  if (!open_) return status_.ok() ? Internal("transaction is not open") : status_;
  Status committed = db_.Commit();
  if (committed.ok()) open_ = false;
  return committed;
}

Savepoint::Savepoint(Database& db) : db_(db) {
  status_ = db_.BeginSavepoint();
  open_ = status_.ok();
}

Savepoint::~Savepoint() {
  if (open_) {
    (void)db_.RollbackToSavepoint();
    (void)db_.ReleaseSavepoint();
  }
}

Status Savepoint::Release() {
  if (!open_) return status_.ok() ? Internal("savepoint is not open") : status_;
  open_ = false;
  return db_.ReleaseSavepoint();
}

}  // namespace mart::store
