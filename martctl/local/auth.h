#pragma once
// Which credentials a command sends (DESIGN.md §5), first match:
//   1. --token            2. $MART_TOKEN
//   3. the profile's saved login, when it was made against these endpoints
//      (a login made through a list serves every endpoint of that list: the
//      instances of a cluster share their signing key)
//   4. the local operator cookie: "cookie:" + the cookie file's first line,
//      unless a profile was named explicitly; only for a method that needs a
//      login, and only to the endpoint martd wrote on the file's second line
//      (the daemon whose data dir holds it: anywhere else the cookie would be
//      handed to a stranger who could then act as the operator); so never
//      to a list of several endpoints, which may fail over to another martd
// and how a token reply (login, refresh) updates a saved profile.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "martctl/local/credentials.h"

namespace mart::cli {

enum class AuthSource { kNone, kTokenFlag, kTokenEnv, kProfile, kCookie };

struct AuthInputs {
  std::string token_flag = {};
  std::string token_env = {};
  Profile profile = {};       // the selected profile; may be logged out
  // --profile or $MART_PROFILE named it: act as that login or anonymously,
  // never fall back to the operator cookie.
  bool profile_explicit = false;
  std::vector<std::string> endpoints = {};  // where the call may go
  std::string cookie_path = {};
  bool needs_login = true;  // the method is not open to anyone
};

struct AuthChoice {
  AuthSource source = AuthSource::kNone;
  std::string auth = {};  // the request's auth field; "" for kNone
};

// Never fails: an unreadable cookie simply does not match.
AuthChoice ResolveAuth(const AuthInputs& inputs);
std::string_view AuthSourceName(AuthSource source);

// A saved login answers only for the daemon (or the cluster) that issued it:
// sending it elsewhere would fail and make martctl drop a good session. True
// when every one of `endpoints` is one the login was made through
// (SameEndpoint), or the login names none.
bool ProfileServes(const Profile& profile, const std::vector<std::string>& endpoints);
// One daemon however its endpoint is spelled: ipc:// paths compared made
// absolute, with ".", "..", "//" and symlinks resolved; tcp:// regardless of
// ASCII case.
bool SameEndpoint(std::string_view a, std::string_view b);

inline constexpr std::string_view kDefaultProfile = "default";
// "martctl auth login", with --profile NAME unless it is the default profile.
std::string LoginHint(const std::string& profile);

// "cookie:<first line>" when the file is readable, its first line is not
// empty and its second line (martd's endpoint) is every one of `endpoints`.
std::optional<std::string> ReadCookieAuth(const std::string& cookie_path,
                                          const std::vector<std::string>& endpoints);

// The "exp" claim of a JWT, without verifying it (the daemon does that).
std::optional<int64_t> JwtExpiry(std::string_view token);

// Copies the tokens of a login or refresh reply into `profile`: access_token
// (required), refresh_token (kept when absent), and the expiry from
// expires_in (seconds from `now`), else the token's exp claim, else unknown.
// INTERNAL when the reply has no access token.
Status ApplyTokenReply(const nlohmann::json& reply, int64_t now, Profile* profile);

}  // namespace mart::cli
