// AuthService: registration and password checks. Tokens, sessions and the
// operator cookie are in auth_service_tokens_test.cpp.
#include "services/auth_service.h"

#include <gtest/gtest.h>

#include <string>

#include "util/test_store.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

class AuthRegisterTest : public ::testing::Test {
 protected:
  Result<User> Register(std::string email, std::string first = "Ann", std::string last = "Lee",
                        std::optional<std::string> phone = std::nullopt) {
    Tx tx = harness_.NewTx();
    return harness_.auth().Register(
        tx, NewUser{std::move(email), std::move(first), std::move(last), std::move(phone)},
        "$argon2id$stand-in");
  }
  int64_t UserCount() {
    return static_cast<int64_t>(Must(harness_.store().users().List({}), "list").size());
  }

  test::ServiceHarness harness_;
};

TEST_F(AuthRegisterTest, StoresTrimmedFieldsAndEmitsAnEvent) {
  User user = Must(Register("  Ann@Example.com ", " Ann ", "Lee ", "  "), "register");
  EXPECT_GT(user.id, 0);
  EXPECT_EQ(user.email, "Ann@Example.com");
  EXPECT_EQ(user.first_name, "Ann");
  EXPECT_EQ(user.last_name, "Lee");
  EXPECT_FALSE(user.phone.has_value());  // blank phone is no phone
  EXPECT_EQ(user.created_at, harness_.clock().NowMicros());
  EXPECT_EQ(Must(harness_.store().users().Get(user.id), "get").email, "Ann@Example.com");

  auto events = harness_.outbox().TakePending();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].topic, "user.registered");
  EXPECT_EQ(json::parse(events[0].payload),
            (json{{"user_id", user.id}, {"email", "Ann@Example.com"}, {"role", "admin"}}));
}

TEST_F(AuthRegisterTest, KeepsAPhoneNumber) {
  User user = Must(Register("ann@example.com", "Ann", "Lee", " 555-123-4567 "), "register");
  EXPECT_EQ(user.phone, std::optional<std::string>("555-123-4567"));
}

TEST_F(AuthRegisterTest, RefusesInvalidEmails) {
  for (const char* email :
       {"", "   ", "no-at-sign", "@example.com", "ann@", "ann@example", "ann@@example.com",
        "ann@ex@ample.com", "ann@.com", "ann@example.", "ann@example..com", "an n@example.com",
        "ann@ex\xc3\xa4mple.com", "ann\t@example.com"}) {
    Result<User> user = Register(email);
    EXPECT_EQ(user.status().code(), Code::kInvalidArgument) << email;
    EXPECT_EQ(user.status().details(), (json{{"field", "email"}})) << email;
  }
  Result<User> bad = Register("no-at-sign");
  EXPECT_EQ(bad.status().message(), "email 'no-at-sign' is not a valid email address");
  Result<User> long_email = Register(std::string(250, 'a') + "@b.io");
  EXPECT_EQ(long_email.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(UserCount(), 0);
}

TEST_F(AuthRegisterTest, RefusesEmptyNames) {
  Result<User> first = Register("ann@example.com", "  ", "Lee");
  EXPECT_EQ(first.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(first.status().message(), "first_name must not be empty");
  Result<User> last = Register("ann@example.com", "Ann", "");
  EXPECT_EQ(last.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(last.status().message(), "last_name must not be empty");
  EXPECT_EQ(UserCount(), 0);
}

TEST_F(AuthRegisterTest, DuplicateEmailIgnoresCaseAndSpaces) {
  ASSERT_TRUE(Register("ann@example.com").ok());
  for (const char* again : {"ann@example.com", "ANN@Example.COM", " ann@example.com\t"}) {
    Result<User> user = Register(again);
    EXPECT_EQ(user.status().code(), Code::kAlreadyExists) << again;
    EXPECT_EQ(user.status().message(), "email ann@example.com is already registered");
  }
  EXPECT_EQ(UserCount(), 1);
}

TEST_F(AuthRegisterTest, FirstUserBecomesAdminThenUsers) {
  EXPECT_EQ(Must(Register("first@example.com"), "first").role, "admin");
  EXPECT_EQ(Must(Register("second@example.com"), "second").role, "user");
  EXPECT_EQ(Must(Register("third@example.com"), "third").role, "user");
}

TEST(AuthRegisterOptionsTest, FirstUserAdminCanBeTurnedOff) {
  AuthOptions options = test::TestAuthOptions();
  options.first_user_admin = false;
  test::ServiceHarness harness(options);
  EXPECT_EQ(Must(harness.Register("first@example.com"), "first").role, "user");
  EXPECT_EQ(Must(harness.store().users().CountActiveAdmins(), "admins"), 0);
}

TEST(NormalizeEmailTest, TrimsAndLowerCases) {
  EXPECT_EQ(Must(NormalizeEmail(" Ann.Lee+shop@Example.CO.uk "), "normalize"),
            "ann.lee+shop@example.co.uk");
}

class AuthPasswordTest : public ::testing::Test {
 protected:
  test::ServiceHarness harness_;
};

TEST_F(AuthPasswordTest, HashNewPasswordAppliesThePolicyFirst) {
  Result<std::string> weak = harness_.auth().HashNewPassword("weak", "new_password");
  EXPECT_EQ(weak.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(weak.status().message(), "new_password must be at least 8 characters long");
  std::string hash = Must(harness_.auth().HashNewPassword("Password123"), "hash");
  EXPECT_TRUE(VerifyPassword("Password123", hash));
}

TEST_F(AuthPasswordTest, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  ASSERT_TRUE(harness_.Register("ann@example.com").ok());
  Result<VerifiedLogin> wrong =
      harness_.auth().VerifyLogin(harness_.store(), "ann@example.com", "Password124");
  Result<VerifiedLogin> unknown =
      harness_.auth().VerifyLogin(harness_.store(), "nobody@example.com", "Password123");
  EXPECT_EQ(wrong.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), "incorrect email or password");
  EXPECT_EQ(unknown.status().code(), wrong.status().code());
  EXPECT_EQ(unknown.status().message(), wrong.status().message());
}

TEST_F(AuthPasswordTest, LoginEmailIsCaseInsensitive) {
  User user = Must(harness_.Register("ann@example.com"), "register");
  VerifiedLogin login = Must(
      harness_.auth().VerifyLogin(harness_.store(), " ANN@Example.com ", "Password123"), "verify");
  EXPECT_EQ(login.user_id, user.id);
  EXPECT_EQ(login.password_hash, Must(harness_.store().users().PasswordHash(user.id), "hash"));
}

TEST_F(AuthPasswordTest, DeactivatedAccountIsDeniedAfterTheRightPassword) {
  User user = Must(harness_.Register("ann@example.com"), "register");
  ASSERT_TRUE(harness_.store().users().SetActive(user.id, false, 0).ok());
  Result<VerifiedLogin> right =
      harness_.auth().VerifyLogin(harness_.store(), "ann@example.com", "Password123");
  EXPECT_EQ(right.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(right.status().message(), "account ann@example.com is deactivated");
  Result<VerifiedLogin> wrong =
      harness_.auth().VerifyLogin(harness_.store(), "ann@example.com", "Password124");
  EXPECT_EQ(wrong.status().code(), Code::kUnauthenticated);  // no hint to a guesser
}

TEST_F(AuthPasswordTest, RepeatedFailuresAreRateLimitedEvenForTheRightPassword) {
  ASSERT_TRUE(harness_.Register("ann@example.com").ok());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(harness_.auth()
                  .VerifyLogin(harness_.store(), "Ann@example.com", "Password124")
                  .status()
                  .code(),
              Code::kUnauthenticated);
  }
  Result<VerifiedLogin> locked =
      harness_.auth().VerifyLogin(harness_.store(), "ann@example.com", "Password123");
  EXPECT_EQ(locked.status().code(), Code::kRateLimited);
  EXPECT_EQ(locked.status().details()["retry_after_s"], 15 * 60);
  harness_.clock().AdvanceSeconds(15 * 60);
  EXPECT_TRUE(harness_.auth().VerifyLogin(harness_.store(), "ann@example.com", "Password123").ok());
}

TEST_F(AuthPasswordTest, UnknownEmailsAreRateLimitedToo) {
  for (int i = 0; i < 5; ++i) {
    (void)harness_.auth().VerifyLogin(harness_.store(), "ghost@example.com", "Password123");
  }
  EXPECT_EQ(harness_.auth()
                .VerifyLogin(harness_.store(), "ghost@example.com", "Password123")
                .status()
                .code(),
            Code::kRateLimited);
}

TEST_F(AuthPasswordTest, VerifyCurrentPassword) {
  User user = Must(harness_.Register("ann@example.com"), "register");
  EXPECT_TRUE(harness_.auth().VerifyCurrentPassword(harness_.store(), user.id, "Password123").ok());
  Result<VerifiedLogin> wrong =
      harness_.auth().VerifyCurrentPassword(harness_.store(), user.id, "Password999");
  EXPECT_EQ(wrong.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(), "current_password is incorrect");
  EXPECT_EQ(wrong.status().details(), (json{{"field", "current_password"}}));
}

TEST_F(AuthPasswordTest, CurrentPasswordChecksAreRateLimited) {
  User user = Must(harness_.Register("ann@example.com"), "register");
  for (int i = 0; i < 5; ++i) {
    (void)harness_.auth().VerifyCurrentPassword(harness_.store(), user.id, "Wrong0000");
  }
  Result<VerifiedLogin> locked =
      harness_.auth().VerifyCurrentPassword(harness_.store(), user.id, test::kTestPassword);
  EXPECT_EQ(locked.status().code(), Code::kRateLimited);
  // The account's logins are limited separately from its password changes.
  EXPECT_TRUE(harness_.Login("ann@example.com").ok());
}

TEST_F(AuthPasswordTest, FailedLoginsDoNotLockPasswordChecks) {
  User user = Must(harness_.Register("ann@example.com"), "register");
  const std::string id = std::to_string(user.id);
  // Emails shaped like a password-check key must not share its counter.
  for (const std::string& email : {std::string("ann@example.com"), "user:" + id, "user " + id}) {
    for (int i = 0; i < 6; ++i) {
      (void)harness_.auth().VerifyLogin(harness_.store(), email, "Wrong0000");
    }
  }
  EXPECT_TRUE(
      harness_.auth().VerifyCurrentPassword(harness_.store(), user.id, test::kTestPassword).ok());
}

TEST_F(AuthPasswordTest, PasswordCheckLockSaysWhatWasCounted) {
  User user = Must(harness_.Register("ann@example.com"), "register");
  for (int i = 0; i < 5; ++i) {
    (void)harness_.auth().VerifyCurrentPassword(harness_.store(), user.id, "Wrong0000");
  }
  Status locked =
      harness_.auth().VerifyCurrentPassword(harness_.store(), user.id, "Wrong0000").status();
  EXPECT_EQ(locked.code(), Code::kRateLimited);
  EXPECT_EQ(locked.message().rfind("too many failed password checks for ", 0), 0u)
      << locked.message();
}

}  // namespace
}  // namespace mart
