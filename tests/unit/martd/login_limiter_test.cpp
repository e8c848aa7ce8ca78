#include "services/login_limiter.h"

#include <gtest/gtest.h>

#include "services/clock.h"

namespace mart {
namespace {

constexpr int kPerSource = 5;
constexpr int kPerAccount = 20;
constexpr int64_t kWindowSeconds = 900;
constexpr int64_t kKnownSeconds = 7 * 24 * 3600;

const std::string kAnn = "ann@example.com";
const std::string kStranger = "203.0.113.9";
const std::string kOwner = "198.51.100.7";

class LoginLimiterTest : public ::testing::Test {
 protected:
  void Fail(const std::string& source, int times, const std::string& account = kAnn) {
    for (int i = 0; i < times; ++i) limiter_.RecordFailure(account, source);
  }
  // `sources` sources, "10.0.0.<i>", each failing `each` times.
  void FailFromMany(int sources, int each) {
    for (int i = 0; i < sources; ++i) Fail("10.0.0." + std::to_string(i), each);
  }

  FakeClock clock_;
  LoginLimiter limiter_{clock_, LoginLimits{}};
};

TEST_F(LoginLimiterTest, TheDefaultsAreTheDocumentedNumbers) {
  LoginLimits limits;
  EXPECT_EQ(limits.per_source, kPerSource);
  EXPECT_EQ(limits.per_account, kPerAccount);
  EXPECT_EQ(limits.window_seconds, kWindowSeconds);
  EXPECT_EQ(limits.known_source_seconds, kKnownSeconds);
}

TEST_F(LoginLimiterTest, UnknownAccountIsAllowed) {
  EXPECT_TRUE(limiter_.Check(kAnn, kStranger).ok());
}

TEST_F(LoginLimiterTest, FourFailuresStillAllowTheFifthAttempt) {
  Fail(kStranger, kPerSource - 1);
  EXPECT_TRUE(limiter_.Check(kAnn, kStranger).ok());
}

TEST_F(LoginLimiterTest, FiveFailuresLockThatSourceWithRetryAfter) {
  Fail(kStranger, kPerSource);
  Status status = limiter_.Check(kAnn, kStranger);
  EXPECT_EQ(status.code(), Code::kRateLimited);
  EXPECT_EQ(status.message(),
            "too many failed logins for ann@example.com from 203.0.113.9; try again in 900 s");
  EXPECT_EQ(status.details(), (nlohmann::json{{"retry_after_s", 900}, {"scope", "source"}}));
}

// The issue: five wrong passwords from anyone locked the account for all.
TEST_F(LoginLimiterTest, AStrangersFailuresDoNotLockTheOwnerOutFromElsewhere) {
  Fail(kStranger, kPerSource);
  ASSERT_FALSE(limiter_.Check(kAnn, kStranger).ok());
  EXPECT_TRUE(limiter_.Check(kAnn, kOwner).ok());
  limiter_.RecordSuccess(kAnn, kOwner);
  EXPECT_FALSE(limiter_.Check(kAnn, kStranger).ok());  // the stranger stays locked
}

TEST_F(LoginLimiterTest, LockIsPerAccount) {
  Fail(kStranger, kPerSource);
  EXPECT_FALSE(limiter_.Check(kAnn, kStranger).ok());
  EXPECT_TRUE(limiter_.Check("bob@example.com", kStranger).ok());
}

TEST_F(LoginLimiterTest, GuessingSpreadOverSourcesIsBoundedPerAccount) {
  FailFromMany(kPerAccount / 4, 4);  // five sources, none at its own limit
  EXPECT_EQ(limiter_.Check(kAnn, "10.0.0.0").details()["scope"], "account");
  Status status = limiter_.Check(kAnn, "192.0.2.1");  // a sixth, fresh source
  EXPECT_EQ(status.code(), Code::kRateLimited);
  EXPECT_EQ(status.message(), "too many failed logins for ann@example.com; try again in 900 s");
  EXPECT_EQ(status.details()["scope"], "account");
  EXPECT_TRUE(limiter_.Check("bob@example.com", "192.0.2.1").ok());
}

TEST_F(LoginLimiterTest, NineteenFailuresOverManySourcesLeaveTheAccountOpen) {
  FailFromMany(kPerAccount - 1, 1);
  EXPECT_TRUE(limiter_.Check(kAnn, "192.0.2.1").ok());
  limiter_.RecordFailure(kAnn, "192.0.2.1");
  EXPECT_FALSE(limiter_.Check(kAnn, "192.0.2.2").ok());
}

TEST_F(LoginLimiterTest, ASourceThatLoggedInBeforePassesTheAccountLimit) {
  limiter_.RecordSuccess(kAnn, kOwner);
  clock_.AdvanceSeconds(24 * 3600);
  FailFromMany(kPerAccount, 1);
  EXPECT_EQ(limiter_.Check(kAnn, "192.0.2.1").code(), Code::kRateLimited);
  EXPECT_TRUE(limiter_.Check(kAnn, kOwner).ok());
  // ... but not its own limit.
  Fail(kOwner, kPerSource);
  EXPECT_EQ(limiter_.Check(kAnn, kOwner).details()["scope"], "source");
}

TEST_F(LoginLimiterTest, AKnownSourceIsForgottenAfterItsTime) {
  limiter_.RecordSuccess(kAnn, kOwner);
  clock_.AdvanceSeconds(kKnownSeconds);
  FailFromMany(kPerAccount, 1);
  EXPECT_EQ(limiter_.Check(kAnn, kOwner).code(), Code::kRateLimited);
}

TEST_F(LoginLimiterTest, RetryAfterCountsDownFromTheOldestFailure) {
  limiter_.RecordFailure(kAnn, kStranger);
  clock_.AdvanceSeconds(100);
  Fail(kStranger, kPerSource - 1);
  clock_.AdvanceSeconds(50);
  Status status = limiter_.Check(kAnn, kStranger);
  ASSERT_EQ(status.code(), Code::kRateLimited);
  EXPECT_EQ(status.details()["retry_after_s"], kWindowSeconds - 150);
}

TEST_F(LoginLimiterTest, WindowExpiryUnlocks) {
  Fail(kStranger, kPerSource);
  clock_.AdvanceSeconds(kWindowSeconds - 1);
  Status almost = limiter_.Check(kAnn, kStranger);
  ASSERT_EQ(almost.code(), Code::kRateLimited);
  EXPECT_EQ(almost.details()["retry_after_s"], 1);
  clock_.AdvanceSeconds(1);
  EXPECT_TRUE(limiter_.Check(kAnn, kStranger).ok());
}

TEST_F(LoginLimiterTest, OnlyFailuresInsideTheWindowCount) {
  Fail(kStranger, 3);
  clock_.AdvanceSeconds(kWindowSeconds);
  Fail(kStranger, 2);  // the first three have left the window
  EXPECT_TRUE(limiter_.Check(kAnn, kStranger).ok());
  Fail(kStranger, 3);
  EXPECT_FALSE(limiter_.Check(kAnn, kStranger).ok());
}

TEST_F(LoginLimiterTest, SuccessClearsThatSourceOnly) {
  Fail(kStranger, kPerSource);
  Fail(kOwner, kPerSource);
  ASSERT_FALSE(limiter_.Check(kAnn, kOwner).ok());
  limiter_.RecordSuccess(kAnn, kOwner);  // e.g. it got in just before the lock
  EXPECT_TRUE(limiter_.Check(kAnn, kOwner).ok());
  EXPECT_FALSE(limiter_.Check(kAnn, kStranger).ok());
  Fail(kOwner, kPerSource - 1);  // counting starts again from zero
  EXPECT_TRUE(limiter_.Check(kAnn, kOwner).ok());
}

TEST_F(LoginLimiterTest, UnlockForgetsEverySourcesFailures) {
  Fail(kStranger, kPerSource);
  FailFromMany(kPerAccount / 4, 4);
  ASSERT_FALSE(limiter_.Check(kAnn, kStranger).ok());
  ASSERT_FALSE(limiter_.Check(kAnn, "192.0.2.1").ok());
  EXPECT_EQ(limiter_.Unlock(kAnn), kPerAccount);  // as counted: the newest 20
  EXPECT_TRUE(limiter_.Check(kAnn, kStranger).ok());
  EXPECT_TRUE(limiter_.Check(kAnn, "192.0.2.1").ok());
  EXPECT_EQ(limiter_.Unlock(kAnn), 0);
  EXPECT_EQ(limiter_.Unlock("nobody@example.com"), 0);
}

TEST_F(LoginLimiterTest, UnlockKeepsKnownSourcesAndForgetDropsThem) {
  limiter_.RecordSuccess(kAnn, kOwner);
  FailFromMany(kPerAccount, 1);
  limiter_.Unlock(kAnn);
  FailFromMany(kPerAccount, 1);
  EXPECT_TRUE(limiter_.Check(kAnn, kOwner).ok());
  limiter_.Forget(kAnn);
  EXPECT_TRUE(limiter_.Check(kAnn, kOwner).ok());  // nothing counted any more
  FailFromMany(kPerAccount, 1);
  EXPECT_EQ(limiter_.Check(kAnn, kOwner).code(), Code::kRateLimited);
}

// Forgetting a source to bound memory gives that source a fresh count, never
// the account: the total over all sources still holds.
TEST_F(LoginLimiterTest, ManySourcesStayBoundedByTheAccountLimit) {
  const int sources = static_cast<int>(LoginLimiter::kMaxSourcesPerAccount) * 3;
  for (int i = 0; i < sources; ++i) {
    limiter_.RecordFailure(kAnn, "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250));
  }
  EXPECT_EQ(limiter_.Check(kAnn, "192.0.2.1").code(), Code::kRateLimited);
  EXPECT_EQ(limiter_.Unlock(kAnn), kPerAccount);
}

TEST(LoginLimiterNamingTest, MessageNamesWhatIsCountedAndNoSourceWhenThereIsNone) {
  FakeClock clock;
  LoginLimiter limiter(clock, LoginLimits{.per_source = 1, .per_account = 1, .window_seconds = 60},
                       "password checks");
  limiter.RecordFailure("user 3", "");
  EXPECT_EQ(limiter.Check("user 3", "").message(),
            "too many failed password checks for user 3; try again in 60 s");
}

}  // namespace
}  // namespace mart
