#include "commands/domains.h"

namespace mart {
namespace {

ArgSpec Email(bool required) {
  return {.name = "email", .help = "email address (unique, case-insensitive)",
          .required = required, .max_length = 254};
}

}  // namespace

std::vector<CommandSpec> AuthCommands() {
  return {
      {.method = "auth.register",
       .summary = "create an account (the first one becomes admin while none exists)",
       .access = Access::kAnyone,
       .mutating = true,
       .args = {Email(true),
                {.name = "password", .type = ArgType::kSecret,
                 .help = "at least 8 characters with an upper-case letter, a lower-case letter and a digit",
                 .required = true, .max_length = 1024},
                {.name = "first_name", .help = "given name", .required = true, .max_length = 100},
                {.name = "last_name", .help = "family name", .required = true, .max_length = 100},
                {.name = "phone", .help = "phone number", .max_length = 32}},
       .example = "martctl auth register --email ann@example.com --first-name Ann --last-name Lee",
       .rest = "POST /api/v1/auth/register"},
      {.method = "auth.login",
       .summary = "log in and get an access and a refresh token",
       .access = Access::kAnyone,
       .mutating = true,
       .args = {Email(true),
                {.name = "password", .type = ArgType::kSecret, .help = "the account's password",
                 .required = true, .max_length = 1024}},
       .example = "martctl auth login --email ann@example.com --password-stdin < pw.txt",
       .rest = "POST /api/v1/auth/login",
       .replay_reply = false,
       .id_field = "email"},
      {.method = "auth.refresh",
       .summary = "trade a refresh token for a new token pair (the old one is revoked)",
       .access = Access::kAnyone,
       .mutating = true,
       .args = {{.name = "refresh_token", .type = ArgType::kSecret,
                 .help = "the refresh token from login or the last refresh", .required = true,
                 .max_length = 4096}},
       .example = "martctl auth refresh",
       .rest = "POST /api/v1/auth/refresh",
       .replay_reply = false,
       .id_field = "email"},
      {.method = "auth.logout",
       .summary = "end the current session: its access and refresh tokens stop working",
       .access = Access::kUser,
       .mutating = true,
       .example = "martctl auth logout",
       .id_field = "session_id"},
      {.method = "auth.whoami",
       .summary = "show who the daemon thinks you are",
       .access = Access::kUser,
       .example = "martctl auth whoami -o json",
       .id_field = "id"},
  };
}

}  // namespace mart
