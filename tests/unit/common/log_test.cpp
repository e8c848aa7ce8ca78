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

// An anonymous register with "\n" and ESC in its email once forged a line of
// martd's log: whatever a message holds, Log writes one line of printable text.
TEST_F(LogTest, ControlCharactersInAMessageCannotForgeALine) {
  SetLogProgram("martd");
  ::testing::internal::CaptureStderr();
  LogInfo("email 'a@b.c\n2026-01-01T00:00:00.000000+00:00 martd INFO \x1b[2Kforged\r' is bad");
  std::string out = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;  // one line
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  EXPECT_NE(out.find(" martd INFO email 'a@b.c\\n2026-01-01T00:00:00.000000+00:00 martd INFO "
                     "\\x1b[2Kforged\\r' is bad\n"),
            std::string::npos)
      << out;
}

TEST(EscapeLogTextTest, PrintableUtf8StaysAsItIs) {
  EXPECT_EQ(EscapeLogText("ann@example.com ordered 2 × café, 東京 🚀 ~!\"'{}"),
            "ann@example.com ordered 2 × café, 東京 🚀 ~!\"'{}");
  EXPECT_EQ(EscapeLogText(""), "");
}

TEST(EscapeLogTextTest, C0ControlsDelAndTheBackslashAreEscaped) {
  EXPECT_EQ(EscapeLogText("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(EscapeLogText(std::string("\x00\x01\x1b\x1f\x7f", 5)), "\\x00\\x01\\x1b\\x1f\\x7f");
  // The escape character itself, so that an escaped line reads back one way only.
  EXPECT_EQ(EscapeLogText("C:\\n is not a newline"), "C:\\\\n is not a newline");
}

TEST(EscapeLogTextTest, C1ControlsAndSeparatorsAreEscapedAsCodePoints) {
  EXPECT_EQ(EscapeLogText("a\xc2\x85" "b"), "a\\u0085b");            // NEL
  EXPECT_EQ(EscapeLogText("\xc2\x9b" "31m"), "\\u009b31m");         // CSI
  EXPECT_EQ(EscapeLogText("x\xe2\x80\xa8y\xe2\x80\xa9z"), "x\\u2028y\\u2029z");
  EXPECT_EQ(EscapeLogText("\xe2\x80\xae" "gnp.exe"), "\\u202egnp.exe");  // right-to-left override
  EXPECT_EQ(EscapeLogText("\xc2\xa0"), "\xc2\xa0");                 // U+00A0 is printable
}

TEST(EscapeLogTextTest, BytesThatAreNotUtf8AreEscapedOneByOne) {
  EXPECT_EQ(EscapeLogText("a\xff" "b"), "a\\xffb");
  EXPECT_EQ(EscapeLogText("\xc3"), "\\xc3");                        // truncated sequence
  EXPECT_EQ(EscapeLogText("\xc0\x8a"), "\\xc0\\x8a");               // overlong "\n"
  EXPECT_EQ(EscapeLogText("\xed\xa0\x80"), "\\xed\\xa0\\x80");      // a surrogate
  EXPECT_EQ(EscapeLogText("\x9b" "2J"), "\\x9b2J");                 // a lone 8-bit CSI byte
}

}  // namespace
}  // namespace mart
