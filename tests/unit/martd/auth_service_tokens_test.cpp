// AuthService: login tokens, authentication, refresh rotation, logout, the
// operator cookie and password changes (second file of auth_service_test).
#include <gtest/gtest.h>

#include <string>

#include "services/auth_service.h"
#include "util/test_store.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

constexpr std::string_view kSessionEnded =
    "session has ended (logged out or revoked); log in again";

class AuthTokensTest : public ::testing::Test {
 protected:
  AuthService& auth() { return harness_.auth(); }

  Result<json> Refresh(const std::string& token, bool* keep) {
    Tx tx = harness_.NewTx();
    return auth().Refresh(tx, token, keep);
  }

  void ExpectRejected(const std::string& access_token, std::string_view message) {
    Result<Principal> principal = harness_.Authorize(access_token);
    EXPECT_EQ(principal.status().code(), Code::kUnauthenticated);
    EXPECT_EQ(principal.status().message(), message);
  }

  test::ServiceHarness harness_;
};

TEST_F(AuthTokensTest, LoginReplyHasTheTokenPairAndTheUser) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  const json& tokens = ann.tokens;
  EXPECT_EQ(tokens["token_type"], "bearer");
  EXPECT_EQ(tokens["expires_in"], 30 * 60);
  EXPECT_EQ(tokens["refresh_expires_in"], 7 * 24 * 3600);
  EXPECT_EQ(tokens["user"],
            (json{{"id", ann.user.id}, {"email", "ann@example.com"}, {"role", "admin"}}));
  EXPECT_NE(ann.access_token(), ann.refresh_token());
  EXPECT_EQ(tokens.dump().find("argon2"), std::string::npos);  // no hash in a reply
}

TEST_F(AuthTokensTest, AccessTokenAuthenticatesAsTheUserAndSession) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  Principal principal = Must(auth().Authenticate(ann.access_token()), "authenticate");
  EXPECT_EQ(principal.kind, Principal::Kind::kUser);
  EXPECT_EQ(principal.user_id, ann.user.id);
  EXPECT_GT(principal.session_id, 0);
  EXPECT_EQ(principal.role, "admin");
  EXPECT_EQ(principal.Key(), "user:" + std::to_string(ann.user.id));
  EXPECT_FALSE(Must(harness_.store().sessions().GetSession(principal.session_id), "s").revoked);
}

TEST_F(AuthTokensTest, EachLoginIsANewSession) {
  test::TestLogin first = harness_.SignUp("ann@example.com");
  json second = Must(harness_.Login("ann@example.com"), "second login");
  Principal again = Must(harness_.Authorize(second["access_token"].get<std::string>()), "auth");
  EXPECT_NE(again.session_id, first.principal.session_id);
}

TEST_F(AuthTokensTest, AccessTokenExpiresAfterThirtyMinutes) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  harness_.clock().AdvanceSeconds(30 * 60 - 1);
  EXPECT_TRUE(harness_.Authorize(ann.access_token()).ok());
  harness_.clock().AdvanceSeconds(1);
  ExpectRejected(ann.access_token(), "token has expired");
}

TEST_F(AuthTokensTest, TokenTypesAreNotInterchangeable) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  ExpectRejected(ann.refresh_token(), "token is not an access token");
  bool keep = false;
  Result<json> refreshed = Refresh(ann.access_token(), &keep);
  EXPECT_EQ(refreshed.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(refreshed.status().message(), "token is not a refresh token");
  ExpectRejected("not-a-token", "token is malformed");
}

TEST_F(AuthTokensTest, EmptyAuthIsAnonymous) {
  Principal principal = Must(auth().Authenticate(""), "anonymous");
  EXPECT_EQ(principal.kind, Principal::Kind::kAnonymous);
  EXPECT_FALSE(principal.IsAdmin());
  EXPECT_EQ(principal.Key(), "anonymous");
}

TEST_F(AuthTokensTest, RefreshRotatesAndReuseRevokesTheSession) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  harness_.clock().AdvanceSeconds(60);
  bool keep = false;
  json rotated = Must(Refresh(ann.refresh_token(), &keep), "refresh");
  EXPECT_FALSE(keep);
  const std::string new_access = rotated["access_token"];
  const std::string new_refresh = rotated["refresh_token"];
  EXPECT_NE(new_refresh, ann.refresh_token());
  Principal renewed = Must(harness_.Authorize(new_access), "new access token");
  EXPECT_EQ(renewed.session_id, ann.principal.session_id);  // same token family

  Result<json> reused = Refresh(ann.refresh_token(), &keep);
  EXPECT_EQ(reused.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(reused.status().message(),
            "refresh token was already used; the session is revoked, log in again");
  EXPECT_TRUE(keep);  // the revocation must commit although the call failed
  EXPECT_TRUE(Must(harness_.store().sessions().GetSession(renewed.session_id), "s").revoked);

  ExpectRejected(new_access, kSessionEnded);
  ExpectRejected(ann.access_token(), kSessionEnded);
  bool keep_again = false;
  Result<json> thief = Refresh(new_refresh, &keep_again);
  EXPECT_EQ(thief.status().message(), kSessionEnded);
  EXPECT_FALSE(keep_again);
}

TEST_F(AuthTokensTest, RefreshTokenExpiresAfterSevenDays) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  harness_.clock().AdvanceSeconds(7 * 24 * 3600);
  bool keep = false;
  Result<json> late = Refresh(ann.refresh_token(), &keep);
  EXPECT_EQ(late.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(late.status().message(), "refresh token has expired");
}

TEST_F(AuthTokensTest, GarbageRefreshTokenIsMalformed) {
  bool keep = false;
  Result<json> garbage = Refresh("x.y.z", &keep);
  EXPECT_EQ(garbage.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(garbage.status().message(), "refresh token is malformed");
  EXPECT_FALSE(keep);
}

TEST_F(AuthTokensTest, LogoutEndsTheSession) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  Tx tx = harness_.NewTx();
  ASSERT_TRUE(auth().Logout(tx, ann.principal).ok());
  ExpectRejected(ann.access_token(), kSessionEnded);
  bool keep = false;
  EXPECT_EQ(Refresh(ann.refresh_token(), &keep).status().message(), kSessionEnded);
  Tx again = harness_.NewTx();
  EXPECT_TRUE(auth().Logout(again, ann.principal).ok());  // twice is harmless
}

TEST_F(AuthTokensTest, OperatorHasNoSessionToLogOutOf) {
  Tx tx = harness_.NewTx();
  EXPECT_EQ(auth().Logout(tx, test::ServiceHarness::Operator()).code(), Code::kFailedPrecondition);
}

TEST_F(AuthTokensTest, DeactivatedUserFailsConfirm) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  ASSERT_TRUE(harness_.store().users().SetActive(ann.user.id, false, 0).ok());
  ExpectRejected(ann.access_token(), "account ann@example.com is deactivated");
  bool keep = false;
  EXPECT_EQ(Refresh(ann.refresh_token(), &keep).status().message(),
            "account ann@example.com is deactivated");
}

// Accounts are deactivated, not deleted; should a row go all the same (by
// hand, in the database), its sessions go with it and its tokens are refused.
TEST_F(AuthTokensTest, ADeletedUsersTokensAreRefusedAsEndedSessions) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  ASSERT_TRUE(harness_.store().db().Execute(
      "DELETE FROM users WHERE id = " + std::to_string(ann.user.id)).ok());
  ExpectRejected(ann.access_token(), kSessionEnded);
  bool keep = false;
  EXPECT_EQ(Refresh(ann.refresh_token(), &keep).status().code(), Code::kUnauthenticated);
}

TEST_F(AuthTokensTest, ConfirmTakesTheRoleFromTheDatabase) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");  // admin, first user
  ASSERT_TRUE(harness_.store().users().SetRole(ann.user.id, "user", 0).ok());
  Principal principal = Must(auth().Authenticate(ann.access_token()), "authenticate");
  EXPECT_EQ(principal.role, "admin");  // what the token says
  EXPECT_FALSE(principal.confirmed);
  Tx tx = harness_.NewTx();
  ASSERT_TRUE(auth().Confirm(tx.store, &principal).ok());
  EXPECT_EQ(principal.role, "user");
  EXPECT_FALSE(principal.IsAdmin());
  EXPECT_TRUE(principal.confirmed);
}

// Services trust `confirmed` to mean an active account (an order placed by
// the caller for themselves does not read the caller's row again), so a
// failed confirmation never sets it.
TEST_F(AuthTokensTest, OnlyAConfirmationThatPassesMarksThePrincipal) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  Principal principal = Must(auth().Authenticate(ann.access_token()), "authenticate");
  ASSERT_TRUE(harness_.store().users().SetActive(ann.user.id, false, 0).ok());
  Tx tx = harness_.NewTx();
  EXPECT_EQ(auth().Confirm(tx.store, &principal).code(), Code::kUnauthenticated);
  EXPECT_FALSE(principal.confirmed);
}

TEST_F(AuthTokensTest, CookieAuthenticatesTheOperator) {
  Principal principal = Must(harness_.Authorize(test::ServiceHarness::CookieAuth()), "cookie");
  EXPECT_EQ(principal.kind, Principal::Kind::kOperator);
  EXPECT_TRUE(principal.IsAdmin());
  EXPECT_FALSE(principal.IsUser());
  EXPECT_EQ(principal.Key(), "operator");
  EXPECT_EQ(principal.Describe(), "the local operator");
}

TEST_F(AuthTokensTest, WrongCookieIsUnauthenticated) {
  std::string wrong = test::ServiceHarness::CookieAuth();
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (const std::string& auth_field :
       {wrong, std::string("cookie:"), std::string(kCookieAuthPrefix) + "short",
        test::ServiceHarness::CookieAuth() + "0"}) {
    Result<Principal> principal = auth().Authenticate(auth_field);
    EXPECT_EQ(principal.status().code(), Code::kUnauthenticated) << auth_field;
    EXPECT_EQ(principal.status().message(),
              "operator cookie does not match this daemon's (stale cookie file?)");
  }
}

TEST(AuthCookieTest, DaemonWithoutCookieAcceptsNone) {
  FakeClock clock;
  AuthService auth(clock, test::TestSigningKey(), "", test::TestAuthOptions());
  EXPECT_EQ(auth.Authenticate("cookie:").status().code(), Code::kUnauthenticated);
}

TEST_F(AuthTokensTest, ChangePasswordKeepsOnlyTheCurrentSession) {
  test::TestLogin current = harness_.SignUp("ann@example.com");
  json other = Must(harness_.Login("ann@example.com"), "second device");
  const std::string other_access = other["access_token"];

  VerifiedLogin verified =
      Must(auth().VerifyCurrentPassword(harness_.store(), current.user.id, test::kTestPassword),
           "check");
  std::string new_hash = Must(auth().HashNewPassword("NewPassword456"), "hash");
  harness_.outbox().TakePending();
  Tx tx = harness_.NewTx();
  ASSERT_TRUE(auth().ChangePassword(tx, current.principal, verified, new_hash).ok());

  EXPECT_TRUE(harness_.Authorize(current.access_token()).ok());
  ExpectRejected(other_access, kSessionEnded);
  EXPECT_EQ(harness_.Login("ann@example.com", test::kTestPassword).status().code(),
            Code::kUnauthenticated);
  EXPECT_TRUE(harness_.Login("ann@example.com", "NewPassword456").ok());
  auto events = harness_.outbox().TakePending();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].topic, "user.password_changed");
}

TEST_F(AuthTokensTest, ChangePasswordRefusesAStaleCurrentHash) {
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  VerifiedLogin stale{ann.user.id, "$argon2id$not-the-current-one"};
  Tx tx = harness_.NewTx();
  Status status = auth().ChangePassword(tx, ann.principal, stale, "new-hash");
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_NE(Must(harness_.store().users().PasswordHash(ann.user.id), "hash"), "new-hash");
}

TEST_F(AuthTokensTest, LoginRefusesAHashThatChangedSinceTheCheck) {
  User user = Must(harness_.Register("ann@example.com"), "register");
  VerifiedLogin verified =
      Must(auth().VerifyLogin(harness_.store(), "ann@example.com", test::kTestPassword), "verify");
  ASSERT_TRUE(harness_.store().users().SetPasswordHash(user.id, "changed", 0).ok());
  Tx tx = harness_.NewTx();
  Result<json> login = auth().Login(tx, verified);
  EXPECT_EQ(login.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(login.status().message(), "incorrect email or password");
}

}  // namespace
}  // namespace mart
