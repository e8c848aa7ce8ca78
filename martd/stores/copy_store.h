#pragma once
// Copying every table of one mart store into another, across backends:
// `martd --copy-store FROM TO` (SQLite to PostgreSQL and back) and backups of
// a PostgreSQL store (into an SQLite backup file, the format `admin verify`
// and `martd --restore` read).

#include <cstdint>
#include <string>
#include <vector>

#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct TableRows {
  std::string table;
  int64_t rows = 0;
};

// Every table of the schema, parents before the tables that reference them.
const std::vector<std::string>& CopiedTables();

// Whether `db` holds no row in any of those tables.
Result<bool> IsEmptyStore(Database& db);

// Copies every row of every table from `from` into `to`, both at this build's
// schema version, `to` empty: one snapshot of `from` (BeginSnapshot), one
// transaction in `to`, the same ids, and id high-water marks never lower than
// `from`'s. Returns the rows copied per table, after checking that `to` now
// holds as many. FAILED_PRECONDITION when a schema version differs or `to`
// is not empty.
Result<std::vector<TableRows>> CopyStore(Database& from, Database& to);

}  // namespace mart::store
