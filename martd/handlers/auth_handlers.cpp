#include "handlers/handlers.h"
#include "handlers/params.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::PrepareContext;
using rpc::RequestContext;

Result<json> PrepareRegister(PrepareContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(std::string hash, ctx.services.auth.HashNewPassword(String(params, "password")));
  json prepared = params;
  prepared.erase("password");
  prepared["password_hash"] = std::move(hash);
  return prepared;
}

Result<json> Register(RequestContext& ctx, const json& params) {
  NewUser user{String(params, "email"), String(params, "first_name"), String(params, "last_name"),
               OptString(params, "phone")};
  MART_ASSIGN_OR_RETURN(User created,
                        ctx.services.auth.Register(ctx.tx, user, String(params, "password_hash")));
  std::vector<Address> no_addresses;
  return ToJson(created, &no_addresses);
}

Result<json> PrepareLogin(PrepareContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(VerifiedLogin login,
                        ctx.services.auth.VerifyLogin(ctx.reader, String(params, "email"),
                                                      String(params, "password"), ctx.source));
  return json{{"user_id", login.user_id}, {"password_hash", login.password_hash}};
}

Result<json> Login(RequestContext& ctx, const json& params) {
  VerifiedLogin login{Int(params, "user_id"), String(params, "password_hash")};
  return ctx.services.auth.Login(ctx.tx, login);
}

Result<json> Refresh(RequestContext& ctx, const json& params) {
  return ctx.services.auth.Refresh(ctx.tx, String(params, "refresh_token"),
                                   &ctx.keep_effects_on_error);
}

Result<json> Logout(RequestContext& ctx, const json&) {
  MART_RETURN_IF_ERROR(ctx.services.auth.Logout(ctx.tx, ctx.principal));
  return json{{"session_id", ctx.principal.session_id}, {"logged_out", true}};
}

Result<json> Whoami(RequestContext& ctx, const json&) {
  if (!ctx.principal.IsUser()) {
    return json{{"id", nullptr}, {"is_operator", true}, {"role", kRoleAdmin},
                {"description", ctx.principal.Describe()}};
  }
  MART_ASSIGN_OR_RETURN(User user, ctx.tx.store.users().Get(ctx.principal.user_id));
  json result = ToJson(user);
  result["is_operator"] = false;
  result["session_id"] = ctx.principal.session_id;
  return result;
}

Result<json> PrepareChangePassword(PrepareContext& ctx, const json& params) {
  if (!ctx.principal.IsUser()) {
    return FailedPrecondition("the local operator has no password; log in as a user");
  }
  MART_ASSIGN_OR_RETURN(VerifiedLogin current,
                        ctx.services.auth.VerifyCurrentPassword(
                            ctx.reader, ctx.principal.user_id, String(params, "current_password")));
  MART_ASSIGN_OR_RETURN(std::string new_hash, ctx.services.auth.HashNewPassword(
                                                  String(params, "new_password"), "new_password"));
  return json{{"current_hash", current.password_hash}, {"new_hash", new_hash}};
}

Result<json> ChangePassword(RequestContext& ctx, const json& params) {
  VerifiedLogin current{ctx.principal.user_id, String(params, "current_hash")};
  MART_RETURN_IF_ERROR(ctx.services.auth.ChangePassword(ctx.tx, ctx.principal, current,
                                                        String(params, "new_hash")));
  return json{{"id", ctx.principal.user_id}, {"password_changed", true}};
}

}  // namespace

void AddAuthHandlers(rpc::HandlerTable& table) {
  table["auth.register"] = {Register, PrepareRegister};
  table["auth.login"] = {Login, PrepareLogin};
  table["auth.refresh"] = {Refresh};
  table["auth.logout"] = {Logout};
  table["auth.whoami"] = {Whoami};
  table["profile.password"] = {ChangePassword, PrepareChangePassword};
}

}  // namespace mart::handlers
