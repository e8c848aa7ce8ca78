// The auth.* behaviours, driven through RunCommandLine with a fake daemon.
#include "martctl/local/login.h"

#include <gtest/gtest.h>

#include "martctl/local/credentials.h"
#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::RecordedCall;

const json kLoginReply = {{"access_token", "ACCESS-SECRET"},
                          {"refresh_token", "REFRESH-SECRET"},
                          {"token_type", "bearer"},
                          {"expires_in", 1800},
                          {"user", {{"id", 3}, {"email", "ann@example.com"}, {"role", "user"}}}};

class LoginTest : public ::testing::Test {
 protected:
  LoginTest() {
    test_.answer = [](const RecordedCall& call) -> Result<json> {
      if (call.method == "auth.login" || call.method == "auth.refresh") return kLoginReply;
      return json{{"session_id", 12}};
    };
  }

  int Login(std::vector<std::string> extra = {}) {
    test_.in.str("Secret123\n");
    std::vector<std::string> args = {"auth", "login", "--email", "Ann@example.com",
                                     "--password-stdin"};
    args.insert(args.end(), extra.begin(), extra.end());
    return test_.Run(args);
  }

  Profile Saved(const std::string& name = "default") {
    return CredentialsFile(test_.CredentialsPath()).Load(name).value();
  }

  testing::TestIo test_;
};

TEST_F(LoginTest, LoginSavesTheTokensAndPrintsNone) {
  ASSERT_EQ(Login({"-o", "json"}), 0) << test_.err.str();
  ASSERT_EQ(test_.calls.size(), 1u);
  EXPECT_EQ(test_.calls[0].params, (json{{"email", "Ann@example.com"}, {"password", "Secret123"}}));
  EXPECT_EQ(test_.calls[0].options.auth, "");
  Profile profile = Saved();
  EXPECT_EQ(profile.access_token, "ACCESS-SECRET");
  EXPECT_EQ(profile.refresh_token, "REFRESH-SECRET");
  EXPECT_EQ(profile.email, "ann@example.com");
  EXPECT_EQ(profile.user_id, 3);
  EXPECT_EQ(profile.role, "user");
  EXPECT_EQ(profile.access_expires_at, test_.now + 1800);
  EXPECT_EQ(test_.err.str(), "logged in as ann@example.com (profile default)\n");
  EXPECT_EQ(test_.out.str().find("SECRET"), std::string::npos);
  EXPECT_EQ(json::parse(test_.out.str()), (json{{"email", "ann@example.com"},
                                                {"profile", "default"},
                                                {"token_type", "bearer"},
                                                {"expires_in", 1800},
                                                {"user_id", 3},
                                                {"role", "user"}}));
}

TEST_F(LoginTest, PrintTokenPrintsTheAccessTokenAlone) {
  ASSERT_EQ(Login({"--print-token"}), 0) << test_.err.str();
  EXPECT_EQ(test_.out.str(), "ACCESS-SECRET\n");
}

TEST_F(LoginTest, ProfilesKeepLoginsApart) {
  ASSERT_EQ(Login({"--profile", "ops"}), 0) << test_.err.str();
  EXPECT_TRUE(Saved("ops").logged_in());
  EXPECT_FALSE(Saved("default").logged_in());
  EXPECT_EQ(test_.err.str(), "logged in as ann@example.com (profile ops)\n");
}

TEST_F(LoginTest, TheSavedLoginIsUsedAndLogoutDropsIt) {
  ASSERT_EQ(Login(), 0);
  test_.calls.clear();
  test_.err.str("");
  ASSERT_EQ(test_.Run({"auth", "logout"}), 0) << test_.err.str();
  ASSERT_EQ(test_.calls.size(), 1u);
  EXPECT_EQ(test_.calls[0].options.auth, "ACCESS-SECRET");
  EXPECT_EQ(test_.err.str(), "logged out\n");
  EXPECT_FALSE(Saved().logged_in());
}

TEST_F(LoginTest, LogoutOfARevokedSessionStillLogsOut) {
  ASSERT_EQ(Login(), 0);
  test_.answer = [](const RecordedCall&) -> Result<json> { return Unauthenticated("revoked"); };
  test_.err.str("");
  EXPECT_EQ(test_.Run({"auth", "logout"}), 0) << test_.err.str();
  EXPECT_EQ(test_.err.str(), "logged out\n");
  EXPECT_FALSE(Saved().logged_in());
}

TEST_F(LoginTest, RefreshSpendsTheSavedRefreshToken) {
  ASSERT_EQ(Login(), 0);
  test_.calls.clear();
  test_.out.str("");
  ASSERT_EQ(test_.Run({"auth", "refresh", "-o", "json"}), 0) << test_.err.str();
  ASSERT_EQ(test_.calls.size(), 1u);
  EXPECT_EQ(test_.calls[0].params, (json{{"refresh_token", "REFRESH-SECRET"}}));
  EXPECT_EQ(test_.calls[0].options.auth, "");
  EXPECT_EQ(test_.out.str().find("SECRET"), std::string::npos);
}

TEST_F(LoginTest, RefreshWithoutALoginIsAnAuthError) {
  EXPECT_EQ(test_.Run({"auth", "refresh"}), 4);
  EXPECT_TRUE(test_.calls.empty());
  EXPECT_EQ(test_.err.str(),
            "martctl: not logged in (profile default), log in with 'martctl auth login' "
            "[UNAUTHENTICATED]\n");
}

TEST_F(LoginTest, AnExpiredSessionIsDroppedWithTheDocumentedMessage) {
  ASSERT_EQ(Login(), 0);
  test_.answer = [](const RecordedCall&) -> Result<json> { return Unauthenticated("expired"); };
  test_.err.str("");
  EXPECT_EQ(test_.Run({"auth", "whoami"}), 4);
  EXPECT_EQ(test_.err.str(),
            "martctl: session expired, log in again with 'martctl auth login' [UNAUTHENTICATED]\n");
  EXPECT_FALSE(Saved().logged_in());
}

TEST_F(LoginTest, RegisterOnATerminalAsksTwice) {
  test_.stdin_tty = true;
  test_.typed = {"Secret123", "Secret123"};
  ASSERT_EQ(
      test_.Run({"auth", "register", "--email", "b@x.io", "--first-name", "B", "--last-name", "C"}),
      0)
      << test_.err.str();
  EXPECT_EQ(test_.prompts.size(), 2u);
  EXPECT_EQ(test_.calls[0].params["password"], "Secret123");
  EXPECT_EQ(test_.calls[0].options.auth, "");
}

}  // namespace
}  // namespace mart::cli
