#include "martctl/local/session.h"

#include <utility>

namespace mart::cli {
namespace {

// Answers to auth.refresh that mean the session is over, not that the daemon
// is unreachable or busy.
bool SessionRefused(const Status& status) {
  return status.code() == Code::kUnauthenticated || status.code() == Code::kPermissionDenied ||
         status.code() == Code::kInvalidArgument || status.code() == Code::kNotFound;
}

}  // namespace

Session::Session(const Settings& settings, Transport transport, std::function<int64_t()> clock)
    : settings_(settings),
      transport_(std::move(transport)),
      clock_(std::move(clock)),
      credentials_(settings.credentials_path) {}

Status Session::Resolve(const CommandSpec& spec) {
  AuthInputs inputs{.token_flag = settings_.token_flag,
                    .token_env = settings_.token_env,
                    .profile = {},
                    .profile_explicit = settings_.profile_explicit,
                    .endpoints = settings_.endpoints,
                    .cookie_path = settings_.cookie_path,
                    .needs_login = spec.access != Access::kAnyone};
  // An explicit token never needs the credentials file, even a broken one;
  // nor does a method anyone may call.
  if (inputs.token_flag.empty() && inputs.token_env.empty()) {
    Result<Profile> loaded = credentials_.Load(settings_.profile);
    if (!loaded.ok() && spec.access != Access::kAnyone) return loaded.status();
    if (loaded.ok()) profile_ = std::move(*loaded);
    inputs.profile = profile_;
  }
  choice_ = ResolveAuth(inputs);
  return Status::Ok();
}

bool Session::NearExpiry(const Profile& profile) const {
  return profile.access_expires_at != 0 &&
         profile.access_expires_at - clock_() < kRenewBeforeExpirySeconds;
}

Result<nlohmann::json> Session::Call(const CommandSpec& spec, const nlohmann::json& params,
                                     const std::string& idempotency_key) {
  MART_RETURN_IF_ERROR(Resolve(spec));
  if (choice_.source == AuthSource::kProfile && NearExpiry(profile_)) {
    MART_RETURN_IF_ERROR(Renew(choice_.auth));
  }
  std::string key = idempotency_key;
  if (key.empty() && spec.mutating) key = NewRandomKey();
  next_.clear();
  CallOptions options{.auth = choice_.auth, .idempotency_key = key, .next = &next_};
  Result<nlohmann::json> result = transport_(spec.method, params, options);
  if (result.ok() || result.status().code() != Code::kUnauthenticated) return result;
  if (choice_.source == AuthSource::kCookie || choice_.source == AuthSource::kNone) {
    // martd writes a new cookie at every start (and removes it at stop): a
    // call that crossed a restart carried the old one, or none.
    MART_RETURN_IF_ERROR(Resolve(spec));
    if (choice_.source != AuthSource::kCookie || choice_.auth == options.auth) return result;
  } else if (choice_.source == AuthSource::kProfile && !renewed_) {
    MART_RETURN_IF_ERROR(Renew(options.auth));
  } else {
    return result;
  }
  options.auth = choice_.auth;
  return transport_(spec.method, params, options);
}

Result<nlohmann::json> Session::CallAnonymously(const CommandSpec& spec,
                                                const nlohmann::json& params) {
  choice_ = {};
  next_.clear();
  return transport_(spec.method, params, CallOptions{.next = &next_});
}

Status Session::Renew(const std::string& used) {
  CredentialsLock lock;
  MART_RETURN_IF_ERROR(lock.Acquire(credentials_.path()));
  MART_ASSIGN_OR_RETURN(Profile latest, credentials_.Load(settings_.profile));
  renewed_ = true;
  if (latest.logged_in() && latest.access_token != used && !NearExpiry(latest) &&
      ProfileServes(latest, settings_.endpoints)) {
    profile_ = std::move(latest);
    choice_.auth = profile_.access_token;
    return Status::Ok();
  }
  if (latest.refresh_token.empty()) return Expire();
  Result<nlohmann::json> reply =
      transport_("auth.refresh", {{"refresh_token", latest.refresh_token}}, CallOptions{});
  if (!reply.ok()) return SessionRefused(reply.status()) ? Expire() : reply.status();
  MART_RETURN_IF_ERROR(ApplyTokenReply(*reply, clock_(), &latest));
  MART_RETURN_IF_ERROR(credentials_.Store(settings_.profile, latest));
  profile_ = std::move(latest);
  choice_.auth = profile_.access_token;
  return Status::Ok();
}

Status Session::Expire() {
  MART_RETURN_IF_ERROR(credentials_.ForgetTokens(settings_.profile));
  profile_.ForgetTokens();
  return Unauthenticated("session expired, log in again with '" + LoginHint(settings_.profile) +
                         "'");
}

}  // namespace mart::cli
