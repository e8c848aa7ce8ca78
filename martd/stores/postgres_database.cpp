#include "stores/postgres_database.h"

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

Result<bool> PostgresStatement::Step() {
  if (result_ != nullptr) {
    ++row_;
    return row_ < PQntuples(result_);
  }
  std::vector<const char*> values(sql_.parameters);
  for (int i = 0; i < sql_.parameters; ++i) {
    values[i] = is_null_[i] ? nullptr : values_[i].c_str();
  }
  PGresult* result = nullptr;
  // A read-only connection outside a transaction asks again once on a new
  // connection when the old one broke: a read has no effect to repeat.
  for (int attempt = 0;; ++attempt) {
    MART_RETURN_IF_ERROR(db_.EnsureConnected());
    PGresult* failed = nullptr;
    if (prepared_on_ != db_.generation_) {
      PGresult* prepared = PQprepare(db_.conn_, name_.c_str(), sql_.text.c_str(),
                                     sql_.parameters, nullptr);
      if (PQresultStatus(prepared) == PGRES_COMMAND_OK) {
        PQclear(prepared);
        prepared_on_ = db_.generation_;
      } else {
        failed = prepared;
      }
    }
    if (failed == nullptr) {
      CountStatement();
      result = PQexecPrepared(db_.conn_, name_.c_str(), sql_.parameters, values.data(), nullptr,
                              nullptr, 0);
      const ExecStatusType status = PQresultStatus(result);
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) break;
      failed = result;
    }
    const bool again = attempt == 0 && db_.mode_ == OpenMode::kReadOnly && !db_.in_transaction_ &&
                       PQstatus(db_.conn_) != CONNECTION_OK;
    if (!again) return db_.Failure(failed, sql_.text);
    PQclear(failed);
  }
  // Like sqlite3_changes: the rows the last INSERT, UPDATE or DELETE changed.
  const char* command = PQcmdStatus(result);
  if (std::strncmp(command, "INSERT", 6) == 0 || std::strncmp(command, "UPDATE", 6) == 0 ||
      std::strncmp(command, "DELETE", 6) == 0) {
    db_.changes_ = std::atoi(PQcmdTuples(result));
  }
  result_ = result;
  row_ = 0;
  return PQntuples(result_) > 0;
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
          : "SET client_min_messages = warning";
  PGresult* result = PQexec(conn_, settings);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) return Failure(result, settings);
  PQclear(result);
  return Status::Ok();
}

PostgresDatabase::~PostgresDatabase() {
  cache_.clear();
  text_cache_.clear();
  {
    std::lock_guard lock(cancel_mutex_);
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    cancel_ = nullptr;
  }
  if (conn_ != nullptr) PQfinish(conn_);
}

Status PostgresDatabase::EnsureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  if (in_transaction_) {
    return Unavailable("the connection to PostgreSQL was lost during a transaction");
  }
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Unavailable("cannot reconnect to PostgreSQL: " + Trimmed(PQerrorMessage(conn_)));
  }
  ++generation_;  // every statement is prepared again on the new connection
  return Connected();
}

Status PostgresDatabase::Failure(PGresult* result, std::string_view context) {
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
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Query(it->second.get());
  auto [added, inserted] =
      cache_.emplace(sql, std::make_unique<PostgresStatement>(*this, RewritePlaceholders(sql)));
  return Query(added->second.get());
}

Result<Query> PostgresDatabase::PrepareText(const std::string& sql) {
  auto it = text_cache_.find(sql);
  if (it != text_cache_.end()) return Query(it->second.get());
  auto [added, inserted] =
      text_cache_.emplace(sql, std::make_unique<PostgresStatement>(*this, RewritePlaceholders(sql)));
  return Query(added->second.get());
}

Status PostgresDatabase::Execute(std::string_view sql) {
  MART_RETURN_IF_ERROR(EnsureConnected());
  const std::string text(sql);
  CountStatement();
  PGresult* result = PQexec(conn_, text.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Failure(result, text);
  PQclear(result);
  return Status::Ok();
}

Status PostgresDatabase::Command(const char* sql) {
  CountStatement();
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

// A connection found broken at BEGIN had nothing in flight: BEGIN again on a new one.
Status PostgresDatabase::Begin() {
  MART_RETURN_IF_ERROR(EnsureConnected());
  Status status = Command("BEGIN");
  if (!status.ok() && PQstatus(conn_) != CONNECTION_OK) {
    MART_RETURN_IF_ERROR(EnsureConnected());
    status = Command("BEGIN");
  }
  in_transaction_ = status.ok();
  return status;
}

Status PostgresDatabase::BeginWrite() {
  savepoint_began_.clear();
  return Begin();
}

// Whatever the answer, the transaction is over: committed, rolled back, or
// unknown when the connection broke (UNAVAILABLE; the next one reconnects).
Status PostgresDatabase::BeginSnapshot() {
  savepoint_began_.clear();
  MART_RETURN_IF_ERROR(EnsureConnected());
  Status status = Command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  in_transaction_ = status.ok();
  return status;
}

Status PostgresDatabase::Commit() {
  in_transaction_ = false;
  savepoint_began_.clear();
  return Command("COMMIT");
}

Status PostgresDatabase::Rollback() {
  in_transaction_ = false;
  savepoint_began_.clear();
  if (PQstatus(conn_) != CONNECTION_OK) return Status::Ok();  // the server rolled it back
  return Command("ROLLBACK");
}

// As in SQLite, a savepoint outside a transaction begins one, and releasing
// it commits.
Status PostgresDatabase::BeginSavepoint() {
  const bool begin = !in_transaction_;
  if (begin) MART_RETURN_IF_ERROR(Begin());
  Status status = Command("SAVEPOINT request");
  if (!status.ok()) {
    if (begin) (void)Rollback();
    return status;
  }
  savepoint_began_.push_back(begin);
  return Status::Ok();
}

Status PostgresDatabase::ReleaseSavepoint() {
  const bool began = !savepoint_began_.empty() && savepoint_began_.back();
  if (!savepoint_began_.empty()) savepoint_began_.pop_back();
  Status status = Command("RELEASE SAVEPOINT request");
  if (!began) return status;
  if (!status.ok()) {
    (void)Rollback();
    return status;
  }
  return Commit();
}

Status PostgresDatabase::RollbackToSavepoint() { return Command("ROLLBACK TO SAVEPOINT request"); }

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
