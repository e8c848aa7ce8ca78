#pragma once
// The PostgreSQL driver behind the store's seam (database.h), on libpq.
//
// The stores' statements are shared with SQLite: this driver rewrites their
// placeholders (?, ?N, :name) to $n when it prepares them, sends every value
// as text and lets the server infer each parameter's type from the
// statement, and reads booleans ('t'/'f') as 1/0. What differs in the
// schema (identity columns, COLLATE "C", the instr function) lives in the
// PostgreSQL migrations (postgres_schema.cpp).
//
// A connection that breaks (the server restarted, the network dropped) fails
// the statement running with UNAVAILABLE, including a COMMIT whose outcome is
// unknown; the next transaction reconnects and prepares its statements again.
//
// Round trips are the cost on PostgreSQL (each ~0.05 ms on a local socket), so
// inside a write transaction the driver writes behind (libpq's pipeline mode):
// what nobody waits for an answer to — BEGIN, SAVEPOINT, RELEASE, ROLLBACK TO
// and statements run without rows (Query::Run) — is queued and goes to the
// server with the next statement that must answer (a query, a RETURNING,
// Changes(), COMMIT), all in one round trip. A queued statement's failure is
// that round trip's failure; releasing a savepoint with statements queued
// sends them first, so that a failure stays with the request that caused it,
// and rolls that request back. A transaction that sent nothing commits or
// rolls back without a round trip. A savepoint outside a transaction on a
// read-only connection is none at all: each statement reads committed data,
// as it would inside one (READ COMMITTED), so a read is one round trip.
//
// Several martd may share one database (README "Running several martd"). A
// read-write connection's every transaction takes one advisory lock first
// (the writer lock, one per schema, queued behind BEGIN: no round trip of its
// own), held to
// COMMIT or ROLLBACK and dropped by the server when the connection dies. So
// writes run one transaction at a time across every instance, as they do on
// one instance's store thread, and everything the stores and services assume
// of a single writer holds: each statement after the lock sees every commit
// made before it (READ COMMITTED takes a snapshot per statement), stock
// checks and the event log's next number included. Waiting longer than
// lock_timeout (10 s) for it is UNAVAILABLE ("database is busy"); a writer
// idle inside a transaction for 15 s is ended by the server, so a hung or
// unreachable martd cannot keep the others from writing.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stores/database.h"

namespace mart::store {

class PostgresDatabase;

// The placeholders of a statement rewritten to PostgreSQL's $n: `?` takes
// the next number, `?N` the number N, `:name` one number per name. Quoted
// text, quoted names, comments and `::` casts are left alone.
struct PostgresSql {
  std::string text;
  int parameters = 0;
  std::vector<std::pair<std::string, int>> names;  // ":name" -> its number
};
PostgresSql RewritePlaceholders(std::string_view sql);

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresDatabase& db, PostgresSql sql);
  ~PostgresStatement() override;
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;

  void BindInt(int index, int64_t value) override;
  void BindText(int index, std::string_view value) override;
  void BindNull(int index) override;
  int NamedIndex(const char* name) const override;
  Result<bool> Step() override;
  Status RunWithoutRows() override;
  int64_t ColumnInt(int column) const override;
  std::string ColumnText(int column) const override;
  bool ColumnIsNull(int column) const override;
  int ColumnCount() const override;
  std::string ColumnName(int column) const override;
  void Reset() override;

 private:
  friend class PostgresDatabase;
  PostgresDatabase& db_;
  PostgresSql sql_;
  std::string name_;          // the server-side prepared statement
  uint64_t prepared_on_ = 0;  // the connection generation it was prepared on; 0: not yet
  bool planned_each_run_ = false;  // never prepared: sent with its text (PrepareForList)
  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  PGresult* result_ = nullptr;
  int row_ = -1;  // the current row of result_; -1 before the first Step
};

class PostgresDatabase final : public Database {
 public:
  // `conninfo` is a libpq connection URI (postgresql://…) or key=value string.
  // kReadOnly connections refuse writes (default_transaction_read_only).
  static Result<std::unique_ptr<PostgresDatabase>> Open(const std::string& conninfo,
                                                        OpenMode mode);
  ~PostgresDatabase() override;

  Backend backend() const override { return Backend::kPostgres; }
  Result<Query> Prepare(const char* sql) override;
  Result<Query> PrepareText(const std::string& sql) override;
  // Runs as an unnamed statement, parsed and planned with its values each time.
  Result<Query> PrepareForList(const std::string& sql) override;
  Status Execute(std::string_view sql) override;
  // Sends the statements queued, if any, to count theirs.
  int Changes() const override;
  void Interrupt() override;
  Status BeginWrite() override;
  Status Commit() override;
  Status Rollback() override;
  Status BeginSnapshot() override;
  Status BeginSavepoint() override;
  Status ReleaseSavepoint() override;
  Status RollbackToSavepoint() override;
  void ReleaseUnitsBehind() override;
  Status ConfirmUnits() override;
  bool InTransaction() const override { return in_transaction_; }
  Status LockForMigration() override;
  Result<int> SchemaVersion() override;
  Status SetSchemaVersion(int version) override;
  Result<int64_t> IdHighWater(std::string_view table) override;
  Status RaiseIdHighWater(std::string_view table, int64_t value) override;
  Result<bool> HasTable(std::string_view name) override;
  Status QuickCheck() override;
  Result<std::vector<std::string>> IntegrityProblems(int64_t limit) override;

  // The server's version, e.g. "15.18".
  std::string ServerVersion() const override;

 private:
  friend class PostgresStatement;
  PostgresDatabase(PGconn* conn, OpenMode mode) : conn_(conn), mode_(mode) {}

  // Reconnects a broken connection, outside a transaction only (inside one,
  // its work is lost and the caller must see the failure).
  Status EnsureConnected();
  // A failed result or connection as a Status; takes ownership of `result`.
  // Kept for ConfirmUnits while units are released behind.
  Status Failure(PGresult* result, std::string_view context);
  Status FailureOf(PGresult* result, std::string_view context);
  Status Command(const char* sql);
  Status Connected();  // after PQconnectdb/PQreset: settings, cancel handle

  // Write-behind (above). A command queued for the next round trip: a
  // transaction control command, or a statement with a copy of its values.
  struct Queued {
    const char* control = nullptr;
    PostgresStatement* statement = nullptr;
    std::vector<std::string> values;
    std::vector<bool> is_null;
  };
  // An open savepoint: whether it began the transaction (as SQLite's do
  // outside one) or is none (read-only, outside a transaction), and where
  // its SAVEPOINT waits in the queue (-1: sent).
  enum class SavepointKind { kNested, kBeganTransaction, kNone };
  struct OpenSavepoint {
    SavepointKind kind;
    int queued_at = -1;
  };
  static constexpr size_t kMaxQueued = 256;
  bool WritesBehind() const { return in_transaction_ && mode_ == OpenMode::kReadWrite; }
  void Enqueue(const char* control);
  bool QueueHasStatements() const;
  // Sends the queue, then `last` (when given), in one round trip; on success
  // *result holds last's result. The first failure is returned; the commands
  // after it did not run.
  Status RoundTrip(PostgresStatement* last, PGresult** result);
  Status SendAndReceive(const std::vector<Queued>& queue, PostgresStatement* last,
                        PGresult** result);
  Status SendOne(PostgresStatement& statement, const std::vector<std::string>& values,
                 const std::vector<bool>& is_null, std::vector<PostgresStatement*>* sent,
                 std::vector<bool>* prepares);
  Status Reconnect();

  PGconn* conn_;
  OpenMode mode_;
  uint64_t generation_ = 1;  // bumped by each reconnection
  uint64_t next_statement_ = 0;
  int changes_ = 0;
  bool in_transaction_ = false;  // BEGIN sent or queued, COMMIT or ROLLBACK not yet
  bool transaction_sent_ = false;  // the transaction has sent something to the server
  std::vector<Queued> queued_;
  std::vector<OpenSavepoint> savepoints_;
  // A queued statement's failure found by Changes(), which cannot return it:
  // the next round trip, RELEASE or COMMIT reports it; ROLLBACK TO clears it.
  Status failed_earlier_;
  // Between ReleaseUnitsBehind and ConfirmUnits: savepoints are released
  // behind, and the first failure since is kept for ConfirmUnits.
  bool units_behind_ = false;
  Status units_failed_;
  std::mutex cancel_mutex_;
  PGcancel* cancel_ = nullptr;
  std::unordered_map<const char*, std::unique_ptr<PostgresStatement>> cache_;
  std::unordered_map<std::string, std::unique_ptr<PostgresStatement>> text_cache_;
  std::unordered_map<std::string, std::unique_ptr<PostgresStatement>> list_cache_;
};

}  // namespace mart::store
