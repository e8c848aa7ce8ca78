#pragma once
// The daemon's data directory: created 0700 on first start, held with an
// exclusive lock for the daemon's lifetime (a second martd on the same
// directory is refused), home of the database, the token signing key (0600)
// and the local operator cookie (0600, rewritten at every start, removed at
// stop). Not thread safe; used by the main thread during start and stop.

#include <memory>
#include <string>

#include "mart/status.h"
#include "mart/wire/curve.h"
#include "services/jwt.h"

namespace mart::daemon {

class DataDir {
 public:
  // FAILED_PRECONDITION when another martd holds the lock or the directory is
  // writable by others; UNAVAILABLE when it cannot be created.
  static Result<std::unique_ptr<DataDir>> Open(const std::string& path);
  ~DataDir();
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;

  const std::string& path() const { return path_; }
  std::string DatabasePath() const { return path_ + "/mart.db"; }

  // The token signing key: 32 bytes. From `file` when given (several martd
  // on one database share one key: --signing-key), which must exist, be a
  // regular file and be readable by its owner only; else signing.key in the
  // data dir, 32 random bytes made on first start. FAILED_PRECONDITION for a
  // file of another size or one others may read.
  Result<SigningKey> LoadOrCreateSigningKey(const std::string& file = "") const;
  // This martd's name among several on one database (daemon status, the
  // instances table): 12 random hex characters kept in instance.id, made on
  // first start, so a restart is the same instance.
  Result<std::string> LoadOrCreateInstanceId() const;
  // martd's CURVE key pair for tcp:// (wire/curve.h), made on first use:
  // curve.key (0600: the secret and public keys, a line each) and curve.pub
  // (the public key, for clients to pin). With `file` (--curve-key: one key
  // pair for every martd of a cluster, so clients pin one key) the pair comes
  // from there, in the same format and readable by its owner only; curve.pub
  // is still written.
  Result<CurveKeys> LoadOrCreateCurveKeys(const std::string& file = "") const;
  // A fresh random cookie, written 0600 as two lines: the cookie, then
  // `endpoint` (where this martd listens: martctl hands the cookie to that
  // endpoint only). Returns the cookie.
  Result<std::string> WriteCookie(const std::string& endpoint) const;
  void RemoveCookie() const;
  // For ipc://PATH endpoints: makes PATH's directory (0700) when missing;
  // FAILED_PRECONDITION when it is writable by others and not sticky.
  Status PrepareSocketDir(const std::string& endpoint) const;

 private:
  DataDir(std::string path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::string path_;
  int lock_fd_;
};

// Creates a directory and its missing parents; the last one gets `mode`.
Status MakeDirs(const std::string& path, unsigned mode);
// Writes `content` to `path` atomically (temp file, fsync, rename) with `mode`.
Status WriteFileAtomic(const std::string& path, std::string_view content, unsigned mode);

}  // namespace mart::daemon
