#pragma once
// `admin backup` and `admin verify`. Both run in a handler's prepare step, on
// a worker thread with a read-only store, so a copy of a large database never
// holds up the store thread and its writers.

#include <nlohmann/json.hpp>
#include <string>

#include "mart/status.h"
#include "services/check_service.h"
#include "stores/store.h"

namespace mart {

class BackupService {
 public:
  explicit BackupService(const CheckService& checks) : checks_(checks) {}

  // Writes a consistent copy of `reader`'s database to `path` (absolute, in
  // an existing directory; an existing file only when `force`), mode 0600.
  // {"path", "bytes", "schema_version", "taken_at", "sha256"}. Errors as
  // store::WriteBackup.
  Result<nlohmann::json> Backup(store::Store& reader, const std::string& path, bool force,
                                int64_t now_micros) const;

  // Checks a backup file: it opens as SQLite, its schema is one this martd
  // knows, and CheckService::Audit passes. {"path", "ok", "schema_version",
  // "bytes", "sha256", "checks": [...]}; a file that cannot be opened at all
  // is FAILED_PRECONDITION.
  Result<nlohmann::json> Verify(const std::string& path) const;

 private:
  const CheckService& checks_;
};

}  // namespace mart
