#pragma once
// Accounts' credentials: registration, login, token refresh with rotation and
// reuse detection, logout, password change, and turning a request's `auth`
// field into a Principal. Thread safe: the *Off methods run on worker threads
// (argon2id is slow), the Tx methods on the store thread.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "services/clock.h"
#include "services/context.h"
#include "services/jwt.h"
#include "services/login_limiter.h"
#include "services/password.h"

namespace mart {

struct AuthOptions {
  int64_t access_ttl_seconds = 30 * 60;
  int64_t refresh_ttl_seconds = 7 * 24 * 3600;
  bool first_user_admin = true;  // the first account becomes admin while no admin exists
  PasswordCost password_cost = PasswordCost::kInteractive;
  LoginLimits login_limits;  // per account and source (login_limiter.h)
};

struct NewUser {
  std::string email;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> phone;
};

// What the off-thread password check of a login established.
struct VerifiedLogin {
  int64_t user_id = 0;
  std::string password_hash;  // the hash that matched; re-checked under the transaction
};

class AuthService {
 public:
  AuthService(const Clock& clock, SigningKey key, std::string cookie, AuthOptions options);

  // A bearer access token or "cookie:<hex>" -> Principal; "" -> anonymous.
  // Checks signature and expiry only; Confirm() checks the database.
  Result<Principal> Authenticate(std::string_view auth) const;
  // The session is live and the user exists and is active; refreshes the role.
  // Any store will do: the worker threads check with their read-only one.
  Status Confirm(store::Store& store, Principal* principal) const;

  // Off the store thread: policy check, then argon2id.
  Result<std::string> HashNewPassword(std::string_view password,
                                      std::string_view field = "password") const;
  // Off the store thread, with a read-only store: rate limit, lookup, verify.
  // `source` is where the attempt comes from (rpc/request_source.h; "" for
  // callers inside the daemon): failures are counted per email and source.
  // UNAUTHENTICATED "incorrect email or password" for an unknown email as for
  // a wrong password; PERMISSION_DENIED for a deactivated account;
  // RATE_LIMITED (login_limiter.h).
  Result<VerifiedLogin> VerifyLogin(store::Store& reader, std::string_view email,
                                    std::string_view password, std::string_view source = {});
  // Off the store thread: the current password of user_id is right
  // (INVALID_ARGUMENT if not; rate limited like logins).
  Result<VerifiedLogin> VerifyCurrentPassword(store::Store& reader, int64_t user_id,
                                              std::string_view password);

  // Validates and inserts; the first user becomes admin while none exists.
  Result<User> Register(Tx& tx, NewUser user, std::string_view password_hash) const;
  // A new session with an access and a refresh token.
  Result<nlohmann::json> Login(Tx& tx, const VerifiedLogin& login) const;
  // Rotates a refresh token. Reuse of a used one revokes the session and sets
  // *keep_effects so that the revocation commits although the call fails.
  Result<nlohmann::json> Refresh(Tx& tx, std::string_view refresh_token, bool* keep_effects) const;
  Status Logout(Tx& tx, const Principal& principal) const;
  // Sets the new hash when the old one is unchanged; ends the user's other sessions.
  Status ChangePassword(Tx& tx, const Principal& principal, const VerifiedLogin& current,
                        std::string_view new_hash) const;

  // An admin's unlock of account `user_id`: forgets its failed logins from
  // every source and its failed password checks. Returns how many failed
  // logins were forgotten (as counted: at most login_limits.per_account).
  // NOT_FOUND for an unknown user. Memory only: a rollback does not undo it.
  Result<int> Unlock(Tx& tx, int64_t user_id);
  // An admin sets the password of `user_id` (hashed in the prepare step):
  // ends every session of that user (but the caller's own, when it is the
  // caller's account), unlocks it, forgets the sources it logged in from and
  // emits user.password_changed with "by". NOT_FOUND for an unknown user.
  Status SetPassword(Tx& tx, const Principal& actor, int64_t user_id,
                     std::string_view new_hash);

  const AuthOptions& options() const { return options_; }

  // Several martd on one PostgreSQL database: both limiters count in its
  // login_attempts table, each on its own connection (LoginLimiter::ShareCounts).
  void ShareLoginCounts(std::unique_ptr<store::Database> logins,
                        std::unique_ptr<store::Database> password_checks) {
    limiter_.ShareCounts(std::move(logins));
    password_limiter_.ShareCounts(std::move(password_checks));
  }

 private:
  Result<nlohmann::json> IssueTokens(Tx& tx, const User& user, int64_t session_id) const;

  const Clock& clock_;
  SigningKey key_;
  std::string cookie_;
  AuthOptions options_;
  // Forgets what the limiters hold about the user (failures, known sources).
  void ForgetLimits(const User& user);

  LoginLimiter limiter_;           // logins, by email and source
  LoginLimiter password_limiter_;  // current-password checks, by user id
  std::string dummy_hash_;  // verified against for unknown emails, to keep timing flat
};

// Lower-cases and checks an email address; INVALID_ARGUMENT naming it.
Result<std::string> NormalizeEmail(std::string_view email);

}  // namespace mart
