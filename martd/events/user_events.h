#pragma once
// The payloads of the accounts' events (auth and account services). Each is
// declared once here: topic, version, aggregate key, when it is emitted and
// its fields (events/codec.h); events/catalog.h lists them all.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "events/codec.h"

namespace mart::events {

struct UserRegistered {
  static constexpr std::string_view kTopic = "user.registered";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "user_id";
  static constexpr std::string_view kWhen = "auth.register created an account.";
  int64_t user_id = 0;
  std::string email = {};
  std::string role = {};
  static constexpr auto Fields() {
    return std::tuple{Integer("user_id", &UserRegistered::user_id, "the new user's id"),
                      Text("email", &UserRegistered::email, "the e-mail address, as given"),
                      Text("role", &UserRegistered::role, "user, or admin for the first user")};
  }
};

struct UserPasswordChanged {
  static constexpr std::string_view kTopic = "user.password_changed";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "user_id";
  static constexpr std::string_view kWhen =
      "A user changed their password (profile.password), or an admin set it (user.set_password).";
  int64_t user_id = 0;
  std::optional<std::string> by = {};
  static constexpr auto Fields() {
    return std::tuple{
        Integer("user_id", &UserPasswordChanged::user_id, "whose password"),
        Optional("by", &UserPasswordChanged::by,
                 "the admin who set it (\"user 1\", \"the local operator\"); absent when the "
                 "user changed it")};
  }
};

struct UserRoleChanged {
  static constexpr std::string_view kTopic = "user.role_changed";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "user_id";
  static constexpr std::string_view kWhen = "user.set_role gave a user another role.";
  int64_t user_id = 0;
  std::string from = {};
  std::string to = {};
  static constexpr auto Fields() {
    return std::tuple{Integer("user_id", &UserRoleChanged::user_id, "whose role"),
                      Text("from", &UserRoleChanged::from, "the role before"),
                      Text("to", &UserRoleChanged::to, "the role now")};
  }
};

// The payload of the events that only name a user.
struct UserEvent {
  int64_t user_id = 0;
  static constexpr auto Fields() {
    return std::tuple{Integer("user_id", &UserEvent::user_id, "the user's id")};
  }
};

struct UserActivated : UserEvent {
  static constexpr std::string_view kTopic = "user.activated";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "user_id";
  static constexpr std::string_view kWhen = "user.activate reactivated a deactivated account.";
};

struct UserDeactivated : UserEvent {
  static constexpr std::string_view kTopic = "user.deactivated";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "user_id";
  static constexpr std::string_view kWhen =
      "user.deactivate deactivated an account and ended its sessions.";
};

struct UserUnlocked : UserEvent {
  static constexpr std::string_view kTopic = "user.unlocked";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "user_id";
  static constexpr std::string_view kWhen =
      "user.unlock forgot an account's failed logins and password checks.";
};

}  // namespace mart::events
