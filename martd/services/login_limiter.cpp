#include "services/login_limiter.h"

#include <algorithm>

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

Status LoginLimiter::Check(const std::string& account, const std::string& source) {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(account);
  if (it == accounts_.end()) return Status::Ok();
  const int64_t now = clock_.NowMicros();
  Account& record = it->second;
  if (Expire(record, now)) {
    accounts_.erase(it);
    return Status::Ok();
  }
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
  accounts_.erase(account);
}

}  // namespace mart
