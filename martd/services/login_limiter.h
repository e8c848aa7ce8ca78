#pragma once
// The brake on password guessing, per account and per source (where the
// attempt comes from: rpc/request_source.h). Failures are counted in a
// sliding window, and a check is refused (RATE_LIMITED, even with the right
// password) when
//   - this source failed `per_source` times for this account, or
//   - all sources together failed `per_account` times for this account and
//     this source is not one the account logged in from lately.
// So a stranger's wrong guesses lock out the stranger, not the owner logging
// in from elsewhere; guessing from one source is held to `per_source` per
// window; guessing spread over many sources to `per_account` per window
// (sources that logged in before excepted: they are the owner's, or someone
// who has the password already). A success clears that source's count and
// remembers the source as known for `known_source_seconds`; it leaves the
// other sources' counts alone. In memory: a restart forgets everything.
// Memory is bounded (kMax* below): past a bound, expired entries go first,
// then arbitrary ones. Thread safe.
//
// Several martd on one PostgreSQL database count together (ShareCounts): each
// attempt is a row of login_attempts, and a check reads the account's rows
// from every instance, so spreading guesses over N instances gains nothing.
// The rules are the same; the memory is the database's.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "mart/status.h"
#include "services/clock.h"
#include "stores/cluster_store.h"
#include "stores/database.h"

namespace mart {

struct LoginLimits {
  int per_source = 5;
  int per_account = 20;
  int64_t window_seconds = 15 * 60;
  int64_t known_source_seconds = 7 * 24 * 3600;  // as long as a refresh token lives
};

class LoginLimiter {
 public:
  // `attempts` names what is counted in messages: "logins", "password checks".
  LoginLimiter(const Clock& clock, LoginLimits limits, std::string attempts = "logins");

  // OK, or RATE_LIMITED "too many failed logins for <account> from <source>;
  // try again in N s" (without "from …" when the account's total is what
  // refuses, or the source is ""), with details {"retry_after_s": n,
  // "scope": "source" | "account"}. `source` may be "" (one unnamed source).
  Status Check(const std::string& account, const std::string& source);
  void RecordFailure(const std::string& account, const std::string& source);
  void RecordSuccess(const std::string& account, const std::string& source);
  // Forgets the account's failures from every source (an admin's unlock);
  // its known sources stay known. Returns how many failures, within the
  // window, were forgotten.
  int Unlock(const std::string& account);
  // Forgets everything about the account, its known sources too (its
  // password was reset: the places it was used from prove nothing now).
  void Forget(const std::string& account);

  // From now on, counts live in `db`'s login_attempts table (a connection of
  // the limiter's own, autocommit) instead of memory. A check the database
  // cannot answer is refused with its error (UNAVAILABLE): a limit that
  // cannot be read is not skipped.
  void ShareCounts(std::unique_ptr<store::Database> db);

  // Shared rows read per check: the newest of the account's attempts.
  static constexpr int64_t kMaxRowsRead = 1000;

  static constexpr size_t kMaxAccounts = 100000;
  static constexpr size_t kMaxSourcesPerAccount = 64;
  static constexpr size_t kMaxKnownSourcesPerAccount = 16;

 private:
  struct Account {
    std::vector<int64_t> failures;  // every source's, oldest first, at most per_account
    std::unordered_map<std::string, std::vector<int64_t>> by_source;  // at most per_source each
    std::unordered_map<std::string, int64_t> known;  // source -> time of its last success
  };

  // The decision of Check on one account's record.
  Status Decide(const std::string& account, const std::string& source, const Account& record,
                int64_t now) const;
  // The shared record of the account, rebuilt from its rows.
  Result<Account> LoadShared(const std::string& account, int64_t now);
  std::string SharedKey(const std::string& account) const;
  void PruneShared(int64_t now);
  // Drops what has left the window (and known sources past their time);
  // true when nothing is left.
  bool Expire(Account& account, int64_t now) const;
  void Expire(std::vector<int64_t>& failures, int64_t now) const;
  void MakeRoomForAccount(int64_t now);
  Status Refuse(const std::string& account, const std::string& source, int64_t oldest,
                int64_t now) const;

  const Clock& clock_;
  const LoginLimits limits_;
  const std::string attempts_;
  std::mutex mutex_;
  std::unordered_map<std::string, Account> accounts_;
  std::unique_ptr<store::Database> shared_db_;  // ShareCounts; null: in memory
  std::unique_ptr<store::ClusterStore> shared_;
  int64_t last_prune_ = 0;
};

}  // namespace mart
