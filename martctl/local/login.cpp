#include "martctl/local/login.h"

#include <ostream>
#include <string>

#include "martctl/local/auth.h"

namespace mart::cli {
namespace {

using nlohmann::json;

std::string StringOr(const json& object, const char* key, std::string fallback) {
  auto it = object.is_object() ? object.find(key) : object.end();
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// What a token reply prints: never the tokens, unless --print-token asks for
// the access token (alone, so that `$(martctl auth login … --print-token)` works).
Output TokenOutput(const CallContext& context, const json& reply, const Profile& profile) {
  if (context.invocation.flags.value("print_token", false)) {
    return Output{.value = profile.access_token, .plain_text = true};
  }
  json summary = {{"email", profile.email},
                  {"profile", context.settings.profile},
                  {"token_type", StringOr(reply, "token_type", "bearer")}};
  if (reply.contains("expires_in")) {
    summary["expires_in"] = reply["expires_in"];
  } else if (profile.access_expires_at != 0) {
    summary["expires_in"] = profile.access_expires_at - context.session.now();
  }
  if (profile.user_id != 0) summary["user_id"] = profile.user_id;
  if (!profile.role.empty()) summary["role"] = profile.role;
  return Output{.value = std::move(summary)};
}

Result<Profile> LoadProfile(CallContext& context) {
  return context.session.credentials().Load(context.settings.profile);
}

}  // namespace

Status PrepareLogin(CallContext& context, json*) { return LoadProfile(context).status(); }

Result<Output> FinishLogin(CallContext& context, json result) {
  Profile profile;
  profile.endpoints = context.settings.endpoints;
  const json user = result.value("user", json::object());
  profile.email = StringOr(user, "email", StringOr(context.invocation.params, "email", ""));
  if (user.is_object() && user.contains("id") && user["id"].is_number_integer()) {
    profile.user_id = user["id"].get<int64_t>();
  }
  profile.role = StringOr(user, "role", "");
  MART_RETURN_IF_ERROR(ApplyTokenReply(result, context.session.now(), &profile));
  MART_RETURN_IF_ERROR(context.session.credentials().Store(context.settings.profile, profile));
  context.io.err << "logged in as " << profile.email << " (profile " << context.settings.profile
                 << ")\n";
  return TokenOutput(context, result, profile);
}

Status PrepareRefresh(CallContext& context, json* params) {
  MART_ASSIGN_OR_RETURN(Profile profile, LoadProfile(context));
  if (profile.refresh_token.empty()) {
    return Unauthenticated("not logged in (profile " + context.settings.profile +
                           "), log in with '" + LoginHint(context.settings.profile) + "'");
  }
  (*params)["refresh_token"] = profile.refresh_token;
  return Status::Ok();
}

Result<Output> FinishRefresh(CallContext& context, json result) {
  MART_ASSIGN_OR_RETURN(Profile profile, LoadProfile(context));
  MART_RETURN_IF_ERROR(ApplyTokenReply(result, context.session.now(), &profile));
  MART_RETURN_IF_ERROR(context.session.credentials().Store(context.settings.profile, profile));
  context.io.err << "session renewed (profile " << context.settings.profile << ")\n";
  return TokenOutput(context, result, profile);
}

Result<Output> FinishLogout(CallContext& context, json result) {
  if (context.session.source() == AuthSource::kProfile) {
    MART_RETURN_IF_ERROR(context.session.credentials().ForgetTokens(context.settings.profile));
  }
  context.io.err << "logged out\n";
  return Output{.value = std::move(result)};
}

Result<Output> RecoverLogout(CallContext& context, const Status& error) {
  if (error.code() != Code::kUnauthenticated || context.session.source() != AuthSource::kProfile) {
    return error;
  }
  MART_RETURN_IF_ERROR(context.session.credentials().ForgetTokens(context.settings.profile));
  context.io.err << "logged out\n";
  return Output{.value = nullptr};
}

}  // namespace mart::cli
