// Fault points: arming by name and count, and firing exactly once at the
// chosen hit. (Crash points are exercised end to end in fault_injection.sh.)
#include "testing/fault.h"

#include <gtest/gtest.h>

namespace mart::fault {
namespace {

class FaultTest : public ::testing::Test {
 protected:
  void TearDown() override { DisarmAll(); }
};

TEST_F(FaultTest, AnUnarmedPointNeverFires) {
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(ErrorPoint("commit.disk_full"));
}

TEST_F(FaultTest, AnArmedPointFiresOnceAtItsHit) {
  ASSERT_TRUE(Arm("commit.disk_full@3").ok());
  EXPECT_FALSE(ErrorPoint("commit.disk_full"));
  EXPECT_FALSE(ErrorPoint("commit.disk_full"));
  EXPECT_TRUE(ErrorPoint("commit.disk_full"));
  EXPECT_FALSE(ErrorPoint("commit.disk_full"));
}

TEST_F(FaultTest, WithoutACountTheFirstHitFires) {
  ASSERT_TRUE(Arm("commit.disk_full").ok());
  EXPECT_TRUE(ErrorPoint("commit.disk_full"));
  EXPECT_FALSE(ErrorPoint("commit.disk_full"));
}

TEST_F(FaultTest, UnknownNamesAndBadCountsAreRefused) {
  Status unknown = Arm("commit.disk_ful");
  EXPECT_EQ(unknown.code(), Code::kInvalidArgument);
  EXPECT_NE(unknown.message().find("known: batch.before_commit"), std::string::npos);
  for (const char* bad : {"commit.disk_full@0", "commit.disk_full@", "commit.disk_full@x",
                          "commit.disk_full@2x", "commit.disk_full@-1"}) {
    EXPECT_EQ(Arm(bad).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(ErrorPoint("commit.disk_full")) << "a refused spec arms nothing";
}

TEST_F(FaultTest, EveryPointHasADescription) {
  for (const PointInfo& point : Points()) {
    EXPECT_FALSE(point.where.empty()) << point.name;
    EXPECT_TRUE(Arm(point.name).ok()) << point.name;
  }
}

}  // namespace
}  // namespace mart::fault
