#include "services/login_limiter.h"

#include <algorithm>

#include "mart/log.h"

namespace mart {
namespace {

// Keeps the newest `cap` times.
void Push(std::vector<int64_t>& times, int64_t now, int cap) {
  times.push_back(now);
  if (static_cast<int>(times.size()) > cap) times.erase(times.begin(), times.end() - cap);
}

// The entry with the smallest value of `time_of`, for eviction.
template <typename Map, typename TimeOf>
typename Map::iterator Oldest(Map& map, TimeOf time_of) {
  return std::min_element(map.begin(), map.end(), [&](const auto& a, const auto& b) {
    return time_of(a.second) < time_of(b.second);
  });
}

}  // namespace

LoginLimiter::LoginLimiter(const Clock& clock, LoginLimits limits, std::string attempts)
    : clock_(clock), limits_(limits), attempts_(std::move(attempts)) {}

void LoginLimiter::Expire(std::vector<int64_t>& failures, int64_t now) const {
  const int64_t cutoff = now - limits_.window_seconds * 1000000;
  failures.erase(failures.begin(), std::upper_bound(failures.begin(), failures.end(), cutoff));
}

bool LoginLimiter::Expire(Account& account, int64_t now) const {
  Expire(account.failures, now);
  for (auto it = account.by_source.begin(); it != account.by_source.end();) {
    Expire(it->second, now);
    it = it->second.empty() ? account.by_source.erase(it) : std::next(it);
  }
  const int64_t known_cutoff = now - limits_.known_source_seconds * 1000000;
  std::erase_if(account.known, [&](const auto& entry) { return entry.second <= known_cutoff; });
  return account.failures.empty() && account.by_source.empty() && account.known.empty();
}

Status LoginLimiter::Refuse(const std::string& account, const std::string& source, int64_t oldest,
                            int64_t now) const {
  const int64_t retry_after = (oldest + limits_.window_seconds * 1000000 - now + 999999) / 1000000;
  const std::string from = source.empty() ? "" : " from " + source;
  return RateLimited("too many failed " + attempts_ + " for " + account + from + "; try again in " +
                         std::to_string(retry_after) + " s",
                     {{"retry_after_s", retry_after}, {"scope", source.empty() ? "account" : "source"}});
}

Status LoginLimiter::Decide(const std::string& account, const std::string& source,
                            const Account& record, int64_t now) const {
  auto mine = record.by_source.find(source);
  if (mine != record.by_source.end() &&
      static_cast<int>(mine->second.size()) >= limits_.per_source) {
    return Refuse(account, source, mine->second.front(), now);
  }
  if (static_cast<int>(record.failures.size()) >= limits_.per_account &&
      !record.known.contains(source)) {
    return Refuse(account, "", record.failures.front(), now);
  }
  return Status::Ok();
}

Status LoginLimiter::Check(const std::string& account, const std::string& source) {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_.NowMicros();
  if (shared_) {
    MART_ASSIGN_OR_RETURN(Account record, LoadShared(account, now));
    return Decide(account, source, record, now);
  }
  auto it = accounts_.find(account);
  if (it == accounts_.end()) return Status::Ok();
  Account& record = it->second;
  if (Expire(record, now)) {
    accounts_.erase(it);
    return Status::Ok();
  }
  return Decide(account, source, record, now);
}

// Both limiters of a daemon share the table: each keeps to its own names (a
// login's email could otherwise spell a password check's account).
std::string LoginLimiter::SharedKey(const std::string& account) const {
  return attempts_ + "/" + account;
}

void LoginLimiter::ShareCounts(std::unique_ptr<store::Database> db) {
  std::lock_guard lock(mutex_);
  shared_db_ = std::move(db);
  shared_ = std::make_unique<store::ClusterStore>(*shared_db_);
  accounts_.clear();
}

// The rows replayed in order give the record memory would hold: a failure
// counts for the account and its source, a success clears its source's count
// and makes the source known.
Result<LoginLimiter::Account> LoginLimiter::LoadShared(const std::string& account, int64_t now) {
  const int64_t horizon = std::max(limits_.window_seconds, limits_.known_source_seconds);
  MART_ASSIGN_OR_RETURN(auto rows,
                        shared_->LoginAttempts(SharedKey(account), now - horizon * 1000000,
                                               kMaxRowsRead));
  Account record;
  for (const store::LoginAttemptRow& row : rows) {
    if (row.succeeded) {
      record.by_source.erase(row.source);
      record.known[row.source] = row.at;
    } else {
      Push(record.failures, row.at, limits_.per_account);
      Push(record.by_source[row.source], row.at, limits_.per_source);
    }
  }
  Expire(record, now);
  return record;
}

void LoginLimiter::PruneShared(int64_t now) {
  if (now - last_prune_ < 600LL * 1000000) return;
  last_prune_ = now;
  const int64_t horizon = std::max(limits_.window_seconds, limits_.known_source_seconds);
  Status pruned = shared_->PruneLoginAttempts(now - horizon * 1000000);
  if (!pruned.ok()) LogWarn("pruning old login attempts failed: " + pruned.ToString());
}

void LoginLimiter::MakeRoomForAccount(int64_t now) {
  if (accounts_.size() < kMaxAccounts) return;
  for (auto it = accounts_.begin(); it != accounts_.end();) {
    it = Expire(it->second, now) ? accounts_.erase(it) : std::next(it);
  }
  if (accounts_.size() >= kMaxAccounts) accounts_.erase(accounts_.begin());
}

void LoginLimiter::RecordFailure(const std::string& account, const std::string& source) {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_.NowMicros();
  if (shared_) {
    Status added = shared_->AddLoginAttempt(SharedKey(account), source, false, now);
    if (!added.ok()) LogWarn("recording a failed login failed: " + added.ToString());
    PruneShared(now);
    return;
  }
  // Guessing against many made-up accounts must not grow memory without bound.
  if (!accounts_.contains(account)) MakeRoomForAccount(now);
  Account& record = accounts_[account];
  if (!record.by_source.contains(source) &&
      record.by_source.size() >= kMaxSourcesPerAccount) {
    // Forgetting a source only gives it a fresh count: the account's total,
    // which bounds guessing from all sources, is kept.
    Expire(record, now);
    if (record.by_source.size() >= kMaxSourcesPerAccount) {
      record.by_source.erase(Oldest(record.by_source, [](const auto& t) { return t.back(); }));
    }
  }
  Push(record.failures, now, limits_.per_account);
  Push(record.by_source[source], now, limits_.per_source);
}

void LoginLimiter::RecordSuccess(const std::string& account, const std::string& source) {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_.NowMicros();
  if (shared_) {
    Status added = shared_->AddLoginAttempt(SharedKey(account), source, true, now);
    if (!added.ok()) LogWarn("recording a login failed: " + added.ToString());
    return;
  }
  if (!accounts_.contains(account)) MakeRoomForAccount(now);
  Account& record = accounts_[account];
  record.by_source.erase(source);
  if (!record.known.contains(source) && record.known.size() >= kMaxKnownSourcesPerAccount) {
    record.known.erase(Oldest(record.known, [](int64_t t) { return t; }));
  }
  record.known[source] = now;
}

int LoginLimiter::Unlock(const std::string& account) {
  std::lock_guard lock(mutex_);
  if (shared_) {
    const int64_t since = clock_.NowMicros() - limits_.window_seconds * 1000000;
    Result<int64_t> forgotten = shared_->ForgetLoginFailures(SharedKey(account), since);
    // Failures older than the window count for nothing; they go too.
    Status done = forgotten.ok() ? shared_->ForgetLoginFailures(SharedKey(account), 0).status()
                                 : forgotten.status();
    if (!done.ok()) {
      LogWarn("unlocking " + account + " failed: " + done.ToString());
      return 0;
    }
    return static_cast<int>(std::min<int64_t>(*forgotten, limits_.per_account));
  }
  auto it = accounts_.find(account);
  if (it == accounts_.end()) return 0;
  Expire(it->second, clock_.NowMicros());
  const int forgotten = static_cast<int>(it->second.failures.size());
  it->second.failures.clear();
  it->second.by_source.clear();
  if (it->second.known.empty()) accounts_.erase(it);
  return forgotten;
}

void LoginLimiter::Forget(const std::string& account) {
  std::lock_guard lock(mutex_);
  if (shared_) {
    Status forgotten = shared_->ForgetLoginAttempts(SharedKey(account));
    if (!forgotten.ok()) LogWarn("forgetting the logins of " + account + " failed: " +
                                 forgotten.ToString());
    return;
  }
  accounts_.erase(account);
}

}  // namespace mart
