#include "stores/database.h"

#include <algorithm>

#include <atomic>
#include <cctype>
#include <cstring>

#include "stores/postgres_database.h"
#include "stores/sqlite_database.h"
#include "testing/fault.h"

namespace mart::store {

Status Statement::RunWithoutRows() {
  MART_ASSIGN_OR_RETURN(bool row, Step());
  if (row) return Internal("statement returned rows where none were expected");
  return Status::Ok();
}

Result<std::optional<int64_t>> Query::RunReturningIfAny() {
  MART_ASSIGN_OR_RETURN(bool row, Next());
  if (!row) return std::optional<int64_t>();
  const int64_t value = Int(0);
  MART_ASSIGN_OR_RETURN(bool more, Next());
  if (more) return Internal("statement returned more than one row where one was expected");
  return std::optional<int64_t>(value);
}

Result<int64_t> Query::RunReturning() {
  MART_ASSIGN_OR_RETURN(std::optional<int64_t> value, RunReturningIfAny());
  if (!value) return Internal("statement returned no row where one was expected");
  return *value;
}

namespace {
std::atomic<uint64_t> statements{0};
std::atomic<uint64_t> round_trips{0};
std::atomic<uint64_t> batches_run_again{0};
}  // namespace

void CountBatchRunAgain() { batches_run_again.fetch_add(1, std::memory_order_relaxed); }

uint64_t BatchesRunAgain() { return batches_run_again.load(std::memory_order_relaxed); }

void CountRoundTrip() { round_trips.fetch_add(1, std::memory_order_relaxed); }

uint64_t RoundTrips() { return round_trips.load(std::memory_order_relaxed); }

void CountStatement() { statements.fetch_add(1, std::memory_order_relaxed); }

uint64_t StatementsExecuted() { return statements.load(std::memory_order_relaxed); }

std::string Repeated(std::string_view item, size_t count) {
  std::string sql;
  sql.reserve(count * (item.size() + 2));
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) sql += ", ";
    sql += item;
  }
  return sql;
}

std::vector<size_t> RowChunks(size_t count) {
  std::vector<size_t> chunks;
  for (size_t size = kMostRowsAtOnce; count > 0; size /= 2) {
    while (count >= size) {
      chunks.push_back(size);
      count -= size;
    }
  }
  return chunks;
}

namespace {

size_t InListSize(size_t n) {
  size_t size = 1;
  while (size < n) size *= 2;
  return size;
}

// PostgreSQL's text form of a text[] value: every element quoted, with " and
// \ escaped by a backslash.
std::string ArrayLiteral(const std::vector<std::string>& values) {
  std::string text = "{";
  for (const std::string& value : values) {
    if (text.size() > 1) text += ',';
    text += '"';
    for (const char c : value) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    text += '"';
  }
  text += '}';
  return text;
}

// Of an int8[] value: {1,2,3}.
std::string ArrayLiteral(const std::vector<int64_t>& values) {
  std::string text = "{";
  for (const int64_t value : values) {
    if (text.size() > 1) text += ',';
    text += std::to_string(value);
  }
  text += '}';
  return text;
}

// Longer lists are one array parameter on PostgreSQL.
constexpr size_t kPostgresInListMax = 8;

bool AsArray(const Database& db, size_t count) {
  return db.backend() == Backend::kPostgres && count > kPostgresInListMax;
}

}  // namespace

std::string InListSql(const Database& db, size_t count) {
  if (AsArray(db, count)) return "= ANY (?)";
  return "IN (" + Repeated("?", InListSize(count)) + ")";
}

int InListParameters(const Database& db, size_t count) {
  return AsArray(db, count) ? 1 : static_cast<int>(InListSize(count));
}

namespace {

template <typename Value>
void BindList(const Database& db, Query& q, int first, const std::vector<Value>& values) {
  if (AsArray(db, values.size())) {
    q.Bind(first, ArrayLiteral(values));
    return;
  }
  const size_t size = InListSize(values.size());
  for (size_t i = 0; i < size; ++i) {
    q.Bind(first + static_cast<int>(i), values[std::min(i, values.size() - 1)]);
  }
}

}  // namespace

void BindInList(const Database& db, Query& q, int first, const std::vector<std::string>& values) {
  BindList(db, q, first, values);
}

void BindInList(const Database& db, Query& q, int first, const std::vector<int64_t>& values) {
  BindList(db, q, first, values);
}

bool IsPostgresLocation(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string RedactLocation(std::string_view location) {
  std::string text(location);
  if (!IsPostgresLocation(text)) return text;
  // postgresql://user:password@host/... -> postgresql://user:***@host/...
  const size_t start = text.find("://") + 3;
  const size_t at = text.find('@', start);
  const size_t slash = text.find('/', start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    const size_t colon = text.find(':', start);
    if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, "***");
  }
  // ...?password=secret&... -> ...?password=***&...
  for (size_t key = text.find("password="); key != std::string::npos;
       key = text.find("password=", key + 1)) {
    const size_t value = key + std::strlen("password=");
    const size_t end = std::min(text.find('&', value), text.size());
    text.replace(value, end - value, "***");
  }
  return text;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& location, OpenMode mode) {
  if (IsPostgresLocation(location)) {
    MART_ASSIGN_OR_RETURN(std::unique_ptr<PostgresDatabase> db,
                          PostgresDatabase::Open(location, mode));
    return std::unique_ptr<Database>(std::move(db));
  }
  MART_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db, SqliteDatabase::Open(location, mode));
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

Status Transaction::Restart() {
  if (open_) (void)db_.Rollback();
  status_ = fault::ErrorPoint("batch.restart")
                ? Unavailable("the server is gone: injected fault batch.restart")
                : db_.BeginWrite();
  open_ = status_.ok();
  return status_;
}

Savepoint::Savepoint(Database& db) : db_(db) {
  status_ = db_.BeginSavepoint();
  open_ = status_.ok();
  if (open_) db_.MarkDeferredRows();
}

Savepoint::~Savepoint() {
  if (open_) {
    (void)db_.RollbackToSavepoint();
    (void)db_.ReleaseSavepoint();
    db_.UnmarkDeferredRows(/*rolled_back=*/true);
  }
}

Status Savepoint::Release() {
  if (!open_) return status_.ok() ? Internal("savepoint is not open") : status_;
  open_ = false;
  Status released = db_.ReleaseSavepoint();
  // A release that fails has undone the savepoint's work (PostgreSQL).
  db_.UnmarkDeferredRows(/*rolled_back=*/!released.ok());
  return released;
}

MarkedRows::MarkedRows(Database* db) : db_(db) {
  if (db_ != nullptr) db_->marked_rows_.push_back(this);
}

MarkedRows::~MarkedRows() {
  if (db_ != nullptr) std::erase(db_->marked_rows_, this);
}

void MarkedRows::Taking(size_t waiting) {
  for (Point& mark : marks_) {
    if (waiting > 0 && mark.next > first_waiting_) mark.lent = true;
  }
  first_waiting_ += waiting;
}

bool MarkedRows::Unmark(bool rolled_back) {
  if (marks_.empty()) return false;
  const Point mark = marks_.back();
  marks_.pop_back();
  if (!rolled_back) return false;
  KeepFirst(mark.next > first_waiting_ ? mark.next - first_waiting_ : 0);
  return mark.lent;
}

void Database::MarkDeferredRows() {
  for (MarkedRows* rows : marked_rows_) rows->Mark();
}

void Database::UnmarkDeferredRows(bool rolled_back) {
  for (MarkedRows* rows : marked_rows_) {
    if (rows->Unmark(rolled_back)) deferred_rows_lost_ = true;
  }
}

void Database::WriteWaitingBefore(const std::vector<std::string_view>* tables,
                                  std::function<Status()> write) {
  waiting_tables_ = tables;
  waiting_write_ = std::move(write);
}

void Database::StopWritingWaiting() {
  waiting_tables_ = nullptr;
  waiting_write_ = nullptr;
}

namespace {

bool NamesOneOf(std::string_view sql, const std::vector<std::string_view>& tables) {
  return std::any_of(tables.begin(), tables.end(), [sql](std::string_view table) {
    return sql.find(table) != std::string_view::npos;
  });
}

// Whether a statement only reads: it starts with SELECT (FOR UPDATE locks and
// changes nothing). Anything else (WITH included) may write.
bool OnlyReads(std::string_view sql) {
  const size_t start = sql.find_first_not_of(" \t\n");
  if (start == std::string_view::npos || sql.size() - start < 6) return false;
  for (size_t i = 0; i < 6; ++i) {
    if (std::toupper(static_cast<unsigned char>(sql[start + i])) != "SELECT"[i]) return false;
  }
  return true;
}

}  // namespace

Status Database::WriteWaitingIfNamed(std::string_view sql) {
  if (writing_waiting_) return Status::Ok();  // the write's own statements
  if (!NamesOneOf(sql, *waiting_tables_)) return Status::Ok();
  return WriteAllWaiting();
}

void Database::ForgetOnWrite(const std::vector<std::string_view>* tables,
                             std::function<void()> forget) {
  forgetters_.push_back({tables, std::move(forget)});
}

void Database::ForgetIfWritten(std::string_view sql) {
  if (OnlyReads(sql)) return;
  for (const Forgetter& forgetter : forgetters_) {
    if (NamesOneOf(sql, *forgetter.tables)) forgetter.forget();
  }
}

Status Database::WriteAllWaiting() {
  writing_waiting_ = true;
  Status written = waiting_write_();
  writing_waiting_ = false;
  return written;
}

}  // namespace mart::store
