#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/params.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::RequestContext;

AddressChange ReadAddressChange(const json& params) {
  AddressChange change;
  change.fields.line1 = OptString(params, "line1");
  change.fields.line2 = OptString(params, "line2");
  change.fields.city = OptString(params, "city");
  change.fields.state = OptString(params, "state");
  change.fields.postal_code = OptString(params, "postal_code");
  change.fields.country = OptString(params, "country");
  change.is_default = OptBool(params, "is_default");
  return change;
}

json AddressesJson(const std::vector<Address>& addresses) {
  json list = json::array();
  for (const Address& address : addresses) list.push_back(ToJson(address));
  return list;
}

Result<json> ShowProfile(RequestContext& ctx, const json&) {
  return ctx.services.accounts.Profile(ctx.tx, ctx.principal);
}

Result<json> UpdateProfile(RequestContext& ctx, const json& params) {
  ProfileChange change{OptString(params, "first_name"), OptString(params, "last_name"),
                       OptString(params, "phone")};
  return ctx.services.accounts.UpdateProfile(ctx.tx, ctx.principal, change);
}

Result<json> AddAddress(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Address address,
                        ctx.services.accounts.AddAddress(ctx.tx, ctx.principal, ReadAddressChange(params)));
  return ToJson(address);
}

Result<json> ListAddresses(RequestContext& ctx, const json&) {
  MART_ASSIGN_OR_RETURN(std::vector<Address> list,
                        ctx.services.accounts.ListAddresses(ctx.tx, ctx.principal));
  return AddressesJson(list);
}

Result<json> UpdateAddress(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Address address,
                        ctx.services.accounts.UpdateAddress(ctx.tx, ctx.principal, Int(params, "id"),
                                                            ReadAddressChange(params)));
  return ToJson(address);
}

Result<json> RemoveAddress(RequestContext& ctx, const json& params) {
  MART_RETURN_IF_ERROR(ctx.services.accounts.RemoveAddress(ctx.tx, ctx.principal, Int(params, "id")));
  return json{{"id", Int(params, "id")}, {"removed", true}};
}

Result<json> SetDefaultAddress(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Address address, ctx.services.accounts.SetDefaultAddress(
                                             ctx.tx, ctx.principal, Int(params, "id")));
  return ToJson(address);
}

Result<json> ListUsers(RequestContext& ctx, const json& params) {
  store::UserFilter filter;
  filter.role = OptString(params, "role");
  filter.active = OptBool(params, "active");
  filter.email_contains = OptString(params, "email");
  const PageParams page = ReadPage(params);
  filter.limit = page.fetch();
  filter.offset = page.offset;
  MART_ASSIGN_OR_RETURN(filter.after_id, IntCursor(page));
  MART_ASSIGN_OR_RETURN(std::vector<User> users, ctx.services.accounts.ListUsers(ctx.tx, filter));
  return FinishPage(ctx, page, users, [](const User& u) { return ToJson(u); },
                    [](const User& u) { return std::to_string(u.id); });
}

Result<json> GetUser(RequestContext& ctx, const json& params) {
  return ctx.services.accounts.GetUser(ctx.tx, Int(params, "id"));
}

Result<json> SetRole(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(User user, ctx.services.accounts.SetRole(ctx.tx, Int(params, "id"),
                                                                 String(params, "role")));
  return ToJson(user);
}

rpc::RunFn SetActive(bool active) {
  return [active](RequestContext& ctx, const json& params) -> Result<json> {
    MART_ASSIGN_OR_RETURN(User user,
                          ctx.services.accounts.SetActive(ctx.tx, Int(params, "id"), active));
    return ToJson(user);
  };
}

Result<json> Unlock(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(int forgotten, ctx.services.auth.Unlock(ctx.tx, Int(params, "id")));
  return json{{"id", Int(params, "id")}, {"unlocked", true}, {"failed_logins_cleared", forgotten}};
}

// argon2id off the store thread, as for every password.
Result<json> PrepareSetPassword(rpc::PrepareContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(std::string hash, ctx.services.auth.HashNewPassword(
                                              String(params, "new_password"), "new_password"));
  return json{{"id", Int(params, "id")}, {"new_hash", std::move(hash)}};
}

Result<json> SetPassword(RequestContext& ctx, const json& params) {
  MART_RETURN_IF_ERROR(ctx.services.auth.SetPassword(ctx.tx, ctx.principal, Int(params, "id"),
                                                     String(params, "new_hash")));
  return json{{"id", Int(params, "id")}, {"password_changed", true}};
}

}  // namespace

void AddAccountHandlers(rpc::HandlerTable& table) {
  table["profile.show"] = {ShowProfile};
  table["profile.update"] = {UpdateProfile};
  table["address.add"] = {AddAddress};
  table["address.list"] = {ListAddresses};
  table["address.update"] = {UpdateAddress};
  table["address.remove"] = {RemoveAddress};
  table["address.set_default"] = {SetDefaultAddress};
}

void AddAdminUserHandlers(rpc::HandlerTable& table) {
  table["user.list"] = {ListUsers};
  table["user.get"] = {GetUser};
  table["user.set_role"] = {SetRole};
  table["user.deactivate"] = {SetActive(false)};
  table["user.activate"] = {SetActive(true)};
  table["user.unlock"] = {Unlock};
  table["user.set_password"] = {SetPassword, PrepareSetPassword};
}

}  // namespace mart::handlers
