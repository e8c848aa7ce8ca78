// The accounts capability through a real in-process daemon and mart::Client.
#include <gtest/gtest.h>

#include "daemon_fixture.h"

namespace mart::testing {
namespace {

using nlohmann::json;

class AccountsFlowTest : public DaemonTest {};

TEST_F(AccountsFlowTest, RegisterLoginWhoamiAddressProfile) {
  auto user = Call("auth.register", {{"email", "customer@example.com"}, {"password", "Password123"},
                                     {"first_name", "Example"}, {"last_name", "Customer"},
                                     {"phone", "555-123-4567"}});
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ((*user)["id"], 1);
  EXPECT_EQ((*user)["is_active"], true);
  EXPECT_EQ((*user)["addresses"], json::array());
  EXPECT_FALSE(user->contains("password_hash"));
  EXPECT_FALSE(user->contains("password"));

  json tokens = Login("customer@example.com");
  EXPECT_EQ(tokens["token_type"], "bearer");
  std::string token = tokens["access_token"];
  auto me = Call("auth.whoami", json::object(), token);
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ((*me)["email"], "customer@example.com");

  auto address = Call("address.add", {{"line1", "123 Example Street"}, {"line2", "Apt 4B"},
                                      {"city", "Example City"}, {"state", "EX"},
                                      {"postal_code", "12345"}, {"country", "Example Country"},
                                      {"is_default", true}}, token);
  ASSERT_TRUE(address.ok()) << address.status().ToString();
  EXPECT_EQ((*address)["id"], 1);
  EXPECT_EQ((*address)["is_default"], true);

  auto profile = Call("profile.show", json::object(), token);
  ASSERT_TRUE(profile.ok());
  ASSERT_EQ((*profile)["addresses"].size(), 1u);
  EXPECT_EQ((*profile)["addresses"][0]["city"], "Example City");
}

TEST_F(AccountsFlowTest, FirstUserIsAdminLaterUsersAreNot) {
  std::string admin = RegisterAndLogin("admin@example.com");
  std::string user = RegisterAndLogin("user@example.com");
  auto admin_me = Call("auth.whoami", json::object(), admin);
  auto user_me = Call("auth.whoami", json::object(), user);
  ASSERT_TRUE(admin_me.ok() && user_me.ok());
  EXPECT_EQ((*admin_me)["role"], "admin");
  EXPECT_EQ((*user_me)["role"], "user");

  auto denied = Call("user.list", json::object(), user);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), Code::kPermissionDenied);
  auto listed = Call("user.list", json::object(), admin);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
}

TEST_F(AccountsFlowTest, UsersCannotReachEachOthersAddresses) {
  std::string alice = RegisterAndLogin("alice@example.com");
  std::string bob = RegisterAndLogin("bob@example.com");
  auto address = Call("address.add", {{"line1", "1 A St"}, {"city", "A"}, {"postal_code", "1"},
                                      {"country", "X"}}, alice);
  ASSERT_TRUE(address.ok());
  int64_t id = (*address)["id"];
  for (const char* method : {"address.update", "address.remove", "address.set_default"}) {
    auto attempt = Call(method, {{"id", id}}, bob);
    ASSERT_FALSE(attempt.ok()) << method;
    EXPECT_EQ(attempt.status().code(), Code::kNotFound) << method;
  }
  auto bobs = Call("address.list", json::object(), bob);
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(bobs->empty());
  auto alices = Call("address.list", json::object(), alice);
  ASSERT_TRUE(alices.ok());
  EXPECT_EQ(alices->size(), 1u);  // unchanged by bob's attempts
}

TEST_F(AccountsFlowTest, AccessTokenExpiresAfterThirtyMinutes) {
  std::string token = RegisterAndLogin("a@example.com");
  clock_.AdvanceSeconds(29 * 60);
  EXPECT_TRUE(Call("auth.whoami", json::object(), token).ok());
  clock_.AdvanceSeconds(2 * 60);
  auto expired = Call("auth.whoami", json::object(), token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(expired.status().message(), "token has expired");
}

TEST_F(AccountsFlowTest, RefreshRotatesAndReuseRevokesTheSession) {
  RegisterAndLogin("a@example.com");
  json first = Login("a@example.com");
  auto second = Call("auth.refresh", {{"refresh_token", first["refresh_token"]}});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE((*second)["refresh_token"], first["refresh_token"]);
  std::string access = (*second)["access_token"];
  EXPECT_TRUE(Call("auth.whoami", json::object(), access).ok());

  auto reuse = Call("auth.refresh", {{"refresh_token", first["refresh_token"]}});
  ASSERT_FALSE(reuse.ok());
  EXPECT_EQ(reuse.status().code(), Code::kUnauthenticated);
  // The whole family is gone: the rotated pair no longer works either.
  auto after = Call("auth.whoami", json::object(), access);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), Code::kUnauthenticated);
  EXPECT_FALSE(Call("auth.refresh", {{"refresh_token", (*second)["refresh_token"]}}).ok());
}

TEST_F(AccountsFlowTest, LogoutEndsTheSessionOnly) {
  RegisterAndLogin("a@example.com");
  std::string one = Login("a@example.com")["access_token"];
  std::string two = Login("a@example.com")["access_token"];
  ASSERT_TRUE(Call("auth.logout", json::object(), one).ok());
  EXPECT_EQ(Call("auth.whoami", json::object(), one).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(Call("auth.whoami", json::object(), two).ok());
}

TEST_F(AccountsFlowTest, DeactivatedUserCannotLoginOrUseTokens) {
  std::string admin = RegisterAndLogin("admin@example.com");
  std::string user = RegisterAndLogin("user@example.com");
  ASSERT_TRUE(Call("user.deactivate", {{"id", 2}}, admin).ok());
  EXPECT_EQ(Call("auth.whoami", json::object(), user).status().code(), Code::kUnauthenticated);
  auto login = Call("auth.login", {{"email", "user@example.com"}, {"password", "Password123"}});
  ASSERT_FALSE(login.ok());
  EXPECT_EQ(login.status().code(), Code::kPermissionDenied);
  ASSERT_TRUE(Call("user.activate", {{"id", 2}}, admin).ok());
  EXPECT_TRUE(Call("auth.login", {{"email", "user@example.com"}, {"password", "Password123"}}).ok());
}

TEST_F(AccountsFlowTest, RoleChangeTakesEffectOnExistingTokens) {
  std::string admin = RegisterAndLogin("admin@example.com");
  std::string user = RegisterAndLogin("user@example.com");
  EXPECT_EQ(Call("user.list", json::object(), user).status().code(), Code::kPermissionDenied);
  ASSERT_TRUE(Call("user.set_role", {{"id", 2}, {"role", "admin"}}, admin).ok());
  EXPECT_TRUE(Call("user.list", json::object(), user).ok());
}

TEST_F(AccountsFlowTest, FailedLoginsAreRateLimitedPerAccount) {
  RegisterAndLogin("a@example.com");
  RegisterAndLogin("b@example.com");
  for (int i = 0; i < 5; ++i) {
    auto wrong = Call("auth.login", {{"email", "a@example.com"}, {"password", "Wrong1234"}});
    ASSERT_EQ(wrong.status().code(), Code::kUnauthenticated);
    EXPECT_EQ(wrong.status().message(), "incorrect email or password");
  }
  auto limited = Call("auth.login", {{"email", "a@example.com"}, {"password", "Password123"}});
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), Code::kRateLimited);
  EXPECT_GT(limited.status().details()["retry_after_s"].get<int>(), 0);
  EXPECT_TRUE(Call("auth.login", {{"email", "b@example.com"}, {"password", "Password123"}}).ok());
  clock_.AdvanceSeconds(15 * 60 + 1);
  EXPECT_TRUE(Call("auth.login", {{"email", "a@example.com"}, {"password", "Password123"}}).ok());
}

TEST_F(AccountsFlowTest, OperatorCookieIsAdminWithoutLogin) {
  RegisterAndLogin("a@example.com");
  auto listed = Call("user.list", json::object(), Cookie());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), 1u);
  auto wrong = Call("user.list", json::object(), "cookie:0000");
  EXPECT_EQ(wrong.status().code(), Code::kUnauthenticated);
  auto profile = Call("profile.show", json::object(), Cookie());
  EXPECT_EQ(profile.status().code(), Code::kFailedPrecondition);
}

TEST_F(AccountsFlowTest, PasswordChangeEndsOtherSessions) {
  RegisterAndLogin("a@example.com");
  std::string current = Login("a@example.com")["access_token"];
  std::string other = Login("a@example.com")["access_token"];
  auto wrong = Call("profile.password", {{"current_password", "Nope12345"},
                                         {"new_password", "NewPassword1"}}, current);
  EXPECT_EQ(wrong.status().code(), Code::kInvalidArgument);
  auto changed = Call("profile.password", {{"current_password", "Password123"},
                                           {"new_password", "NewPassword1"}}, current);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_TRUE(Call("auth.whoami", json::object(), current).ok());
  EXPECT_EQ(Call("auth.whoami", json::object(), other).status().code(), Code::kUnauthenticated);
  EXPECT_FALSE(Call("auth.login", {{"email", "a@example.com"}, {"password", "Password123"}}).ok());
  EXPECT_TRUE(Call("auth.login", {{"email", "a@example.com"}, {"password", "NewPassword1"}}).ok());
}

TEST_F(AccountsFlowTest, AnEndedSessionCannotTestPasswords) {
  std::string token = RegisterAndLogin("a@example.com");
  ASSERT_TRUE(Call("auth.logout", json::object(), token).ok());
  for (const char* guess : {"Guess12345", "Password123"}) {
    auto attempt = Call("profile.password", {{"current_password", guess},
                                             {"new_password", "NewPassword1"}}, token);
    ASSERT_FALSE(attempt.ok());
    // The same answer whether the guess was right or not.
    EXPECT_EQ(attempt.status().code(), Code::kUnauthenticated) << guess;
  }
}

TEST_F(AccountsFlowTest, FailedLoginsDoNotLockAnotherUsersPasswordChecks) {
  std::string token = RegisterAndLogin("a@example.com");
  for (const char* email : {"user 1", "user:1"}) {
    for (int i = 0; i < 6; ++i) {
      (void)Call("auth.login", {{"email", email}, {"password", "Whatever1"}});
    }
  }
  auto changed = Call("profile.password", {{"current_password", "Password123"},
                                           {"new_password", "NewPassword1"}}, token);
  EXPECT_TRUE(changed.ok()) << changed.status().ToString();
}

TEST_F(AccountsFlowTest, RemovedAddressIdsAreNeverReused) {
  std::string token = RegisterAndLogin("a@example.com");
  json fields = {{"line1", "1 A St"}, {"city", "A"}, {"postal_code", "1"}, {"country", "X"}};
  ASSERT_TRUE(Call("address.add", fields, token).ok());
  auto second = Call("address.add", fields, token);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(Call("address.remove", {{"id", (*second)["id"]}}, token).ok());
  auto third = Call("address.add", fields, token);
  ASSERT_TRUE(third.ok());
  EXPECT_GT((*third)["id"].get<int64_t>(), (*second)["id"].get<int64_t>());
}

}  // namespace
}  // namespace mart::testing
