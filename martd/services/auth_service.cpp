#include "services/auth_service.h"

#include <sodium.h>

#include "events/catalog.h"
#include "mart/client/client.h"
#include "mart/text.h"
#include "mart/wire/envelope.h"

namespace mart {
namespace {

constexpr std::string_view kAccessType = "access";
constexpr std::string_view kRefreshType = "refresh";

Status BadCredentials() { return Unauthenticated("incorrect email or password"); }

// The password limiter's key for a user.
std::string PasswordCheckAccount(int64_t user_id) { return "user " + std::to_string(user_id); }

Status RequireText(std::string_view value, std::string_view field) {
  if (Trim(value).empty()) {
    return InvalidArgument(std::string(field) + " must not be empty", {{"field", field}});
  }
  return Status::Ok();
}

// Reads an integer claim that was written as a JSON number or a decimal string.
int64_t ClaimInt(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    const auto& text = it->get_ref<const std::string&>();
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
      return 0;
    }
    return std::stoll(text);
  }
  return 0;
}

}  // namespace

Result<std::string> NormalizeEmail(std::string_view email) {
  std::string trimmed(Trim(email));
  auto invalid = [&] {
    return InvalidArgument("email '" + trimmed + "' is not a valid email address",
                           {{"field", "email"}});
  };
  size_t at = trimmed.find('@');
  if (trimmed.size() > 254 || at == std::string::npos || at == 0 ||
      trimmed.find('@', at + 1) != std::string::npos) {
    return invalid();
  }
  std::string domain = trimmed.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == domain.size() ||
      domain.find("..") != std::string::npos) {
    return invalid();
  }
  for (char c : trimmed) {
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7F) {
      return invalid();
    }
  }
  return ToLowerAscii(trimmed);
}

std::string Principal::Key() const {
  switch (kind) {
    case Kind::kUser: return "user:" + std::to_string(user_id);
    case Kind::kOperator: return "operator";
    case Kind::kWorker: return "worker:" + worker;
    case Kind::kAnonymous: break;
  }
  return "anonymous";
}

std::string Principal::Describe() const {
  switch (kind) {
    case Kind::kUser: return "user " + std::to_string(user_id);
    case Kind::kOperator: return "the local operator";
    case Kind::kWorker: return "the " + worker + " worker";
    case Kind::kAnonymous: break;
  }
  return "anonymous";
}

Result<std::optional<int64_t>> Principal::ListScope(std::optional<int64_t> requested,
                                                    std::string_view what) const {
  if (IsAdmin()) return requested;
  if (requested && *requested != user_id) {
    return PermissionDenied("only admins may list other users' " + std::string(what));
  }
  return std::optional<int64_t>(user_id);
}

AuthService::AuthService(const Clock& clock, SigningKey key, std::string cookie,
                         AuthOptions options)
    : clock_(clock),
      key_(key),
      cookie_(std::move(cookie)),
      options_(options),
      limiter_(clock, options.login_limits),
      // One source (the token's holder): its count is the account's.
      password_limiter_(clock,
                        LoginLimits{.per_source = options.login_limits.per_source,
                                    .per_account = options.login_limits.per_source,
                                    .window_seconds = options.login_limits.window_seconds},
                        "password checks") {
  auto dummy = HashPassword(NewRandomKey(), options_.password_cost);
  if (dummy.ok()) dummy_hash_ = *dummy;
}

Result<Principal> AuthService::Authenticate(std::string_view auth) const {
  Principal principal;
  if (auth.empty()) return principal;
  if (auth.substr(0, kCookieAuthPrefix.size()) == kCookieAuthPrefix) {
    std::string_view given = auth.substr(kCookieAuthPrefix.size());
    if (cookie_.empty() || given.size() != cookie_.size() ||
        sodium_memcmp(given.data(), cookie_.data(), cookie_.size()) != 0) {
      return Unauthenticated("operator cookie does not match this daemon's (stale cookie file?)");
    }
    principal.kind = Principal::Kind::kOperator;
    principal.role = kRoleAdmin;
    return principal;
  }
  MART_ASSIGN_OR_RETURN(nlohmann::json claims, VerifyJwt(auth, key_, clock_.NowSeconds()));
  if (claims.value("typ", "") != kAccessType) {
    return Unauthenticated("token is not an access token");
  }
  principal.kind = Principal::Kind::kUser;
  principal.user_id = ClaimInt(claims, "sub");
  principal.session_id = ClaimInt(claims, "sid");
  principal.role = claims.value("role", "");
  principal.expires_at = ClaimInt(claims, "exp");
  if (principal.user_id <= 0 || principal.session_id <= 0) return Unauthenticated("token is malformed");
  return principal;
}

Status AuthService::Confirm(store::Store& store, Principal* principal) const {
  if (principal->kind != Principal::Kind::kUser) return Status::Ok();
  auto session = store.sessions().GetSession(principal->session_id);
  if (!session.ok() && session.status().code() != Code::kNotFound) return session.status();
  if (!session.ok() || session->revoked || session->user_id != principal->user_id) {
    return Unauthenticated("session has ended (logged out or revoked); log in again");
  }
  // The session's row comes with its user's (one statement); a deleted
  // user's sessions are deleted with it, so they have ended above.
  if (!session->user_active) {
    return Unauthenticated("account " + session->user_email + " is deactivated");
  }
  principal->role = session->user_role;
  principal->confirmed = true;
  return Status::Ok();
}

Result<std::string> AuthService::HashNewPassword(std::string_view password,
                                                 std::string_view field) const {
  MART_RETURN_IF_ERROR(CheckPasswordPolicy(password, field));
  return HashPassword(password, options_.password_cost);
}

Result<VerifiedLogin> AuthService::VerifyLogin(store::Store& reader, std::string_view email,
                                               std::string_view password,
                                               std::string_view source_view) {
  const std::string account = ToLowerAscii(Trim(email));
  const std::string source(source_view);
  MART_RETURN_IF_ERROR(limiter_.Check(account, source));
  auto found = reader.users().FindByEmail(account);
  if (!found.ok() && found.status().code() != Code::kNotFound) return found.status();
  if (!found.ok()) {
    (void)VerifyPassword(password, dummy_hash_);
    limiter_.RecordFailure(account, source);
    return BadCredentials();
  }
  auto& [user, hash] = *found;
  if (!VerifyPassword(password, hash)) {
    limiter_.RecordFailure(account, source);
    return BadCredentials();
  }
  limiter_.RecordSuccess(account, source);
  if (!user.is_active) return PermissionDenied("account " + user.email + " is deactivated");
  return VerifiedLogin{user.id, hash};
}

Result<VerifiedLogin> AuthService::VerifyCurrentPassword(store::Store& reader, int64_t user_id,
                                                         std::string_view password) {
  // A stolen access token must not become a way to guess the password.
  const std::string account = PasswordCheckAccount(user_id);
  MART_RETURN_IF_ERROR(password_limiter_.Check(account, ""));
  MART_ASSIGN_OR_RETURN(std::string hash, reader.users().PasswordHash(user_id));
  if (!VerifyPassword(password, hash)) {
    password_limiter_.RecordFailure(account, "");
    return InvalidArgument("current_password is incorrect", {{"field", "current_password"}});
  }
  password_limiter_.RecordSuccess(account, "");
  return VerifiedLogin{user_id, hash};
}

Result<User> AuthService::Register(Tx& tx, NewUser request, std::string_view password_hash) const {
  MART_ASSIGN_OR_RETURN(std::string email_norm, NormalizeEmail(request.email));
  MART_RETURN_IF_ERROR(RequireText(request.first_name, "first_name"));
  MART_RETURN_IF_ERROR(RequireText(request.last_name, "last_name"));
  MART_ASSIGN_OR_RETURN(bool taken, tx.store.users().EmailTaken(email_norm));
  if (taken) {
    return AlreadyExists("email " + email_norm + " is already registered", {{"field", "email"}});
  }
  User user;
  user.email = std::string(Trim(request.email));
  user.first_name = std::string(Trim(request.first_name));
  user.last_name = std::string(Trim(request.last_name));
  if (request.phone && !Trim(*request.phone).empty()) user.phone = std::string(Trim(*request.phone));
  user.created_at = user.updated_at = tx.now;
  if (options_.first_user_admin) {
    MART_ASSIGN_OR_RETURN(int64_t admins, tx.store.users().CountActiveAdmins());
    if (admins == 0) user.role = kRoleAdmin;
  }
  MART_ASSIGN_OR_RETURN(user.id, tx.store.users().Insert(user, email_norm, password_hash));
  MART_RETURN_IF_ERROR(events::Emit(
      tx.events,
      events::UserRegistered{.user_id = user.id, .email = user.email, .role = user.role}));
  return user;
}

Result<nlohmann::json> AuthService::IssueTokens(Tx& tx, const User& user,
                                                int64_t session_id) const {
  int64_t now = tx.now / 1000000;
  std::string refresh_jti = NewRandomKey();
  nlohmann::json access = {{"sub", std::to_string(user.id)}, {"role", user.role},
                           {"sid", session_id}, {"typ", kAccessType}, {"iat", now},
                           {"exp", now + options_.access_ttl_seconds}, {"jti", NewRandomKey()}};
  nlohmann::json refresh = {{"sub", std::to_string(user.id)}, {"sid", session_id},
                            {"typ", kRefreshType}, {"iat", now},
                            {"exp", now + options_.refresh_ttl_seconds}, {"jti", refresh_jti}};
  MART_RETURN_IF_ERROR(tx.store.sessions().InsertRefreshToken(
      refresh_jti, session_id, tx.now, (now + options_.refresh_ttl_seconds) * 1000000));
  return nlohmann::json{
      {"access_token", SignJwt(access, key_)},
      {"refresh_token", SignJwt(refresh, key_)},
      {"token_type", "bearer"},
      {"expires_in", options_.access_ttl_seconds},
      {"refresh_expires_in", options_.refresh_ttl_seconds},
      {"user", {{"id", user.id}, {"email", user.email}, {"role", user.role}}},
  };
}

Result<nlohmann::json> AuthService::Login(Tx& tx, const VerifiedLogin& login) const {
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(login.user_id));
  MART_ASSIGN_OR_RETURN(std::string hash, tx.store.users().PasswordHash(login.user_id));
  // The password changed, or the account was blocked, while the hash was checked.
  if (hash != login.password_hash) return BadCredentials();
  if (!user.is_active) return PermissionDenied("account " + user.email + " is deactivated");
  MART_ASSIGN_OR_RETURN(int64_t session_id, tx.store.sessions().CreateSession(user.id, tx.now));
  return IssueTokens(tx, user, session_id);
}

Result<nlohmann::json> AuthService::Refresh(Tx& tx, std::string_view refresh_token,
                                            bool* keep_effects) const {
  auto verified = VerifyJwt(refresh_token, key_, tx.now / 1000000);
  if (!verified.ok()) {
    return Unauthenticated("refresh " + verified.status().message());
  }
  const nlohmann::json& claims = *verified;
  if (claims.value("typ", "") != kRefreshType) return Unauthenticated("token is not a refresh token");
  auto row = tx.store.sessions().GetRefreshToken(claims.value("jti", ""));
  if (!row.ok()) {
    if (row.status().code() == Code::kNotFound) return Unauthenticated("refresh token is not known");
    return row.status();
  }
  MART_ASSIGN_OR_RETURN(store::SessionRow session, tx.store.sessions().GetSession(row->session_id));
  if (session.revoked) return Unauthenticated("session has ended (logged out or revoked); log in again");
  if (row->used) {
    // A rotated token came back: someone holds a copy. End the whole family.
    MART_RETURN_IF_ERROR(tx.store.sessions().RevokeSession(session.id, "refresh token reuse", tx.now));
    *keep_effects = true;
    return Unauthenticated("refresh token was already used; the session is revoked, log in again");
  }
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(session.user_id));
  if (!user.is_active) return Unauthenticated("account " + user.email + " is deactivated");
  MART_RETURN_IF_ERROR(tx.store.sessions().MarkRefreshTokenUsed(row->jti, tx.now));
  return IssueTokens(tx, user, session.id);
}

Status AuthService::Logout(Tx& tx, const Principal& principal) const {
  if (!principal.IsUser()) {
    return FailedPrecondition("the local operator has no session to log out of");
  }
  return tx.store.sessions().RevokeSession(principal.session_id, "logout", tx.now);
}

Status AuthService::ChangePassword(Tx& tx, const Principal& principal,
                                   const VerifiedLogin& current, std::string_view new_hash) const {
  MART_ASSIGN_OR_RETURN(std::string hash, tx.store.users().PasswordHash(principal.user_id));
  if (hash != current.password_hash) {
    return FailedPrecondition("the password was changed meanwhile; try again");
  }
  MART_RETURN_IF_ERROR(tx.store.users().SetPasswordHash(principal.user_id, new_hash, tx.now));
  MART_RETURN_IF_ERROR(tx.store.sessions().RevokeUserSessions(
      principal.user_id, principal.session_id, "password changed", tx.now));
  return events::Emit(tx.events, events::UserPasswordChanged{.user_id = principal.user_id});
}

void AuthService::ForgetLimits(const User& user) {
  limiter_.Forget(ToLowerAscii(user.email));
  password_limiter_.Forget(PasswordCheckAccount(user.id));
}

Result<int> AuthService::Unlock(Tx& tx, int64_t user_id) {
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(user_id));
  (void)password_limiter_.Unlock(PasswordCheckAccount(user.id));
  const int forgotten = limiter_.Unlock(ToLowerAscii(user.email));
  MART_RETURN_IF_ERROR(events::Emit(tx.events, events::UserUnlocked{{.user_id = user.id}}));
  return forgotten;
}

Status AuthService::SetPassword(Tx& tx, const Principal& actor, int64_t user_id,
                                std::string_view new_hash) {
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(user_id));
  MART_RETURN_IF_ERROR(tx.store.users().SetPasswordHash(user.id, new_hash, tx.now));
  const int64_t keep = actor.IsUser() && actor.user_id == user.id ? actor.session_id : 0;
  MART_RETURN_IF_ERROR(
      tx.store.sessions().RevokeUserSessions(user.id, keep, "password set by an admin", tx.now));
  ForgetLimits(user);
  return events::Emit(tx.events,
                      events::UserPasswordChanged{.user_id = user.id, .by = actor.Describe()});
}

}  // namespace mart
