#pragma once
// The store's driver seam: one connection to the database, its prepared
// statements, transactions and savepoints, and errors as mart codes. Every
// SQL statement of mart lives in martd/stores/ and runs through this
// interface, so the stores' statements are shared by every backend; what
// only one backend has (SQLite's WAL hook, backup API and PRAGMAs) lives
// with its driver (sqlite_database.h). Only martd/stores/ uses it.
//
// Statements are cached by the connection, take ? (or ?N, :name)
// placeholders, and are reset with their bindings cleared when the Query
// that borrowed one goes out of scope. The SQL they share is the common
// ground of both backends: INSERT … RETURNING for new ids, TRUE, IS DISTINCT
// FROM, CASE rather than scalar max/min; what differs lives in each backend's
// migrations (schema.cpp, postgres_schema.cpp).
//
// A Database is used by one thread at a time; it is not thread safe, except
// Interrupt().

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mart/status.h"

namespace mart::store {

enum class Backend { kSqlite, kPostgres };

// One prepared statement of a backend, owned by its connection.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindNull(int index) = 0;
  // The 1-based index of a :name parameter; 0 when the statement has none.
  virtual int NamedIndex(const char* name) const = 0;
  // One step: true when a row is ready, false when done.
  virtual Result<bool> Step() = 0;
  // Runs a statement that returns no rows (INSERT, UPDATE, DELETE). A backend
  // may send it later, with the next statement whose answer is awaited, and
  // report its failure there (PostgreSQL's write-behind); Database::Changes()
  // still counts its rows.
  virtual Status RunWithoutRows();
  virtual int64_t ColumnInt(int column) const = 0;
  virtual std::string ColumnText(int column) const = 0;
  virtual bool ColumnIsNull(int column) const = 0;
  // The result's columns (after the first Step).
  virtual int ColumnCount() const = 0;
  virtual std::string ColumnName(int column) const = 0;
  // Ready to run again: the current result and the bindings cleared.
  virtual void Reset() = 0;
};

// A prepared statement borrowed from the connection's cache; reset when the
// Query goes out of scope.
class Query {
 public:
  explicit Query(Statement* statement) : statement_(statement) {}
  Query(Query&& other) noexcept : statement_(std::exchange(other.statement_, nullptr)) {}
  Query& operator=(Query&&) = delete;
  ~Query() {
    if (statement_ != nullptr) statement_->Reset();
  }

  // Bind by 1-based index, chaining.
  Query& Bind(int index, int64_t value) {
    statement_->BindInt(index, value);
    return *this;
  }
  Query& Bind(int index, std::string_view value) {
    statement_->BindText(index, value);
    return *this;
  }
  Query& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Query& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Query& Bind(int index, const std::optional<std::string>& value) {
    return value ? Bind(index, std::string_view(*value)) : BindNull(index);
  }
  Query& BindNull(int index) {
    statement_->BindNull(index);
    return *this;
  }
  // Binds a :name parameter; a name the statement does not have is ignored.
  Query& BindNamed(const char* name, int64_t value) {
    const int index = statement_->NamedIndex(name);
    return index > 0 ? Bind(index, value) : *this;
  }
  Query& BindNamed(const char* name, std::string_view value) {
    const int index = statement_->NamedIndex(name);
    return index > 0 ? Bind(index, value) : *this;
  }

  // Steps once: true when a row is ready, false when done.
  Result<bool> Next() { return statement_->Step(); }
  // Runs a statement that returns no rows (Statement::RunWithoutRows).
  Status Run() { return statement_->RunWithoutRows(); }
  // For INSERT … RETURNING id: steps to completion, expecting one row, and
  // returns its first column; the optional one is empty when no row came back
  // (ON CONFLICT DO NOTHING).
  Result<int64_t> RunReturning();
  Result<std::optional<int64_t>> RunReturningIfAny();

  int64_t Int(int column) const { return statement_->ColumnInt(column); }
  std::string Text(int column) const { return statement_->ColumnText(column); }
  std::optional<std::string> OptText(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Text(column);
  }
  bool IsNull(int column) const { return statement_->ColumnIsNull(column); }
  int ColumnCount() const { return statement_->ColumnCount(); }
  std::string ColumnName(int column) const { return statement_->ColumnName(column); }

 private:
  Statement* statement_;
};

enum class OpenMode { kReadWrite, kReadOnly, kMemory };

class MarkedRows;

// One connection.
class Database {
 public:
  // A PostgreSQL database when `location` is a postgresql:// URI
  // (PostgresDatabase::Open); otherwise an SQLite file (created in
  // kReadWrite) or, in kMemory, a private in-memory database
  // (SqliteDatabase::Open).
  static Result<std::unique_ptr<Database>> Open(const std::string& location, OpenMode mode);
  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Backend backend() const = 0;
  // "sqlite" or "postgresql", and the version of the library or server.
  std::string BackendName() const { return backend() == Backend::kPostgres ? "postgresql" : "sqlite"; }
  virtual std::string ServerVersion() const = 0;

  // `sql` must be a string constant: it keys the statement cache.
  virtual Result<Query> Prepare(const char* sql) = 0;
  // For SQL assembled from fixed fragments (never from input: values go in
  // ? placeholders); cached by its text.
  virtual Result<Query> PrepareText(const std::string& sql) = 0;
  // PrepareText for a statement over a list of values (InListSql, or a
  // VALUES list joined to a table that grows), which PostgreSQL plans for its
  // values each time it runs: a plan cached while a table was small scans it
  // whole once it has grown (a prepared statement keeps a generic plan, made
  // for a list of unknown length).
  virtual Result<Query> PrepareForList(const std::string& sql) { return PrepareText(sql); }
  // Runs SQL text with no parameters and no rows (schema, tests).
  virtual Status Execute(std::string_view sql) = 0;
  // The rows the last INSERT, UPDATE or DELETE changed.
  virtual int Changes() const = 0;
  // From another thread: the statement running now fails soon (a long check at shutdown).
  virtual void Interrupt() = 0;

  // Transaction control. BeginWrite starts a transaction that writes (SQLite:
  // BEGIN IMMEDIATE, taking the write lock at once). Savepoints nest inside it;
  // every request and worker step takes one.
  virtual Status BeginWrite() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // A read-only transaction on one consistent snapshot (backups, copies);
  // ended with Rollback().
  virtual Status BeginSnapshot() = 0;
  virtual Status BeginSavepoint() = 0;
  virtual Status ReleaseSavepoint() = 0;
  virtual Status RollbackToSavepoint() = 0;
  // For a batch of units (requests) in one transaction. After
  // ReleaseUnitsBehind, PostgreSQL releases a savepoint without a round trip
  // of its own (written behind like a write), so a write of one unit may
  // fail only in a later unit's statement. ConfirmUnits ends that: it sends
  // what waits and is not OK when anything failed since, and then the
  // transaction must be rolled back and its units run again, each released
  // on its own (Dispatcher::ExecuteBatch). SQLite: no effect, always OK.
  virtual void ReleaseUnitsBehind() {}
  virtual Status ConfirmUnits() { return Status::Ok(); }

  // Inside a migration's transaction, before reading the schema version: waits
  // until no other martd is migrating the same database (PostgreSQL: an
  // advisory lock; SQLite's BEGIN IMMEDIATE already excludes other writers).
  virtual Status LockForMigration() { return Status::Ok(); }
  // The schema version the migrations left (0: a new database), and setting
  // it inside a migration's transaction.
  virtual Result<int> SchemaVersion() = 0;
  virtual Status SetSchemaVersion(int version) = 0;
  // The highest id `table`'s id column has handed out, deleted rows included
  // (AUTOINCREMENT, identity), and raising it: ids are never handed out twice,
  // in a copy too.
  virtual Result<int64_t> IdHighWater(std::string_view table) = 0;
  virtual Status RaiseIdHighWater(std::string_view table, int64_t value) = 0;
  // Whether the database has a table of this name.
  virtual Result<bool> HasTable(std::string_view name) = 0;
  // The backend's own check of its files or pages; an error names what is wrong.
  virtual Status QuickCheck() = 0;
  // The backend's full structural check: up to `limit` problems, none when sound.
  virtual Result<std::vector<std::string>> IntegrityProblems(int64_t limit) = 0;

  // Whether a transaction is open on this connection.
  virtual bool InTransaction() const = 0;
  // Changes at every BEGIN, COMMIT, ROLLBACK and ROLLBACK TO: a value read
  // inside a write transaction stays true while the epoch is unchanged, since
  // only this connection's own statements can change it then (EventStore's
  // last sequence number).
  uint64_t write_epoch() const { return write_epoch_; }

  // Rows that wait to be written (DeferredRows made with this Database) follow
  // the savepoints (class Savepoint calls these): rolling back to a savepoint
  // drops the rows added since it began. A row added before a savepoint but
  // written inside it is gone from the database when that savepoint rolls back
  // and no longer waits either: DeferredRowsLost says so once, and the caller
  // must roll back and run its units again (Dispatcher::ExecuteBatch).
  void MarkDeferredRows();
  void UnmarkDeferredRows(bool rolled_back);
  bool DeferredRowsLost() { return std::exchange(deferred_rows_lost_, false); }

  // While set (Store::DeferAppends), a statement that names one of `tables`
  // (anywhere in its text: a reader, a writer, a join) first has `write`
  // write what waits, so that nothing reads or changes those tables around
  // rows that wait. `tables` must outlive the setting.
  void WriteWaitingBefore(const std::vector<std::string_view>* tables,
                          std::function<Status()> write);
  void StopWritingWaiting();
  // Whether such a write is set and not running now: a store's own write of
  // what waits then runs it (WriteAllWaiting) instead, so that every table is
  // written, in its order, and none from inside another's write.
  bool WaitingWriteIdle() const { return waiting_write_ && !writing_waiting_; }
  Status WriteAllWaiting();
  // While a batch's reads are read ahead (Store::ReadAhead): a statement
  // that may change one of `tables` (any statement but a SELECT whose text
  // names one) first calls `forget`, so that rows read ahead are never
  // answered after a change to them, nor after a rollback of one. `tables`
  // must outlive the setting; StopForgetting ends every one.
  void ForgetOnWrite(const std::vector<std::string_view>* tables, std::function<void()> forget);
  void StopForgetting() { forgetters_.clear(); }
  // Prepare without writing what waits first, for a statement that reads
  // only rows of which none waits.
  Result<Query> PrepareAsIs(const char* sql) {
    const bool writing = std::exchange(writing_waiting_, true);
    Result<Query> q = Prepare(sql);
    writing_waiting_ = writing;
    return q;
  }

 protected:
  Database() = default;
  void NextWriteEpoch() { ++write_epoch_; }
  // Each backend's Prepare, PrepareText and PrepareForList call this first:
  // ForgetOnWrite's and WriteWaitingBefore's checks.
  Status BeforeStatement(std::string_view sql) {
    if (!forgetters_.empty()) ForgetIfWritten(sql);
    return waiting_write_ ? WriteWaitingIfNamed(sql) : Status::Ok();
  }

 private:
  friend class MarkedRows;
  struct Forgetter {
    const std::vector<std::string_view>* tables;
    std::function<void()> forget;
  };
  Status WriteWaitingIfNamed(std::string_view sql);
  void ForgetIfWritten(std::string_view sql);

  uint64_t write_epoch_ = 0;
  std::vector<MarkedRows*> marked_rows_;
  bool deferred_rows_lost_ = false;
  const std::vector<std::string_view>* waiting_tables_ = nullptr;
  std::function<Status()> waiting_write_;
  bool writing_waiting_ = false;
  std::vector<Forgetter> forgetters_;
};

// Statements this process has executed on any store connection (BEGIN, COMMIT
// and savepoints included; a statement's rows are one execution): the cost of a
// workload in statements, which on PostgreSQL are round trips. daemon.status
// reports it to admins; mart-bench divides it by the orders placed.
void CountStatement();
uint64_t StatementsExecuted();
// Of those, the round trips to a PostgreSQL server (several statements go in
// one when written behind; see postgres_database.h); 0 on SQLite.
void CountRoundTrip();
uint64_t RoundTrips();
// PostgreSQL batches whose shared transaction was rolled back and run again one
// request at a time (Dispatcher::ExecuteBatch): what the group commit lost.
void CountBatchRunAgain();
uint64_t BatchesRunAgain();

// Whether a store location names a PostgreSQL database (postgresql:// or postgres://).
bool IsPostgresLocation(std::string_view location);

// The location with any password replaced by ***, for messages and logs.
std::string RedactLocation(std::string_view location);

// SQL for a statement over many rows or values: `item` `count` times, joined
// by ", " (Repeated("(?, ?)", 2) is "(?, ?), (?, ?)"). Each distinct text is
// a statement of its own in the connection's cache.
std::string Repeated(std::string_view item, size_t count);
// For a statement over `count` rows: the row counts to split them into, each
// a power of two of at most kMostRowsAtOnce, largest first (100 rows: 64,
// 32, 4), so that a table's multi-row statements are a few texts whatever
// the count, each prepared once.
constexpr size_t kMostRowsAtOnce = 64;
std::vector<size_t> RowChunks(size_t count);
// Calls insert(first, n) for each of the RowChunks of `rows`, in order.
template <class Row, class Insert>
Status InChunks(const std::vector<Row>& rows, Insert insert) {
  size_t done = 0;
  for (size_t chunk : RowChunks(rows.size())) {
    Status status = insert(rows.data() + done, chunk);
    if (!status.ok()) return status;
    done += chunk;
  }
  return Status::Ok();
}

// The savepoints' view of a DeferredRows made with a Database (see
// Database::MarkDeferredRows): rows are numbered as they are added, and a
// savepoint remembers the number the next one gets.
class MarkedRows {
 public:
  MarkedRows(const MarkedRows&) = delete;
  MarkedRows& operator=(const MarkedRows&) = delete;

 protected:
  // Registers with `db` (none: the rows ignore savepoints).
  explicit MarkedRows(Database* db);
  virtual ~MarkedRows();
  // Before the rows that wait are taken to be written: each open savepoint
  // they began before has lent them to it.
  void Taking(size_t waiting);
  // The rows that wait are numbered from here.
  uint64_t first_waiting_ = 0;

 private:
  friend class Database;
  virtual size_t Waiting() const = 0;
  virtual void KeepFirst(size_t count) = 0;
  void Mark() { marks_.push_back({first_waiting_ + Waiting(), false}); }
  // Whether a row this savepoint was lent is lost (rolled back).
  bool Unmark(bool rolled_back);

  struct Point {
    uint64_t next;      // the number of the first row added inside
    bool lent = false;  // rows added before it were written inside it
  };
  Database* db_;
  std::vector<Point> marks_;
};

// Rows of one table that wait to be written set-wise: a worker's page leaves
// them for its end (Store::DeferWrites), a batch of requests for its end
// (Store::DeferAppends). While deferring, the store's append adds the row
// here instead of writing it, and the store writes what waits, set-wise,
// before it reads the table and when the page or batch ends. Made with a
// Database, the rows follow its savepoints: for rows that are only ever
// appended (a merge into a row that waits would not be undone).
template <class Row>
class DeferredRows final : public MarkedRows {
 public:
  explicit DeferredRows(Database* db = nullptr) : MarkedRows(db) {}
  bool deferring() const { return deferring_; }
  void Start() { deferring_ = true; }
  // Ends the deferral and drops what waits (the page was undone).
  void Stop() {
    deferring_ = false;
    first_waiting_ += rows_.size();
    rows_.clear();
  }
  void Add(Row row) { rows_.push_back(std::move(row)); }
  // A row that waits, to merge a later change into it; `i` < size().
  size_t size() const { return rows_.size(); }
  Row& operator[](size_t i) { return rows_[i]; }
  const Row& back() const { return rows_.back(); }
  // What waits, taken to be written; the deferral goes on.
  std::vector<Row> Take() {
    Taking(rows_.size());
    return std::exchange(rows_, {});
  }

 private:
  size_t Waiting() const override { return rows_.size(); }
  void KeepFirst(size_t count) override {
    if (count < rows_.size()) {
      rows_.erase(rows_.begin() + static_cast<std::ptrdiff_t>(count), rows_.end());
    }
  }

  bool deferring_ = false;
  std::vector<Row> rows_;
};

// Rows a store read ahead for a batch of requests (Store::ReadAhead): for
// each key asked, its row or that there is none. The store answers a key it
// holds from here, and asks the database for any other.
template <class Key, class Row>
class ReadAheadRows {
 public:
  ReadAheadRows() = default;
  // Every key asked, none found yet: a key Found never gives is missing.
  explicit ReadAheadRows(const std::vector<Key>& asked) {
    for (const Key& key : asked) rows_.emplace(key, std::nullopt);
  }
  void Found(const Key& key, Row row) { rows_[key] = std::move(row); }
  // nullptr when `key` was not read ahead; else its row, or nullopt.
  const std::optional<Row>* Find(const Key& key) const {
    auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second;
  }
  void Forget() { rows_.clear(); }

 private:
  std::map<Key, std::optional<Row>> rows_;
};

// A test that a column is one of `count` values, after the column's name, in
// a statement from PrepareForList (or PrepareText where planning each time
// would cost more than a plan cached while the table was smaller).
// "IN (?, ?, …)" with the next power of two at or above count placeholders,
// so lists whose length varies share a few statements, and BindInList
// repeats the last value to fill it; on PostgreSQL only up to 8 values, and
// a longer list is "= ANY (?)", one array parameter that BindInList binds as
// an array literal (a list padded to hundreds of parameters cost the server
// more in building and comparing its array than the query). `count` > 0.
std::string InListSql(const Database& db, size_t count);
// How many parameters InListSql(db, count) takes: for a statement with a
// second list, whose values bind after the first's.
int InListParameters(const Database& db, size_t count);
void BindInList(const Database& db, Query& q, int first, const std::vector<std::string>& values);
void BindInList(const Database& db, Query& q, int first, const std::vector<int64_t>& values);

// BeginWrite on construction; rolls back on destruction unless Commit().
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Status status() const { return status_; }
  Status Commit();
  // Rolls back what the transaction did and begins it again.
  Status Restart();

 private:
  Database& db_;
  Status status_;
  bool open_ = false;
};

// A savepoint inside a transaction; rolls back to it on destruction unless Release().
class Savepoint {
 public:
  explicit Savepoint(Database& db);
  ~Savepoint();
  Status status() const { return status_; }
  Status Release();

 private:
  Database& db_;
  Status status_;
  bool open_ = false;
};

}  // namespace mart::store
