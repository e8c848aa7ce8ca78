#include "martctl/local/session.h"

#include <fstream>

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::RecordedCall;
using testing::TempDir;

constexpr int64_t kNow = 1'700'000'000;

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() {
    settings_.endpoints = {"ipc:///d"};
    settings_.profile = "default";
    settings_.credentials_path = dir_.path() + "/credentials.json";
    settings_.cookie_path = dir_.path() + "/no-cookie";
  }

  void SaveLogin(int64_t expires_at) {
    Profile profile{.endpoints = {"ipc:///d"},
                    .email = "ann@example.com",
                    .access_token = "old-access",
                    .refresh_token = "old-refresh",
                    .access_expires_at = expires_at};
    ASSERT_TRUE(CredentialsFile(settings_.credentials_path).Store("default", profile).ok());
  }

  Profile Saved() { return CredentialsFile(settings_.credentials_path).Load("default").value(); }

  Session MakeSession() {
    Transport transport = [this](std::string_view method, const json& params,
                                 const CallOptions& options) {
      calls_.push_back({std::string(method), params, options});
      return answer_(calls_.back());
    };
    return Session(settings_, transport, [] { return kNow; });
  }

  const CommandSpec& Spec(std::string_view method) { return *FindCommand(method); }

  TempDir dir_;
  Settings settings_;
  std::vector<RecordedCall> calls_;
  std::function<Result<json>(const RecordedCall&)> answer_;
};

Result<json> Refreshed() {
  return json{
      {"access_token", "new-access"}, {"refresh_token", "new-refresh"}, {"expires_in", 1800}};
}

TEST_F(SessionTest, AFreshLoginIsSentAsItIs) {
  SaveLogin(kNow + 600);
  answer_ = [](const RecordedCall&) { return Result<json>(json{{"id", 1}}); };
  Session session = MakeSession();
  ASSERT_TRUE(session.Call(Spec("auth.whoami"), json::object()).ok());
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].options.auth, "old-access");
  EXPECT_EQ(calls_[0].options.idempotency_key, "");
  EXPECT_EQ(session.source(), AuthSource::kProfile);
}

TEST_F(SessionTest, ATokenAboutToExpireIsRenewedFirst) {
  SaveLogin(kNow + 30);
  answer_ = [](const RecordedCall& call) {
    return call.method == "auth.refresh" ? Refreshed() : Result<json>(json::object());
  };
  Session session = MakeSession();
  ASSERT_TRUE(session.Call(Spec("auth.whoami"), json::object()).ok());
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[0].method, "auth.refresh");
  EXPECT_EQ(calls_[0].params, (json{{"refresh_token", "old-refresh"}}));
  EXPECT_EQ(calls_[0].options.auth, "");
  EXPECT_EQ(calls_[1].options.auth, "new-access");
  EXPECT_EQ(Saved().refresh_token, "new-refresh");
  EXPECT_EQ(Saved().access_expires_at, kNow + 1800);
}

TEST_F(SessionTest, UnauthenticatedRenewsOnceAndRetriesWithTheSameKey) {
  SaveLogin(kNow + 600);
  answer_ = [](const RecordedCall& call) -> Result<json> {
    if (call.method == "auth.refresh") return Refreshed();
    if (call.options.auth == "old-access") return Unauthenticated("token revoked");
    return json{{"ok", true}};
  };
  Session session = MakeSession();
  Result<json> result = session.Call(Spec("profile.update"), {{"phone", "1"}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(calls_.size(), 3u);
  EXPECT_EQ(calls_[2].options.auth, "new-access");
  EXPECT_FALSE(calls_[0].options.idempotency_key.empty());
  EXPECT_EQ(calls_[0].options.idempotency_key, calls_[2].options.idempotency_key);
}

TEST_F(SessionTest, ARefusedRenewalDropsTheTokens) {
  SaveLogin(kNow + 600);
  answer_ = [](const RecordedCall&) -> Result<json> { return Unauthenticated("revoked"); };
  Session session = MakeSession();
  Result<json> result = session.Call(Spec("auth.whoami"), json::object());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().ToString(),
            "session expired, log in again with 'martctl auth login' [UNAUTHENTICATED]");
  EXPECT_EQ(result.status().exit_code(), 4);
  EXPECT_EQ(calls_.size(), 2u);
  EXPECT_FALSE(Saved().logged_in());
  EXPECT_EQ(Saved().email, "ann@example.com");
}

TEST_F(SessionTest, AnUnreachableDaemonKeepsTheTokens) {
  SaveLogin(kNow + 30);
  answer_ = [](const RecordedCall&) -> Result<json> { return Unavailable("daemon unavailable"); };
  Session session = MakeSession();
  Result<json> result = session.Call(Spec("auth.whoami"), json::object());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kUnavailable);
  EXPECT_TRUE(Saved().logged_in());
}

TEST_F(SessionTest, AnExplicitTokenIsNeverRenewed) {
  SaveLogin(kNow + 600);
  settings_.token_flag = "given";
  answer_ = [](const RecordedCall&) -> Result<json> { return Unauthenticated("bad token"); };
  Session session = MakeSession();
  Result<json> result = session.Call(Spec("auth.whoami"), json::object());
  EXPECT_EQ(result.status().message(), "bad token");
  EXPECT_EQ(calls_.size(), 1u);
  EXPECT_TRUE(Saved().logged_in());
}

TEST_F(SessionTest, ARenewalByAnotherProcessIsAdopted) {
  SaveLogin(kNow + 600);
  answer_ = [this](const RecordedCall& call) -> Result<json> {
    if (call.options.auth != "old-access") return json::object();
    // Another martctl renews the session while this call is in flight.
    Profile other = Saved();
    other.access_token = "other-access";
    other.access_expires_at = kNow + 1800;
    EXPECT_TRUE(CredentialsFile(settings_.credentials_path).Store("default", other).ok());
    return Unauthenticated("expired");
  };
  Session session = MakeSession();
  ASSERT_TRUE(session.Call(Spec("auth.whoami"), json::object()).ok());
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[1].options.auth, "other-access");
}

TEST_F(SessionTest, AnonymousCallsSendNoCredentials) {
  SaveLogin(kNow + 600);
  answer_ = [](const RecordedCall&) { return Result<json>(json::object()); };
  Session session = MakeSession();
  ASSERT_TRUE(session.CallAnonymously(Spec("auth.login"), {{"email", "a"}}).ok());
  EXPECT_EQ(calls_[0].options.auth, "");
}

TEST_F(SessionTest, ABrokenCredentialsFileFailsOnlyMethodsThatNeedALogin) {
  std::ofstream(settings_.credentials_path) << "garbage";
  answer_ = [](const RecordedCall&) { return Result<json>(json{{"ready", true}}); };
  Session session = MakeSession();
  Result<json> status = session.Call(Spec("daemon.status"), json::object());
  EXPECT_TRUE(status.ok()) << status.status().ToString();
  Result<json> whoami = session.Call(Spec("auth.whoami"), json::object());
  ASSERT_FALSE(whoami.ok());
  EXPECT_EQ(whoami.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(calls_.size(), 1u);  // the failing one never reached the daemon
}

TEST_F(SessionTest, ACookieCallAcrossADaemonRestartIsSentAgainWithTheNewCookie) {
  settings_.cookie_path = dir_.path() + "/cookie";
  std::ofstream(settings_.cookie_path) << "old\nipc:///d\n";
  answer_ = [this](const RecordedCall& call) -> Result<json> {
    if (call.options.auth == "cookie:new") return json::object();
    std::ofstream(settings_.cookie_path) << "new\nipc:///d\n";  // martd restarted meanwhile
    return Unauthenticated("events.read needs a login");
  };
  Session session = MakeSession();
  ASSERT_TRUE(session.Call(Spec("events.read"), json::object()).ok());
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[0].options.auth, "cookie:old");
  EXPECT_EQ(calls_[1].options.auth, "cookie:new");
}

TEST_F(SessionTest, ACallMadeWhileTheCookieWasGoneIsSentAgainWithTheNewOne) {
  settings_.cookie_path = dir_.path() + "/cookie";  // martd stopped and removed it
  answer_ = [this](const RecordedCall& call) -> Result<json> {
    if (call.options.auth == "cookie:new") return json::object();
    std::ofstream(settings_.cookie_path) << "new\nipc:///d\n";
    return Unauthenticated("events.read needs a login");
  };
  Session session = MakeSession();
  ASSERT_TRUE(session.Call(Spec("events.read"), json::object()).ok());
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[0].options.auth, "");
}

TEST_F(SessionTest, AnUnchangedCookieThatIsRefusedIsNotSentAgain) {
  settings_.cookie_path = dir_.path() + "/cookie";
  std::ofstream(settings_.cookie_path) << "stale\nipc:///d\n";
  answer_ = [](const RecordedCall&) -> Result<json> { return Unauthenticated("no"); };
  Session session = MakeSession();
  EXPECT_EQ(session.Call(Spec("events.read"), json::object()).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(calls_.size(), 1u);
}

}  // namespace
}  // namespace mart::cli
