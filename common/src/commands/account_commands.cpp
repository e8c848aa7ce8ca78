#include "commands/domains.h"

namespace mart {
namespace {

std::vector<ArgSpec> AddressFields(bool required) {
  return {
      {.name = "line1", .help = "street and number", .required = required},
      {.name = "line2", .help = "apartment, suite, floor"},
      {.name = "city", .help = "city", .required = required, .max_length = 100},
      {.name = "state", .help = "state or region", .max_length = 100},
      {.name = "postal_code", .help = "postal code", .required = required, .max_length = 20},
      {.name = "country", .help = "country", .required = required, .max_length = 100},
      {.name = "is_default", .type = ArgType::kBool, .help = "make this the default address"},
  };
}

ArgSpec AddressId() {
  return {.name = "id", .type = ArgType::kInt, .help = "address id", .required = true,
          .positional = true, .min = 1};
}

std::vector<ArgSpec> Concat(std::vector<ArgSpec> head, std::vector<ArgSpec> tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

}  // namespace

std::vector<CommandSpec> AccountCommands() {
  const std::vector<std::string_view> kAddressColumns = {
      "id", "is_default", "line1", "line2", "city", "state", "postal_code", "country"};
  return {
      {.method = "profile.show",
       .summary = "show your profile with its addresses",
       .example = "martctl profile show",
       .rest = "GET /api/v1/users/me"},
      {.method = "profile.update",
       .summary = "change your name or phone",
       .mutating = true,
       .args = {{.name = "first_name", .help = "given name", .max_length = 100},
                {.name = "last_name", .help = "family name", .max_length = 100},
                {.name = "phone", .help = "phone number (empty to clear)", .max_length = 32}},
       .example = "martctl profile update --phone 555-123-4567",
       .rest = "PUT /api/v1/users/me"},
      {.method = "profile.password",
       .summary = "change your password; your other sessions are logged out",
       .mutating = true,
       .args = {{.name = "current_password", .type = ArgType::kSecret, .help = "the password now",
                 .required = true, .max_length = 1024},
                {.name = "new_password", .type = ArgType::kSecret, .help = "the new password",
                 .required = true, .max_length = 1024}},
       .example = "printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | martctl profile password --password-stdin",
       .rest = "PUT /api/v1/users/me/password",
       .id_field = "id"},
      {.method = "address.add",
       .summary = "add a shipping address (your first one becomes the default)",
       .mutating = true,
       .args = AddressFields(true),
       .example = "martctl address add --line1 '123 Example St' --city Springfield "
                  "--postal-code 12345 --country US",
       .rest = "POST /api/v1/users/me/addresses"},
      {.method = "address.list",
       .summary = "list your addresses, the default first",
       .example = "martctl address list",
       .rest = "GET /api/v1/users/me/addresses",
       .columns = kAddressColumns},
      {.method = "address.update",
       .summary = "change fields of one of your addresses",
       .mutating = true,
       .args = Concat({AddressId()}, AddressFields(false)),
       .example = "martctl address update 3 --city Shelbyville",
       .rest = "PUT /api/v1/users/me/addresses/{id}"},
      {.method = "address.remove",
       .summary = "delete one of your addresses (another becomes default if needed)",
       .mutating = true,
       .args = {AddressId()},
       .example = "martctl address remove 3",
       .rest = "DELETE /api/v1/users/me/addresses/{id}"},
      {.method = "address.set_default",
       .summary = "make one of your addresses the default",
       .mutating = true,
       .args = {AddressId()},
       .example = "martctl address set-default 3"},
  };
}

std::vector<CommandSpec> AdminUserCommands() {
  ArgSpec user_id{.name = "id", .type = ArgType::kInt, .help = "user id", .required = true,
                  .positional = true, .min = 1};
  return {
      {.method = "user.list",
       .summary = "list accounts (admin)",
       .access = Access::kAdmin,
       .args = {{.name = "role", .type = ArgType::kEnum, .help = "only this role",
                 .choices = {"user", "admin"}},
                {.name = "active", .type = ArgType::kBool, .help = "only active (true) or deactivated (false)"},
                {.name = "email", .help = "only emails containing this text"},
                LimitArg(), OffsetArg(), CursorArg()},
       .example = "martctl user list --role admin",
       .columns = {"id", "email", "first_name", "last_name", "role", "is_active", "created_at"}},
      {.method = "user.get",
       .summary = "show one account with its addresses (admin)",
       .access = Access::kAdmin,
       .args = {user_id},
       .example = "martctl user get 2"},
      {.method = "user.set_role",
       .summary = "make an account a user or an admin (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {user_id, {.name = "role", .type = ArgType::kEnum, .help = "the new role",
                          .required = true, .positional = true, .choices = {"user", "admin"}}},
       .example = "martctl user set-role 2 admin"},
      {.method = "user.deactivate",
       .summary = "block an account: no login, its tokens stop working (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {user_id},
       .example = "martctl user deactivate 2"},
      {.method = "user.activate",
       .summary = "unblock a deactivated account (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {user_id},
       .example = "martctl user activate 2"},
      {.method = "user.unlock",
       .summary = "let an account log in again after failed logins locked it (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {user_id},
       .example = "martctl user unlock 2"},
      {.method = "user.set_password",
       .summary = "set an account's password; its sessions are logged out (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {user_id,
                {.name = "new_password", .type = ArgType::kSecret, .help = "the new password",
                 .required = true, .max_length = 1024}},
       .example = "printf '%s\\n' \"$NEW\" | martctl user set-password 2 --password-stdin"},
  };
}

}  // namespace mart
