#include "mart/log.h"

#include <gtest/gtest.h>

#include <string>

namespace mart {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override {
    SetLogLevel(LogLevel::kInfo);
    SetLogProgram("mart");
  }
};

TEST_F(LogTest, ParseLogLevelKnowsTheFourNames) {
  LogLevel level = LogLevel::kError;
  ASSERT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  ASSERT_TRUE(ParseLogLevel("info", &level));
  EXPECT_EQ(level, LogLevel::kInfo);
  ASSERT_TRUE(ParseLogLevel("warn", &level));
  EXPECT_EQ(level, LogLevel::kWarn);
  ASSERT_TRUE(ParseLogLevel("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("INFO", &level));
  EXPECT_FALSE(ParseLogLevel("warning", &level));
  EXPECT_FALSE(ParseLogLevel("", &level));
  EXPECT_EQ(level, LogLevel::kError);  // untouched on failure
}

TEST_F(LogTest, LevelFiltersLowerLevels) {
  SetLogLevel(LogLevel::kWarn);
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kWarn));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  ::testing::internal::CaptureStderr();
  LogInfo("hidden");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_F(LogTest, OneLineWithTimestampProgramAndLevel) {
  SetLogProgram("martd");
  ::testing::internal::CaptureStderr();
  LogWarn("disk is slow");
  std::string line = ::testing::internal::GetCapturedStderr();
  // "2025-05-15T11:30:00.123456+00:00 martd WARN disk is slow\n"
  ASSERT_EQ(line.size(), 32 + std::string(" martd WARN disk is slow\n").size()) << line;
  EXPECT_EQ(line.substr(32), " martd WARN disk is slow\n");
  const std::string shape = "dddd-dd-ddTdd:dd:dd.dddddd+00:00";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd') {
      EXPECT_TRUE(line[i] >= '0' && line[i] <= '9') << i << ": " << line;
    } else {
      EXPECT_EQ(line[i], shape[i]) << i << ": " << line;
    }
  }
}

}  // namespace
}  // namespace mart
