#pragma once
// Whole-database copies for `admin backup`, `admin verify` and
// `martd --restore`. A backup is a single self-contained SQLite file (rollback
// journal, no -wal), from either backend (a PostgreSQL store is copied row by
// row into one): it holds everything the store holds, including password
// hashes and sessions, so it must be guarded like the data dir itself.

#include <cstdint>
#include <memory>
#include <string>

#include "mart/status.h"
#include "stores/store.h"

namespace mart::store {

struct BackupFile {
  std::string path;
  int64_t bytes = 0;
  int schema_version = 0;
  std::string sha256;  // hex of the file's bytes
};

// Copies `source` (a read-only connection: the copy is one read transaction,
// so writers are not blocked under WAL) to `path`: first into a temp file in
// the same directory, mode 0600, then fsync, rename over `path` and fsync
// of the directory. `path` must be absolute; its directory must exist.
// Errors: INVALID_ARGUMENT (relative path, missing directory, something other
// than a regular file at `path`), ALREADY_EXISTS (path exists and !overwrite), UNAVAILABLE/INTERNAL (I/O, SQLite).
// Thread safety: uses `source` only; safe beside the store thread.
Result<BackupFile> WriteBackup(Database& source, const std::string& path, bool overwrite);

// Opens a backup file read-only, refusing a missing file or one that is not
// an SQLite database (FAILED_PRECONDITION naming the file).
Result<std::unique_ptr<Store>> OpenBackup(const std::string& path);

// SHA-256 of a file's bytes, lower-case hex.
Result<std::string> FileSha256(const std::string& path);

// Checks that `path` can replace a data dir's database: it opens, passes
// PRAGMA integrity_check, and its schema is not newer than this build.
// FAILED_PRECONDITION naming the problem. Returns its schema version.
Result<int> CheckRestorable(const std::string& path);

}  // namespace mart::store
