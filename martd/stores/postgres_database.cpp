#include "stores/postgres_database.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace mart::store {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Copies a quoted run starting at sql[i] (the quote) through its closing
// quote; a doubled quote inside is an escaped one. Returns the index after it.
size_t CopyQuoted(std::string_view sql, size_t i, std::string& out) {
  const char quote = sql[i];
  out += sql[i++];
  while (i < sql.size()) {
    out += sql[i];
    if (sql[i++] == quote) {
      if (i < sql.size() && sql[i] == quote) {
        out += sql[i++];
        continue;
      }
      break;
    }
  }
  return i;
}

// The server's message without libpq's "ERROR:  " prefix and trailing newline.
std::string Trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (text.rfind(prefix, 0) == 0) text.erase(0, std::strlen(prefix));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void IgnoreNotice(void*, const char*) {}

// The one advisory lock key of schema migrations (the ASCII of "mart").
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(1835102836)";
// The writer lock (the ASCII of "mrtw", and the schema: stores in other
// schemas of the database are other shops): every write transaction of every
// martd on the store takes it first, so writes run one transaction at a time
// across instances, as on one instance's store thread (see the header).
constexpr const char* kWriterLock =
    "SELECT pg_advisory_xact_lock(1836217463, hashtext(current_schema()))";
// The writer's session: a wait for the writer lock (or any row lock) ends
// with "database is busy" (UNAVAILABLE, which clients retry) rather than
// never; a martd that stops talking in the middle of a transaction (its host
// gone, the connection not yet seen dead) loses it, and the lock with it,
// instead of holding every other instance's writes.
constexpr const char* kWriterSettings =
    "SET client_min_messages = warning; SET lock_timeout = '10s'; "
    "SET idle_in_transaction_session_timeout = '15s'; SET tcp_keepalives_idle = 5; "
    "SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3";

}  // namespace

PostgresSql RewritePlaceholders(std::string_view sql) {
  PostgresSql out;
  out.text.reserve(sql.size() + 8);
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      i = CopyQuoted(sql, i, out.text);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = std::min(sql.find('\n', i), sql.size());
      out.text.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const size_t close = sql.find("*/", i + 2);
      const size_t end = close == std::string_view::npos ? sql.size() : close + 2;
      out.text.append(sql.substr(i, end - i));
      i = end;
    } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
      out.text += "::";
      i += 2;
    } else if (c == '?') {
      size_t end = i + 1;
      while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
      int number = end > i + 1 ? std::atoi(std::string(sql.substr(i + 1, end - i - 1)).c_str())
                               : out.parameters + 1;
      out.parameters = std::max(out.parameters, number);
      out.text += "$" + std::to_string(number);
      i = end;
    } else if (c == ':' && i + 1 < sql.size() && IsNameStart(sql[i + 1])) {
      size_t end = i + 1;
      while (end < sql.size() && IsNameChar(sql[end])) ++end;
      const std::string name(sql.substr(i, end - i));
      int number = 0;
      for (const auto& [known, index] : out.names) {
        if (known == name) number = index;
      }
      if (number == 0) {
        number = ++out.parameters;
        out.names.emplace_back(name, number);
      }
      out.text += "$" + std::to_string(number);
      i = end;
    } else {
      out.text += c;
      ++i;
    }
  }
  return out;
}

// ---- statements ----

PostgresStatement::PostgresStatement(PostgresDatabase& db, PostgresSql sql)
    : db_(db),
      sql_(std::move(sql)),
      name_("m" + std::to_string(++db.next_statement_)),
      values_(sql_.parameters),
      is_null_(sql_.parameters, true) {}

PostgresStatement::~PostgresStatement() {
  if (result_ != nullptr) PQclear(result_);
}

void PostgresStatement::BindInt(int index, int64_t value) {
  if (index < 1 || index > sql_.parameters) return;
  values_[index - 1] = std::to_string(value);
  is_null_[index - 1] = false;
}

void PostgresStatement::BindText(int index, std::string_view value) {
  if (index < 1 || index > sql_.parameters) return;
  values_[index - 1].assign(value);
  is_null_[index - 1] = false;
}

void PostgresStatement::BindNull(int index) {
  if (index < 1 || index > sql_.parameters) return;
  is_null_[index - 1] = true;
}

int PostgresStatement::NamedIndex(const char* name) const {
  for (const auto& [known, index] : sql_.names) {
    if (known == name) return index;
  }
  return 0;
}

// The rows an INSERT, UPDATE or DELETE changed, as sqlite3_changes counts
// them; -1 for other commands.
int ChangedRows(PGresult* result) {
  const char* command = PQcmdStatus(result);
  if (std::strncmp(command, "INSERT", 6) == 0 || std::strncmp(command, "UPDATE", 6) == 0 ||
      std::strncmp(command, "DELETE", 6) == 0) {
    return std::atoi(PQcmdTuples(result));
  }
  return -1;
}

Result<bool> PostgresStatement::Step() {
  if (result_ != nullptr) {
    ++row_;
    return row_ < PQntuples(result_);
  }
  PGresult* result = nullptr;
  if (!db_.queued_.empty() || !db_.failed_earlier_.ok()) {
    MART_RETURN_IF_ERROR(db_.RoundTrip(this, &result));
  } else {
    std::vector<const char*> values(sql_.parameters);
    for (int i = 0; i < sql_.parameters; ++i) {
      values[i] = is_null_[i] ? nullptr : values_[i].c_str();
    }
    // A read-only connection outside a transaction asks again once on a new
    // connection when the old one broke: a read has no effect to repeat.
    for (int attempt = 0;; ++attempt) {
      MART_RETURN_IF_ERROR(db_.EnsureConnected());
      if (db_.in_transaction_) db_.transaction_sent_ = true;
      PGresult* failed = nullptr;
      if (planned_each_run_) {
        CountStatement();
        CountRoundTrip();
        result = PQexecParams(db_.conn_, sql_.text.c_str(), sql_.parameters, nullptr,
                              values.data(), nullptr, nullptr, 0);
        const ExecStatusType status = PQresultStatus(result);
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) break;
        failed = result;
      } else if (prepared_on_ != db_.generation_) {
        PGresult* prepared = PQprepare(db_.conn_, name_.c_str(), sql_.text.c_str(),
                                       sql_.parameters, nullptr);
        if (PQresultStatus(prepared) == PGRES_COMMAND_OK) {
          PQclear(prepared);
          prepared_on_ = db_.generation_;
        } else {
          failed = prepared;
        }
      }
      if (failed == nullptr && !planned_each_run_) {
        CountStatement();
        CountRoundTrip();
        result = PQexecPrepared(db_.conn_, name_.c_str(), sql_.parameters, values.data(),
                                nullptr, nullptr, 0);
        const ExecStatusType status = PQresultStatus(result);
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) break;
        failed = result;
      }
      const bool again = attempt == 0 && db_.mode_ == OpenMode::kReadOnly &&
                         !db_.in_transaction_ && PQstatus(db_.conn_) != CONNECTION_OK;
      if (!again) return db_.Failure(failed, sql_.text);
      PQclear(failed);
    }
    if (const int changed = ChangedRows(result); changed >= 0) db_.changes_ = changed;
  }
  result_ = result;
  row_ = 0;
  return PQntuples(result_) > 0;
}

// Inside a write transaction: queued with a copy of its values, sent with
// the next round trip.
Status PostgresStatement::RunWithoutRows() {
  if (!db_.WritesBehind()) return Statement::RunWithoutRows();
  PostgresDatabase::Queued queued;
  queued.statement = this;
  queued.values = values_;
  queued.is_null = is_null_;
  db_.queued_.push_back(std::move(queued));
  // Bounded: the server's answers to a long queue would fill the socket
  // while the queue is still being sent (a bulk copy queues every row).
  if (db_.queued_.size() >= PostgresDatabase::kMaxQueued) return db_.RoundTrip(nullptr, nullptr);
  return Status::Ok();
}

int64_t PostgresStatement::ColumnInt(int column) const {
  if (result_ == nullptr || PQgetisnull(result_, row_, column)) return 0;
  const char* text = PQgetvalue(result_, row_, column);
  if (text[0] == 't' && text[1] == '\0') return 1;  // booleans
  if (text[0] == 'f' && text[1] == '\0') return 0;
  return std::strtoll(text, nullptr, 10);
}

std::string PostgresStatement::ColumnText(int column) const {
  if (result_ == nullptr || PQgetisnull(result_, row_, column)) return std::string();
  return std::string(PQgetvalue(result_, row_, column),
                     static_cast<size_t>(PQgetlength(result_, row_, column)));
}

bool PostgresStatement::ColumnIsNull(int column) const {
  return result_ == nullptr || PQgetisnull(result_, row_, column) != 0;
}

int PostgresStatement::ColumnCount() const { return result_ != nullptr ? PQnfields(result_) : 0; }

std::string PostgresStatement::ColumnName(int column) const {
  const char* name = result_ != nullptr ? PQfname(result_, column) : nullptr;
  return name != nullptr ? name : "";
}

void PostgresStatement::Reset() {
  if (result_ != nullptr) PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  std::fill(is_null_.begin(), is_null_.end(), true);
}

// ---- the connection ----

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const std::string& conninfo,
                                                                 OpenMode mode) {
  if (mode == OpenMode::kMemory) {
    return InvalidArgument("a PostgreSQL store cannot be opened in memory");
  }
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(conn, mode));
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return Unavailable("cannot connect to PostgreSQL at " + RedactLocation(conninfo) + ": " +
                       Trimmed(conn != nullptr ? PQerrorMessage(conn) : "out of memory"));
  }
  MART_RETURN_IF_ERROR(db->Connected());
  return db;
}

Status PostgresDatabase::Connected() {
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
  {
    std::lock_guard lock(cancel_mutex_);
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    cancel_ = PQgetCancel(conn_);
  }
  const char* settings =
      mode_ == OpenMode::kReadOnly
          ? "SET client_min_messages = warning; SET default_transaction_read_only = on"
          : kWriterSettings;
  PGresult* result = PQexec(conn_, settings);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) return Failure(result, settings);
  PQclear(result);
  return Status::Ok();
}

PostgresDatabase::~PostgresDatabase() {
  cache_.clear();
  text_cache_.clear();
  list_cache_.clear();
  {
    std::lock_guard lock(cancel_mutex_);
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    cancel_ = nullptr;
  }
  if (conn_ != nullptr) PQfinish(conn_);
}

Status PostgresDatabase::EnsureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  // A transaction that sent nothing yet has nothing to lose.
  if (in_transaction_ && transaction_sent_) {
    return Unavailable("the connection to PostgreSQL was lost during a transaction");
  }
  return Reconnect();
}

Status PostgresDatabase::Reconnect() {
  PQreset(conn_);
  if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) (void)PQexitPipelineMode(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Unavailable("cannot reconnect to PostgreSQL: " + Trimmed(PQerrorMessage(conn_)));
  }
  ++generation_;  // every statement is prepared again on the new connection
  return Connected();
}

Status PostgresDatabase::Failure(PGresult* result, std::string_view context) {
  Status failure = FailureOf(result, context);
  if (units_behind_ && units_failed_.ok()) units_failed_ = failure;
  return failure;
}

Status PostgresDatabase::FailureOf(PGresult* result, std::string_view context) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  std::string message = result != nullptr ? Trimmed(PQresultErrorMessage(result)) : "";
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
  if (message.empty() && result != nullptr) message = PQresStatus(PQresultStatus(result));
  if (result != nullptr) PQclear(result);
  if (PQstatus(conn_) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 ||
      sqlstate.rfind("57P", 0) == 0) {
    return Unavailable("the connection to PostgreSQL was lost: " + message);
  }
  if (sqlstate.rfind("53", 0) == 0) return Unavailable("PostgreSQL is out of resources: " + message);
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return Unavailable("database is busy: " + message);
  }
  if (sqlstate == "25006") return Unavailable("database cannot be written: " + message);
  return Internal("database error (" + message + ") in: " + std::string(context.substr(0, 80)));
}

Result<Query> PostgresDatabase::Prepare(const char* sql) {
  MART_RETURN_IF_ERROR(BeforeStatement(sql));
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Query(it->second.get());
  auto [added, inserted] =
      cache_.emplace(sql, std::make_unique<PostgresStatement>(*this, RewritePlaceholders(sql)));
  return Query(added->second.get());
}

Result<Query> PostgresDatabase::PrepareText(const std::string& sql) {
  MART_RETURN_IF_ERROR(BeforeStatement(sql));
  auto it = text_cache_.find(sql);
  if (it != text_cache_.end()) return Query(it->second.get());
  auto [added, inserted] =
      text_cache_.emplace(sql, std::make_unique<PostgresStatement>(*this, RewritePlaceholders(sql)));
  return Query(added->second.get());
}

Result<Query> PostgresDatabase::PrepareForList(const std::string& sql) {
  MART_RETURN_IF_ERROR(BeforeStatement(sql));
  auto it = list_cache_.find(sql);
  if (it == list_cache_.end()) {
    auto statement = std::make_unique<PostgresStatement>(*this, RewritePlaceholders(sql));
    it = list_cache_.emplace(sql, std::move(statement)).first;
    it->second->planned_each_run_ = true;
  }
  return Query(it->second.get());
}

Status PostgresDatabase::Execute(std::string_view sql) {
  if (!queued_.empty()) MART_RETURN_IF_ERROR(RoundTrip(nullptr, nullptr));
  MART_RETURN_IF_ERROR(EnsureConnected());
  if (in_transaction_) transaction_sent_ = true;
  const std::string text(sql);
  CountStatement();
  CountRoundTrip();
  PGresult* result = PQexec(conn_, text.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Failure(result, text);
  PQclear(result);
  return Status::Ok();
}

Status PostgresDatabase::Command(const char* sql) {
  if (!queued_.empty()) MART_RETURN_IF_ERROR(RoundTrip(nullptr, nullptr));
  if (in_transaction_) transaction_sent_ = true;
  CountStatement();
  CountRoundTrip();
  PGresult* result = PQexec(conn_, sql);
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Failure(result, sql);
  // COMMIT of a transaction that failed earlier rolls back and says so.
  const bool rolled_back = std::strcmp(sql, "COMMIT") == 0 &&
                           std::strcmp(PQcmdStatus(result), "ROLLBACK") == 0;
  PQclear(result);
  if (rolled_back) return Internal("the transaction failed earlier and was rolled back");
  return Status::Ok();
}

void PostgresDatabase::Interrupt() {
  std::lock_guard lock(cancel_mutex_);
  if (cancel_ == nullptr) return;
  char error[256];
  (void)PQcancel(cancel_, error, sizeof error);
}

int PostgresDatabase::Changes() const {
  if (QueueHasStatements()) {
    // The count is of the last statement; a failure comes back with the
    // next statement or the commit, which find the transaction failed.
    auto* self = const_cast<PostgresDatabase*>(this);
    Status sent = self->RoundTrip(nullptr, nullptr);
    if (!sent.ok()) {
      self->failed_earlier_ = sent;
      return 0;
    }
  }
  return changes_;
}

void PostgresDatabase::Enqueue(const char* control) {
  Queued queued;
  queued.control = control;
  queued_.push_back(std::move(queued));
}

bool PostgresDatabase::QueueHasStatements() const {
  return std::any_of(queued_.begin(), queued_.end(),
                     [](const Queued& queued) { return queued.statement != nullptr; });
}

Status PostgresDatabase::SendOne(PostgresStatement& statement,
                                 const std::vector<std::string>& values,
                                 const std::vector<bool>& is_null,
                                 std::vector<PostgresStatement*>* sent,
                                 std::vector<bool>* prepares) {
  std::vector<const char*> pointers(values.size());
  for (size_t i = 0; i < values.size(); ++i) pointers[i] = is_null[i] ? nullptr : values[i].c_str();
  if (statement.planned_each_run_) {
    CountStatement();
    if (PQsendQueryParams(conn_, statement.sql_.text.c_str(), static_cast<int>(values.size()),
                          nullptr, pointers.data(), nullptr, nullptr, 0) != 1) {
      return Failure(nullptr, statement.sql_.text);
    }
    sent->push_back(&statement);
    prepares->push_back(false);
    return Status::Ok();
  }
  if (statement.prepared_on_ != generation_) {
    if (PQsendPrepare(conn_, statement.name_.c_str(), statement.sql_.text.c_str(),
                      statement.sql_.parameters, nullptr) != 1) {
      return Failure(nullptr, statement.sql_.text);
    }
    sent->push_back(&statement);
    prepares->push_back(true);
    // Taken as prepared for the rest of this round trip (a statement may be
    // queued many times); undone below if the PREPARE fails.
    statement.prepared_on_ = generation_;
  }
  CountStatement();
  if (PQsendQueryPrepared(conn_, statement.name_.c_str(), static_cast<int>(values.size()),
                          pointers.data(), nullptr, nullptr, 0) != 1) {
    return Failure(nullptr, statement.sql_.text);
  }
  sent->push_back(&statement);
  prepares->push_back(false);
  return Status::Ok();
}

Status PostgresDatabase::RoundTrip(PostgresStatement* last, PGresult** result) {
  if (!failed_earlier_.ok()) return failed_earlier_;
  std::vector<Queued> queue = std::move(queued_);
  queued_.clear();
  for (OpenSavepoint& savepoint : savepoints_) savepoint.queued_at = -1;
  // With BEGIN in the queue nothing of the transaction ran before: on a
  // connection that turns out broken it begins again on a new one, unless
  // the queue also holds its COMMIT (whose outcome is then unknown).
  const bool fresh =
      in_transaction_ && !transaction_sent_ &&
      std::none_of(queue.begin(), queue.end(), [](const Queued& queued) {
        return queued.control != nullptr && std::strcmp(queued.control, "COMMIT") == 0;
      });
  Status status = SendAndReceive(queue, last, result);
  if (!status.ok() && fresh && PQstatus(conn_) != CONNECTION_OK) {
    transaction_sent_ = false;
    MART_RETURN_IF_ERROR(Reconnect());
    status = SendAndReceive(queue, last, result);
  }
  return status;
}

Status PostgresDatabase::SendAndReceive(const std::vector<Queued>& queue,
                                        PostgresStatement* last, PGresult** result) {
  MART_RETURN_IF_ERROR(EnsureConnected());
  if (in_transaction_) transaction_sent_ = true;
  if (PQenterPipelineMode(conn_) != 1) return Failure(nullptr, "entering pipeline mode");
  // What was sent, in order: a statement (its PREPARE or its execution), or
  // nullptr for a control command (its text in `controls`).
  std::vector<PostgresStatement*> sent;
  std::vector<bool> prepares;
  std::vector<const char*> controls;
  Status status;
  for (const Queued& queued : queue) {
    if (queued.control != nullptr) {
      CountStatement();
      if (PQsendQueryParams(conn_, queued.control, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
        status = Failure(nullptr, queued.control);
        break;
      }
      sent.push_back(nullptr);
      prepares.push_back(false);
      controls.push_back(queued.control);
    } else {
      status = SendOne(*queued.statement, queued.values, queued.is_null, &sent, &prepares);
      if (!status.ok()) break;
    }
  }
  if (status.ok() && last != nullptr) {
    status = SendOne(*last, last->values_, last->is_null_, &sent, &prepares);
  }
  if (status.ok() && PQpipelineSync(conn_) != 1) status = Failure(nullptr, "pipeline sync");
  if (status.ok()) CountRoundTrip();
  if (!status.ok()) {
    (void)PQexitPipelineMode(conn_);
    return status;
  }
  // Each command's results end with a NULL; the sync's has none after it.
  size_t control = 0;
  PGresult* kept = nullptr;
  for (size_t i = 0; i < sent.size(); ++i) {
    PGresult* answer = PQgetResult(conn_);
    if (answer == nullptr) {
      if (status.ok()) status = Failure(nullptr, "pipeline");
      break;
    }
    const char* what = sent[i] != nullptr ? sent[i]->sql_.text.c_str() : controls[control];
    const ExecStatusType code = PQresultStatus(answer);
    if (code == PGRES_PIPELINE_ABORTED) {
      if (sent[i] != nullptr && prepares[i]) sent[i]->prepared_on_ = 0;
      PQclear(answer);  // skipped after an earlier failure
    } else if (code != PGRES_COMMAND_OK && code != PGRES_TUPLES_OK) {
      if (sent[i] != nullptr && prepares[i]) sent[i]->prepared_on_ = 0;
      if (status.ok()) {
        status = Failure(answer, what);
      } else {
        PQclear(answer);
      }
    } else if (sent[i] == nullptr) {
      // COMMIT of a transaction that failed earlier rolls back and says so.
      if (std::strcmp(what, "COMMIT") == 0 && std::strcmp(PQcmdStatus(answer), "ROLLBACK") == 0 &&
          status.ok()) {
        status = Internal("the transaction failed earlier and was rolled back");
      }
      PQclear(answer);
    } else if (prepares[i]) {
      PQclear(answer);
    } else {
      if (const int changed = ChangedRows(answer); changed >= 0) changes_ = changed;
      if (last != nullptr && i + 1 == sent.size()) {
        kept = answer;
      } else {
        PQclear(answer);
      }
    }
    if (sent[i] == nullptr) ++control;
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);  // the NULL after each
    if (PQstatus(conn_) != CONNECTION_OK) break;
  }
  if (PQstatus(conn_) == CONNECTION_OK) {
    PGresult* sync = PQgetResult(conn_);
    if (sync != nullptr && PQresultStatus(sync) != PGRES_PIPELINE_SYNC && status.ok()) {
      status = Failure(sync, "pipeline sync");
    } else if (sync != nullptr) {
      PQclear(sync);
    }
  }
  (void)PQexitPipelineMode(conn_);
  if (!status.ok() || (PQstatus(conn_) != CONNECTION_OK && status.ok())) {
    if (kept != nullptr) PQclear(kept);
    return status.ok() ? Failure(nullptr, "pipeline") : status;
  }
  if (result != nullptr) {
    *result = kept;
  } else if (kept != nullptr) {
    PQclear(kept);
  }
  return Status::Ok();
}

// BEGIN waits in the queue for the transaction's first statement; a
// connection found broken then had nothing in flight and is made again.
Status PostgresDatabase::BeginWrite() {
  NextWriteEpoch();
  savepoints_.clear();
  queued_.clear();
  MART_RETURN_IF_ERROR(EnsureConnected());
  if (mode_ != OpenMode::kReadWrite) {
    Status status = Command("BEGIN");
    in_transaction_ = status.ok();
    transaction_sent_ = in_transaction_;
    return status;
  }
  in_transaction_ = true;
  transaction_sent_ = false;
  Enqueue("BEGIN");
  Enqueue(kWriterLock);
  return Status::Ok();
}

Status PostgresDatabase::BeginSnapshot() {
  savepoints_.clear();
  queued_.clear();
  MART_RETURN_IF_ERROR(EnsureConnected());
  Status status = Command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  in_transaction_ = status.ok();
  transaction_sent_ = in_transaction_;
  return status;
}

// Whatever the answer, the transaction is over: committed, rolled back, or
// unknown when the connection broke (UNAVAILABLE; the next one reconnects).
Status PostgresDatabase::Commit() {
  NextWriteEpoch();
  if (!failed_earlier_.ok()) {
    Status failed = std::exchange(failed_earlier_, Status::Ok());
    (void)Rollback();
    return failed;
  }
  savepoints_.clear();
  units_behind_ = false;
  if (!transaction_sent_ && !QueueHasStatements()) {
    queued_.clear();  // nothing reached the server: nothing to commit
    in_transaction_ = false;
    return Status::Ok();
  }
  // Still in the transaction while COMMIT travels: a connection found broken
  // now is never replaced, or the queue's tail would run alone on a new one.
  Enqueue("COMMIT");
  Status status = RoundTrip(nullptr, nullptr);
  in_transaction_ = false;
  transaction_sent_ = false;
  // A failure before COMMIT left the transaction open on the server.
  if (!status.ok() && PQstatus(conn_) == CONNECTION_OK &&
      PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    (void)Command("ROLLBACK");
  }
  return status;
}

Status PostgresDatabase::Rollback() {
  NextWriteEpoch();
  savepoints_.clear();
  queued_.clear();
  units_behind_ = false;
  failed_earlier_ = Status::Ok();
  const bool sent = transaction_sent_;
  in_transaction_ = false;
  transaction_sent_ = false;
  if (!sent) return Status::Ok();  // nothing reached the server
  if (PQstatus(conn_) != CONNECTION_OK) return Status::Ok();  // the server rolled it back
  return Command("ROLLBACK");
}

// As in SQLite, a savepoint outside a transaction begins one, and releasing
// it commits; on a read-only connection it is none (see the header).
Status PostgresDatabase::BeginSavepoint() {
  if (!in_transaction_ && mode_ == OpenMode::kReadOnly) {
    savepoints_.push_back({SavepointKind::kNone});
    return Status::Ok();
  }
  const bool begin = !in_transaction_;
  if (begin) MART_RETURN_IF_ERROR(BeginWrite());
  if (!WritesBehind()) {
    Status status = Command("SAVEPOINT request");
    if (!status.ok()) {
      if (begin) (void)Rollback();
      return status;
    }
    savepoints_.push_back({begin ? SavepointKind::kBeganTransaction : SavepointKind::kNested});
    return Status::Ok();
  }
  Enqueue("SAVEPOINT request");
  savepoints_.push_back({begin ? SavepointKind::kBeganTransaction : SavepointKind::kNested,
                         static_cast<int>(queued_.size()) - 1});
  return Status::Ok();
}

Status PostgresDatabase::ReleaseSavepoint() {
  if (savepoints_.empty()) return Internal("no savepoint to release");
  const OpenSavepoint savepoint = savepoints_.back();
  savepoints_.pop_back();
  if (savepoint.kind == SavepointKind::kNone) return Status::Ok();
  Status status;
  if (savepoint.queued_at >= 0 && savepoint.queued_at + 1 == static_cast<int>(queued_.size())) {
    queued_.pop_back();  // nothing ran inside it: SAVEPOINT and RELEASE cancel out
  } else if (!WritesBehind()) {
    status = Command("RELEASE SAVEPOINT request");
  } else if ((!QueueHasStatements() || units_behind_) && failed_earlier_.ok()) {
    // Nothing of its own can fail now, or ConfirmUnits learns of it.
    Enqueue("RELEASE SAVEPOINT request");
  } else {
    // Its statements answer now, so that a failure is this savepoint's: then
    // its work is undone and the transaction goes on as if it never ran.
    Enqueue("RELEASE SAVEPOINT request");
    status = RoundTrip(nullptr, nullptr);
    failed_earlier_ = Status::Ok();  // reported here, and undone below
    queued_.clear();
    if (!status.ok() && PQstatus(conn_) == CONNECTION_OK) {
      NextWriteEpoch();
      Status undone = Command("ROLLBACK TO SAVEPOINT request");
      if (undone.ok()) undone = Command("RELEASE SAVEPOINT request");
      if (!undone.ok()) status = undone;
    }
  }
  if (savepoint.kind != SavepointKind::kBeganTransaction) return status;
  if (!status.ok()) {
    (void)Rollback();
    return status;
  }
  return Commit();
}

// Undoes what ran since the savepoint, which stays open. What waits in the
// queue after it never reached the server: dropped.
Status PostgresDatabase::RollbackToSavepoint() {
  if (savepoints_.empty()) return Internal("no savepoint to roll back to");
  const OpenSavepoint& savepoint = savepoints_.back();
  if (savepoint.kind == SavepointKind::kNone) return Status::Ok();
  NextWriteEpoch();
  failed_earlier_ = Status::Ok();  // what failed since the savepoint is undone
  if (savepoint.queued_at >= 0) {
    queued_.resize(static_cast<size_t>(savepoint.queued_at) + 1);
    return Status::Ok();
  }
  if (!WritesBehind()) return Command("ROLLBACK TO SAVEPOINT request");
  queued_.clear();  // all of it came after the savepoint, which was sent
  Enqueue("ROLLBACK TO SAVEPOINT request");
  return Status::Ok();
}

void PostgresDatabase::ReleaseUnitsBehind() {
  units_behind_ = WritesBehind();
  units_failed_ = Status::Ok();
}

Status PostgresDatabase::ConfirmUnits() {
  if (!units_behind_) return Status::Ok();
  Status sent = QueueHasStatements() ? RoundTrip(nullptr, nullptr) : failed_earlier_;
  units_behind_ = false;
  Status failed = std::exchange(units_failed_, Status::Ok());
  return failed.ok() ? sent : failed;
}

Status PostgresDatabase::LockForMigration() { return Command(kMigrationLock); }

Result<int> PostgresDatabase::SchemaVersion() {
  MART_ASSIGN_OR_RETURN(bool known, HasTable("mart_schema"));
  if (!known) return 0;
  MART_ASSIGN_OR_RETURN(Query q, Prepare("SELECT max(version) FROM mart_schema"));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? static_cast<int>(q.Int(0)) : 0;
}

Status PostgresDatabase::SetSchemaVersion(int version) {
  return Execute(
      "CREATE TABLE IF NOT EXISTS mart_schema (version BIGINT NOT NULL);"
      "DELETE FROM mart_schema;"
      "INSERT INTO mart_schema (version) VALUES (" + std::to_string(version) + ")");
}

// The sequence behind the identity column `id`: its last value once one was taken.
Result<int64_t> PostgresDatabase::IdHighWater(std::string_view table) {
  MART_ASSIGN_OR_RETURN(Query name, Prepare("SELECT pg_get_serial_sequence(?, 'id')"));
  name.Bind(1, table);
  MART_ASSIGN_OR_RETURN(bool row, name.Next());
  if (!row || name.IsNull(0)) return InvalidArgument("table " + std::string(table) + " has no id sequence");
  MART_ASSIGN_OR_RETURN(Query q, PrepareText("SELECT CASE WHEN is_called THEN last_value ELSE 0 END "
                                             "FROM " + name.Text(0)));
  MART_ASSIGN_OR_RETURN(bool seq, q.Next());
  return seq ? q.Int(0) : 0;
}

Status PostgresDatabase::RaiseIdHighWater(std::string_view table, int64_t value) {
  MART_ASSIGN_OR_RETURN(int64_t current, IdHighWater(table));
  if (value <= current) return Status::Ok();
  MART_ASSIGN_OR_RETURN(Query q, Prepare("SELECT setval(pg_get_serial_sequence(?, 'id'), ?, true)"));
  q.Bind(1, table).Bind(2, value);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  (void)row;
  return Status::Ok();
}

Result<bool> PostgresDatabase::HasTable(std::string_view name) {
  MART_ASSIGN_OR_RETURN(Query q, Prepare(
      "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
      "AND tablename = ?"));
  q.Bind(1, name);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row && q.Int(0) > 0;
}

Status PostgresDatabase::QuickCheck() {
  MART_ASSIGN_OR_RETURN(Query q, Prepare("SELECT 1"));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return Internal("PostgreSQL answered SELECT 1 with nothing");
  return Status::Ok();
}

// PostgreSQL checks its own pages (checksums, WAL); the structural check of
// SQLite's integrity_check has no counterpart without the amcheck extension,
// which needs a superuser. admin check's logical checks run on both backends.
Result<std::vector<std::string>> PostgresDatabase::IntegrityProblems(int64_t) {
  MART_RETURN_IF_ERROR(QuickCheck());
  return std::vector<std::string>();
}

std::string PostgresDatabase::ServerVersion() const {
  const int version = PQserverVersion(conn_);
  return std::to_string(version / 10000) + "." + std::to_string(version % 10000);
}

}  // namespace mart::store
