#include "services/login_limiter.h"

#include <gtest/gtest.h>

#include "services/clock.h"

namespace mart {
namespace {

constexpr int kMaxFailures = 5;
constexpr int64_t kWindowSeconds = 900;

class LoginLimiterTest : public ::testing::Test {
 protected:
  void Fail(const std::string& account, int times) {
    for (int i = 0; i < times; ++i) limiter_.RecordFailure(account);
  }

  FakeClock clock_;
  LoginLimiter limiter_{clock_, kMaxFailures, kWindowSeconds};
};

TEST_F(LoginLimiterTest, UnknownAccountIsAllowed) {
  EXPECT_TRUE(limiter_.Check("ann@example.com").ok());
}

TEST_F(LoginLimiterTest, FourFailuresStillAllowTheFifthAttempt) {
  Fail("ann@example.com", kMaxFailures - 1);
  EXPECT_TRUE(limiter_.Check("ann@example.com").ok());
}

TEST_F(LoginLimiterTest, FiveFailuresLockWithRetryAfter) {
  Fail("ann@example.com", kMaxFailures);
  Status status = limiter_.Check("ann@example.com");
  EXPECT_EQ(status.code(), Code::kRateLimited);
  EXPECT_EQ(status.message(), "too many failed logins for ann@example.com; try again in 900 s");
  EXPECT_EQ(status.details(), (nlohmann::json{{"retry_after_s", 900}}));
}

TEST_F(LoginLimiterTest, LockIsPerAccount) {
  Fail("ann@example.com", kMaxFailures);
  EXPECT_FALSE(limiter_.Check("ann@example.com").ok());
  EXPECT_TRUE(limiter_.Check("bob@example.com").ok());
}

TEST_F(LoginLimiterTest, RetryAfterCountsDownFromTheOldestFailure) {
  limiter_.RecordFailure("ann@example.com");
  clock_.AdvanceSeconds(100);
  Fail("ann@example.com", kMaxFailures - 1);
  clock_.AdvanceSeconds(50);
  Status status = limiter_.Check("ann@example.com");
  ASSERT_EQ(status.code(), Code::kRateLimited);
  EXPECT_EQ(status.details()["retry_after_s"], kWindowSeconds - 150);
}

TEST_F(LoginLimiterTest, WindowExpiryUnlocks) {
  Fail("ann@example.com", kMaxFailures);
  clock_.AdvanceSeconds(kWindowSeconds - 1);
  Status almost = limiter_.Check("ann@example.com");
  ASSERT_EQ(almost.code(), Code::kRateLimited);
  EXPECT_EQ(almost.details()["retry_after_s"], 1);
  clock_.AdvanceSeconds(1);
  EXPECT_TRUE(limiter_.Check("ann@example.com").ok());
}

TEST_F(LoginLimiterTest, OnlyFailuresInsideTheWindowCount) {
  Fail("ann@example.com", 3);
  clock_.AdvanceSeconds(kWindowSeconds);
  Fail("ann@example.com", 2);  // the first three have left the window
  EXPECT_TRUE(limiter_.Check("ann@example.com").ok());
  Fail("ann@example.com", 3);
  EXPECT_FALSE(limiter_.Check("ann@example.com").ok());
}

TEST_F(LoginLimiterTest, SuccessClearsTheRecord) {
  Fail("ann@example.com", kMaxFailures);
  ASSERT_FALSE(limiter_.Check("ann@example.com").ok());
  limiter_.RecordSuccess("ann@example.com");
  EXPECT_TRUE(limiter_.Check("ann@example.com").ok());
  Fail("ann@example.com", kMaxFailures - 1);  // counting starts again from zero
  EXPECT_TRUE(limiter_.Check("ann@example.com").ok());
}

TEST(LoginLimiterNamingTest, MessageNamesWhatIsCounted) {
  FakeClock clock;
  LoginLimiter limiter(clock, 1, 60, "password checks");
  limiter.RecordFailure("user 3");
  EXPECT_EQ(limiter.Check("user 3").message(),
            "too many failed password checks for user 3; try again in 60 s");
}

}  // namespace
}  // namespace mart
