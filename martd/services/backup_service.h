#pragma once
// `admin backup` and `admin verify`. Both run in a handler's prepare step, on
// a worker thread with a read-only store, so a copy of a large database never
// holds up the store thread and its writers.
//
// Where a backup may go (Resolve): a bare file name goes into the backup dir,
// which the operator configures (martd --backup-dir, default
// <data dir>/backups); a path must be absolute. A logged-in admin (a token,
// possibly from another machine) reaches only the backup dir; the local
// operator (cookie) may name any directory. Nobody writes into the data dir
// itself: its files are the live store, its keys and its cookie. A backup
// replaces only a regular file (never a symlink, device, FIFO or directory).

#include <nlohmann/json.hpp>
#include <string>

#include "mart/status.h"
#include "services/check_service.h"
#include "services/context.h"
#include "stores/store.h"

namespace mart {

struct BackupPlaces {
  std::string data_dir;    // absolute; never written into
  std::string backup_dir;  // absolute; an existing directory outside data_dir's top level
};

class BackupService {
 public:
  explicit BackupService(const CheckService& checks) : checks_(checks) {}

  // Once at start, before any request. FAILED_PRECONDITION when the backup dir
  // is the data dir itself. Without it every backup is refused.
  Status Configure(BackupPlaces places);
  const BackupPlaces& places() const { return places_; }

  // The absolute path `file` names for `caller`, its directory resolved
  // (symlinks followed). INVALID_ARGUMENT: empty, relative with a '/', a name
  // starting with '.', a missing directory, a path in the data dir;
  // PERMISSION_DENIED: a logged-in admin naming a directory other than the
  // backup dir.
  Result<std::string> Resolve(const std::string& file, const Principal& caller) const;

  // Writes a consistent copy of `reader`'s database to Resolve(file), mode
  // 0600; an existing regular file is replaced only when `force`.
  // {"path", "bytes", "schema_version", "taken_at", "sha256"}. Errors as
  // Resolve and store::WriteBackup.
  Result<nlohmann::json> Backup(store::Store& reader, const std::string& file, bool force,
                                int64_t now_micros, const Principal& caller) const;

  // Checks the backup file Resolve(file) names: it opens as SQLite, its
  // schema is one this martd knows, and CheckService::Audit passes.
  // {"path", "ok", "schema_version", "bytes", "sha256", "checks": [...]}; a
  // file that cannot be opened at all is FAILED_PRECONDITION.
  Result<nlohmann::json> Verify(const std::string& file, const Principal& caller) const;

 private:
  const CheckService& checks_;
  BackupPlaces places_;
};

}  // namespace mart
