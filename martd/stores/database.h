#pragma once
// A thin RAII layer over one SQLite connection (Chromium sql/ rules): PRAGMAs
// only at open, cached prepared statements with ? placeholders, transactions
// and savepoints that roll back unless committed. Only martd/stores/ uses it.
//
// A Database is used by one thread at a time; it is not thread safe.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mart/status.h"

namespace mart::store {

// A prepared statement borrowed from the connection's cache; it is reset and
// its bindings cleared when the Query goes out of scope.
class Query {
 public:
  explicit Query(sqlite3_stmt* statement) : statement_(statement) {}
  Query(Query&& other) noexcept : statement_(std::exchange(other.statement_, nullptr)) {}
  Query& operator=(Query&&) = delete;
  ~Query();

  // Bind by 1-based index, chaining.
  Query& Bind(int index, int64_t value);
  Query& Bind(int index, std::string_view value);
  Query& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Query& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Query& Bind(int index, const std::optional<std::string>& value);
  Query& BindNull(int index);
  // Binds a :name parameter; a name the statement does not have is ignored.
  Query& BindNamed(const char* name, int64_t value);
  Query& BindNamed(const char* name, std::string_view value);

  // Steps once: true when a row is ready, false when done.
  Result<bool> Next();
  // Steps to completion, expecting no rows.
  Status Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::optional<std::string> OptText(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3_stmt* statement_;
};

enum class OpenMode { kReadWrite, kReadOnly, kMemory };

class Database {
 public:
  // Opens (creating in kReadWrite) and applies the connection PRAGMAs: WAL,
  // synchronous=FULL, foreign_keys=ON, busy_timeout. kReadOnly connections
  // are query_only and serve reads beside the writer (WAL).
  static Result<std::unique_ptr<Database>> Open(const std::string& path, OpenMode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // `sql` must be a string constant: it keys the statement cache.
  Result<Query> Prepare(const char* sql);
  // For SQL assembled from fixed fragments (never from input: values go in
  // ? placeholders); cached by its text.
  Result<Query> PrepareText(const std::string& sql);
  // Runs SQL text with no parameters and no rows (schema, transaction control).
  Status Execute(std::string_view sql);
  // Transaction control (BEGIN, COMMIT, SAVEPOINT…) from a cached statement:
  // every request and worker step takes a savepoint, and parsing its SQL
  // each time cost a tenth of a product get. `sql` is a string constant.
  Status Control(const char* sql);
  int64_t LastInsertId() const;
  int Changes() const;
  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
  std::unordered_map<std::string, sqlite3_stmt*> text_cache_;
};

// Maps an SQLite result code to a Status: full disk, read-only files and busy
// databases are UNAVAILABLE, anything else INTERNAL.
Status SqliteError(sqlite3* db, int rc, std::string_view context);

// BEGIN IMMEDIATE on construction; rolls back on destruction unless Commit().
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Status status() const { return status_; }
  Status Commit();

 private:
  Database& db_;
  Status status_;
  bool open_ = false;
};

// SAVEPOINT inside a transaction; rolls back to it on destruction unless Release().
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
