#include "services/login_limiter.h"

namespace mart {

void LoginLimiter::Expire(std::deque<int64_t>& failures, int64_t now) const {
  while (!failures.empty() && failures.front() <= now - window_micros_) failures.pop_front();
}

Status LoginLimiter::Check(const std::string& account) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(account);
  if (it == failures_.end()) return Status::Ok();
  int64_t now = clock_.NowMicros();
  Expire(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return Status::Ok();
  }
  if (static_cast<int>(it->second.size()) < max_failures_) return Status::Ok();
  int64_t retry_after = (it->second.front() + window_micros_ - now + 999999) / 1000000;
  return RateLimited("too many failed " + attempts_ + " for " + account + "; try again in " +
                         std::to_string(retry_after) + " s",
                     {{"retry_after_s", retry_after}});
}

void LoginLimiter::RecordFailure(const std::string& account) {
  std::lock_guard lock(mutex_);
  // Guessing against many made-up accounts must not grow memory without bound.
  if (failures_.size() >= kMaxAccounts) {
    int64_t now = clock_.NowMicros();
    for (auto it = failures_.begin(); it != failures_.end();) {
      Expire(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= kMaxAccounts) failures_.erase(failures_.begin());
  }
  auto& failures = failures_[account];
  failures.push_back(clock_.NowMicros());
  // Bounded memory per account: only the last max_failures matter.
  while (static_cast<int>(failures.size()) > max_failures_) failures.pop_front();
}

void LoginLimiter::RecordSuccess(const std::string& account) {
  std::lock_guard lock(mutex_);
  failures_.erase(account);
}

}  // namespace mart
