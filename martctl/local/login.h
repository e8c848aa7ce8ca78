#pragma once
// The session side of the auth.* methods, hooked in by method_behaviour.cpp.
// Tokens go to the credentials file (see credentials.h), never to stdout
// unless --print-token asks for the access token alone.

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "martctl/method_behaviour.h"

namespace mart::cli {

// auth.login: saves the tokens, email, user id and role into the profile,
// says "logged in as <email> (profile <name>)" on stderr and prints a summary
// without tokens (or the access token alone with --print-token).
// auth.login: the credentials file must be usable before a session is made
// on the daemon that could then not be saved.
Status PrepareLogin(CallContext& context, nlohmann::json* params);
Result<Output> FinishLogin(CallContext& context, nlohmann::json result);

// auth.refresh: the refresh token comes from the profile. UNAUTHENTICATED
// when the profile holds none.
Status PrepareRefresh(CallContext& context, nlohmann::json* params);
// auth.refresh: saves the new pair; prints like FinishLogin.
Result<Output> FinishRefresh(CallContext& context, nlohmann::json result);

// auth.logout: drops the profile's tokens when the session used them, and
// says "logged out" on stderr.
Result<Output> FinishLogout(CallContext& context, nlohmann::json result);
// auth.logout answered UNAUTHENTICATED for a saved login: the session is gone
// anyway, so drop the tokens and succeed.
Result<Output> RecoverLogout(CallContext& context, const Status& error);

}  // namespace mart::cli
