#pragma once
// A Session makes authenticated calls for one command line: it resolves the
// credentials (see auth.h), keeps a saved login fresh and drops it when the
// daemon no longer honors it.
//
// Renewal of a saved login: before a call whose access token expires within
// 60 s, and once after a call answered UNAUTHENTICATED, martctl spends the
// saved refresh token (auth.refresh) under CredentialsLock and saves the new
// pair. When renewal is refused, the saved tokens are dropped and the call
// fails with UNAUTHENTICATED "session expired, log in again with 'martctl auth
// login'". A call made with the operator cookie, or with no credentials,
// that is answered UNAUTHENTICATED is sent once more when the cookie file has
// changed since (martd restarted and wrote a new one). Not thread safe.

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "mart/status.h"
#include "martctl/io.h"
#include "martctl/local/auth.h"
#include "martctl/local/credentials.h"
#include "martctl/settings.h"

namespace mart::cli {

inline constexpr int64_t kRenewBeforeExpirySeconds = 60;

class Session {
 public:
  // `settings` must outlive the Session.
  Session(const Settings& settings, Transport transport, std::function<int64_t()> clock);

  // Calls spec.method with the resolved credentials, renewing a saved login
  // as described above. A mutating call keeps one idempotency key across the
  // retry after renewal. Errors: the daemon's, UNAVAILABLE, or UNAUTHENTICATED
  // for an expired session.
  // `idempotency_key` "" means a fresh key for a mutating method.
  Result<nlohmann::json> Call(const CommandSpec& spec, const nlohmann::json& params,
                              const std::string& idempotency_key = "");
  // Calls without any credentials (login, register, refresh).
  Result<nlohmann::json> CallAnonymously(const CommandSpec& spec, const nlohmann::json& params);

  // The `next` cursor of the last call's reply: "" unless it was a page of a
  // list with rows after it.
  const std::string& next() const { return next_; }
  // Where the credentials of the last Call came from.
  AuthSource source() const { return choice_.source; }
  CredentialsFile& credentials() { return credentials_; }
  const Settings& settings() const { return settings_; }
  int64_t now() const { return clock_(); }

 private:
  Status Resolve(const CommandSpec& spec);
  bool NearExpiry(const Profile& profile) const;
  // Spends the refresh token unless another process already renewed `used`.
  Status Renew(const std::string& used);
  Status Expire();

  const Settings& settings_;
  Transport transport_;
  std::function<int64_t()> clock_;
  CredentialsFile credentials_;
  Profile profile_;
  AuthChoice choice_;
  bool renewed_ = false;
  std::string next_;
};

}  // namespace mart::cli
