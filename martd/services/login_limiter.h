#pragma once
// Per-account brake on password guessing: after `max_failures` failed logins
// within `window_seconds`, further attempts for that account are refused
// (RATE_LIMITED) until the oldest failure leaves the window. A success clears
// the account's record. In memory: a restart forgets it. Thread safe.

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "mart/status.h"
#include "services/clock.h"

namespace mart {

class LoginLimiter {
 public:
  // `attempts` names what is counted in messages: "logins", "password checks".
  LoginLimiter(const Clock& clock, int max_failures, int64_t window_seconds,
               std::string attempts = "logins")
      : clock_(clock),
        max_failures_(max_failures),
        window_micros_(window_seconds * 1000000),
        attempts_(std::move(attempts)) {}

  // OK, or RATE_LIMITED with details {"retry_after_s": n}.
  Status Check(const std::string& account);
  void RecordFailure(const std::string& account);
  void RecordSuccess(const std::string& account);

  static constexpr size_t kMaxAccounts = 100000;

 private:
  void Expire(std::deque<int64_t>& failures, int64_t now) const;

  const Clock& clock_;
  const int max_failures_;
  const int64_t window_micros_;
  const std::string attempts_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<int64_t>> failures_;
};

}  // namespace mart
