// Failed-login limits per account and source, and the admin's way out
// (user.unlock, user.set_password), through a real in-process daemon. The
// test process is martd's own Unix user, so its forwarded_for (what mart-rest
// sends for each HTTP client) names the source, as for the bridge.
#include <gtest/gtest.h>

#include "daemon_fixture.h"

namespace mart::testing {
namespace {

using nlohmann::json;

constexpr const char* kStranger = "203.0.113.9";
constexpr const char* kOwnersPlace = "198.51.100.7";

class LoginLockoutTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    admin_token_ = RegisterAndLogin("admin@example.com");
    RegisterAndLogin("ann@example.com");
    ann_id_ = 2;
  }

  Result<json> LoginFrom(const std::string& source, const std::string& password,
                         const std::string& email = "ann@example.com") {
    return NewClient()->Call("auth.login", {{"email", email}, {"password", password}},
                             CallOptions{.auth = "", .idempotency_key = "",
                                         .forwarded_for = source});
  }

  std::string admin_token_;
  int64_t ann_id_ = 0;
};

// The issue: five wrong passwords from anyone locked the account, the right
// password included, for everybody.
TEST_F(LoginLockoutTest, AStrangersFailuresDoNotKeepTheOwnerOut) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(LoginFrom(kStranger, "Wrong0000").status().code(), Code::kUnauthenticated);
  }
  auto stranger = LoginFrom(kStranger, "Password123");
  ASSERT_EQ(stranger.status().code(), Code::kRateLimited) << stranger.status().ToString();
  EXPECT_EQ(stranger.status().details()["scope"], "source");
  EXPECT_NE(stranger.status().message().find("from 203.0.113.9 (forwarded)"), std::string::npos)
      << stranger.status().message();

  auto owner = LoginFrom(kOwnersPlace, "Password123");
  ASSERT_TRUE(owner.ok()) << owner.status().ToString();
  EXPECT_TRUE((*owner).contains("access_token"));
  // martctl on the daemon's machine (no forwarded_for) is a source of its own too.
  EXPECT_TRUE(Call("auth.login", {{"email", "ann@example.com"}, {"password", "Password123"}}).ok());
}

TEST_F(LoginLockoutTest, GuessingFromManySourcesIsStillBoundedPerAccount) {
  for (int i = 0; i < 20; ++i) {
    (void)LoginFrom("10.0.0." + std::to_string(i / 4), "Wrong0000");
  }
  auto fresh = LoginFrom("192.0.2.1", "Password123");
  ASSERT_EQ(fresh.status().code(), Code::kRateLimited) << fresh.status().ToString();
  EXPECT_EQ(fresh.status().details()["scope"], "account");
}

TEST_F(LoginLockoutTest, AnAdminUnlocksTheAccount) {
  for (int i = 0; i < 5; ++i) (void)LoginFrom(kStranger, "Wrong0000");
  ASSERT_EQ(LoginFrom(kStranger, "Password123").status().code(), Code::kRateLimited);

  const std::string ann_token =
      LoginFrom(kOwnersPlace, "Password123").value()["access_token"].get<std::string>();
  auto denied = Call("user.unlock", {{"id", ann_id_}}, ann_token);
  EXPECT_EQ(denied.status().code(), Code::kPermissionDenied);

  auto unlocked = Call("user.unlock", {{"id", ann_id_}}, admin_token_);
  ASSERT_TRUE(unlocked.ok()) << unlocked.status().ToString();
  EXPECT_EQ(*unlocked, (json{{"id", ann_id_}, {"unlocked", true}, {"failed_logins_cleared", 5}}));
  EXPECT_TRUE(LoginFrom(kStranger, "Password123").ok());

  EXPECT_EQ(Call("user.unlock", {{"id", 99}}, admin_token_).status().code(), Code::kNotFound);
  EXPECT_TRUE(Call("user.unlock", {{"id", ann_id_}}, Cookie()).ok());  // the local operator
}

TEST_F(LoginLockoutTest, AnAdminSetsAPasswordAndTheOldSessionsEnd) {
  const std::string first =
      LoginFrom(kOwnersPlace, "Password123").value()["access_token"].get<std::string>();
  const std::string second = Login("ann@example.com")["access_token"].get<std::string>();
  ASSERT_TRUE(Call("auth.whoami", json::object(), first).ok());
  for (int i = 0; i < 5; ++i) (void)LoginFrom(kStranger, "Wrong0000");

  auto weak = Call("user.set_password", {{"id", ann_id_}, {"new_password", "short"}}, admin_token_);
  EXPECT_EQ(weak.status().code(), Code::kInvalidArgument);
  auto by_user = Call("user.set_password", {{"id", 1}, {"new_password", "Takeover123"}}, second);
  EXPECT_EQ(by_user.status().code(), Code::kPermissionDenied);

  auto set = Call("user.set_password", {{"id", ann_id_}, {"new_password", "Newpass456"}},
                  admin_token_);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(*set, (json{{"id", ann_id_}, {"password_changed", true}}));

  for (const std::string& token : {first, second}) {
    EXPECT_EQ(Call("auth.whoami", json::object(), token).status().code(), Code::kUnauthenticated);
  }
  EXPECT_EQ(LoginFrom(kOwnersPlace, "Password123").status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(LoginFrom(kOwnersPlace, "Newpass456").ok());
  EXPECT_TRUE(LoginFrom(kStranger, "Newpass456").ok());  // the reset unlocked the account too
  EXPECT_TRUE(Call("auth.whoami", json::object(), admin_token_).ok());  // the admin's session stays
}

// forwarded_for is part of the envelope: bounded and an address, never text
// that could reach a log line or a limiter key.
TEST_F(LoginLockoutTest, AForwardedForThatIsNoAddressIsRefused) {
  auto bad = LoginFrom("203.0.113.9\nforged", "Password123");
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("forwarded_for"), std::string::npos);
  auto long_one = LoginFrom(std::string(65, '1'), "Password123");
  EXPECT_EQ(long_one.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace mart::testing
