#include "mart/text.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace mart {
namespace {

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii ~"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9"));       // U+00E9, 2 bytes
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));      // U+20AC, 3 bytes
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // U+1F600, 4 bytes
  EXPECT_TRUE(IsValidUtf8("\xc2\x80"));          // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xe0\xa0\x80"));      // U+0800, smallest 3-byte
  EXPECT_TRUE(IsValidUtf8("\xf0\x90\x80\x80"));  // U+10000, smallest 4-byte
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xee\x80\x80"));      // U+E000, just above them
}

TEST(IsValidUtf8Test, RefusesOverlongForms) {
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));  // '/' in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));  // NUL in 2 bytes (modified UTF-8)
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xe0\x9f\xbf"));  // U+07FF in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x8f\xbf\xbf"));  // U+FFFF in 4 bytes
}

TEST(IsValidUtf8Test, RefusesSurrogatesAndValuesPastTheLastCodePoint) {
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));              // U+D800
  EXPECT_FALSE(IsValidUtf8("\xed\xbf\xbf"));              // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\xbd\xed\xb8\x80"));  // CESU-8 pair
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));          // U+110000
  EXPECT_FALSE(IsValidUtf8("\xf7\xbf\xbf\xbf"));
}

TEST(IsValidUtf8Test, RefusesBrokenSequences) {
  EXPECT_FALSE(IsValidUtf8("\x80"));  // lone continuation byte
  EXPECT_FALSE(
      IsValidUtf8("a\xbf"
                  "b"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));  // truncated at the end
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x98"));
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));  // continuation is not 10xxxxxx
  EXPECT_FALSE(IsValidUtf8("\xe2\x28\xa1"));
  EXPECT_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));  // 5-byte form
  EXPECT_FALSE(IsValidUtf8("\xfe"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("ok \xe9 latin-1"));
}

TEST(FormatTimestampTest, EpochAndSeedExample) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000+00:00");
  // The created_at of the seeds' register reply.
  EXPECT_EQ(FormatTimestamp(1747308600123456), "2025-05-15T11:30:00.123456+00:00");
}

TEST(FormatTimestampTest, MicrosecondsAreZeroPaddedToSixDigits) {
  EXPECT_EQ(FormatTimestamp(1), "1970-01-01T00:00:00.000001+00:00");
  EXPECT_EQ(FormatTimestamp(999999), "1970-01-01T00:00:00.999999+00:00");
  EXPECT_EQ(FormatTimestamp(1000000), "1970-01-01T00:00:01.000000+00:00");
  EXPECT_EQ(FormatTimestamp(951782400000001), "2000-02-29T00:00:00.000001+00:00");
  EXPECT_EQ(FormatTimestamp(4102444799999999), "2099-12-31T23:59:59.999999+00:00");
}

TEST(FormatTimestampTest, BeforeTheEpochRoundsTowardsThePast) {
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999+00:00");
  EXPECT_EQ(FormatTimestamp(-1000000), "1969-12-31T23:59:59.000000+00:00");
  EXPECT_EQ(FormatTimestamp(-1000001), "1969-12-31T23:59:58.999999+00:00");
  EXPECT_EQ(FormatTimestamp(-86400000000), "1969-12-31T00:00:00.000000+00:00");
}

// FormatTimestamp computes the date itself; libc's gmtime_r is the reference.
TEST(FormatTimestampTest, AgreesWithGmtimeAcrossFourCenturies) {
  std::mt19937_64 random(20261207);
  std::uniform_int_distribution<int64_t> seconds(-2208988800LL, 253402300799LL);  // 1900..9999
  for (int i = 0; i < 20000; ++i) {
    const int64_t s = i < 4 ? std::vector<int64_t>{951782399, 951868800, 4107542400, 0}[i]
                            : seconds(random);
    const int64_t micros = s * 1000000 + (i * 7919) % 1000000;
    std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, static_cast<int>((i * 7919) % 1000000));
    ASSERT_EQ(FormatTimestamp(micros), expected) << s;
  }
}

TEST(WallClockMicrosTest, IsMicrosecondsSinceTheEpoch) {
  int64_t now = WallClockMicros();
  EXPECT_GT(now, int64_t{1577836800} * 1000000);  // after 2020-01-01
  EXPECT_LT(now, int64_t{4102444800} * 1000000);  // before 2100-01-01
}

TEST(HexEncodeTest, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode("AZ"), "415a");
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10\x0a", 4)), "00ff100a");
}

TEST(TrimTest, StripsAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim("\tx"), "x");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t\r\n "), "");
  EXPECT_EQ(Trim(" inner  space "), "inner  space");
}

TEST(ToLowerAsciiTest, LowersAsciiOnly) {
  EXPECT_EQ(ToLowerAscii("Ann@Example.COM"), "ann@example.com");
  EXPECT_EQ(ToLowerAscii("AZaz09-_"), "azaz09-_");
  EXPECT_EQ(ToLowerAscii("\xc3\x89"
                         "COLE"),
            "\xc3\x89"
            "cole");  // É stays as it is
  EXPECT_EQ(ToLowerAscii(""), "");
}

TEST(ClosestMatchTest, PicksTheNearestCandidateStrictlyWithinTheDistance) {
  const std::vector<std::string> words = {"list", "login", "logout", "show"};
  EXPECT_EQ(ClosestMatch("lgin", words, 3), "login");    // one insertion
  EXPECT_EQ(ClosestMatch("logot", words, 3), "logout");  // nearer than login
  EXPECT_EQ(ClosestMatch("list", words, 3), "list");     // exact
  EXPECT_EQ(ClosestMatch("sohw", words, 3), "show");     // a swap costs two
  EXPECT_EQ(ClosestMatch("xyz", words, 3), "");
  EXPECT_EQ(ClosestMatch("lst", words, 1), "");  // distance 1 is not below 1
  EXPECT_EQ(ClosestMatch("lst", words, 2), "list");
  EXPECT_EQ(ClosestMatch("anything", {}, 10), "");
}

TEST(ClosestMatchTest, TiesGoToTheFirstCandidate) {
  EXPECT_EQ(ClosestMatch("cat", {"bat", "hat"}, 3), "bat");
  EXPECT_EQ(ClosestMatch("cat", {"hat", "bat"}, 3), "hat");
}

constexpr int64_t kSecond = 1000000;
constexpr int64_t kNov1 = int64_t{1793491200} * kSecond;  // 2026-11-01T00:00:00Z

TEST(ParseTimestampTest, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(ParseTimestamp("2026-11-01"), kNov1);
  EXPECT_EQ(ParseTimestamp("1970-01-01"), 0);
  EXPECT_EQ(ParseTimestamp("2024-02-29"), int64_t{1709164800} * kSecond);  // a leap day
  EXPECT_EQ(ParseTimestamp("2026-11-01Z"), kNov1);
}

TEST(ParseTimestampTest, TOrSpaceSeparatesDateAndTime) {
  const int64_t eight = kNov1 + 8 * 3600 * kSecond;
  EXPECT_EQ(ParseTimestamp("2026-11-01T08:00"), eight);
  EXPECT_EQ(ParseTimestamp("2026-11-01T08:00:00"), eight);
  EXPECT_EQ(ParseTimestamp("2026-11-01 08:00:00"), eight);
  EXPECT_EQ(ParseTimestamp("2026-11-01t08:00:00z"), eight);
  EXPECT_EQ(ParseTimestamp("2026-11-01T08:00:00Z"), eight);
  EXPECT_EQ(ParseTimestamp("2026-11-01T23:59:59"), kNov1 + 86399 * kSecond);
}

TEST(ParseTimestampTest, FractionsUpToMicroseconds) {
  const int64_t eight = kNov1 + 8 * 3600 * kSecond;
  EXPECT_EQ(ParseTimestamp("2026-11-01 08:00:00.5"), eight + 500000);
  EXPECT_EQ(ParseTimestamp("2026-11-01T08:00:00.000001"), eight + 1);
  EXPECT_EQ(ParseTimestamp("2026-11-01T08:00:00.123456Z"), eight + 123456);
  // Digits past the microsecond are dropped, not rounded.
  EXPECT_EQ(ParseTimestamp("2026-11-01T08:00:00.1234569"), eight + 123456);
  // Before the epoch the fraction still counts forwards from the second.
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59.5"), -500000);
}

TEST(ParseTimestampTest, OffsetsMoveToUtc) {
  const int64_t eight = kNov1 + 8 * 3600 * kSecond;
  EXPECT_EQ(ParseTimestamp("2026-11-01T10:00:00+02:00"), eight);
  EXPECT_EQ(ParseTimestamp("2026-11-01T05:30:00-02:30"), eight);
  EXPECT_EQ(ParseTimestamp("2026-11-01T08:00:00+00:00"), eight);
  EXPECT_EQ(ParseTimestamp("2026-11-01T10:00:00.25+02:00"), eight + 250000);
  EXPECT_EQ(ParseTimestamp("2026-11-01+01:00"), kNov1 - 3600 * kSecond);
  EXPECT_EQ(ParseTimestamp("2026-11-01T00:30:00+01:00"), kNov1 - 1800 * kSecond);  // Oct 31 UTC
}

TEST(ParseTimestampTest, InvertsFormatTimestamp) {
  for (int64_t micros : {int64_t{0}, int64_t{1747308600123456}, int64_t{951782400000001},
                         int64_t{4102444799999999}, int64_t{-1000001}}) {
    EXPECT_EQ(ParseTimestamp(FormatTimestamp(micros)), micros) << FormatTimestamp(micros);
  }
}

TEST(ParseTimestampTest, ImpossibleDatesAndTimesAreRefused) {
  for (const char* text : {"2026-02-30", "2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                           "2026-01-00", "2026-01-32", "2026-11-01T24:00", "2026-11-01T08:60",
                           "2026-11-01T08:00:61", "2026-11-01T08:00:00+24:00",
                           "2026-11-01T08:00:00+02:60"}) {
    EXPECT_EQ(ParseTimestamp(text), std::nullopt) << text;
  }
}

TEST(ParseTimestampTest, GarbageIsRefused) {
  for (const char* text : {"", "yesterday", "2026", "2026-11", "2026-1-01", "26-11-01",
                           "2026/11/01", "2026-11-01T", "2026-11-01T08", "2026-11-01T8:00",
                           "2026-11-01T08:00:00.", "2026-11-01T08:00:00.Z", "2026-11-01 ",
                           " 2026-11-01", "2026-11-01X", "2026-11-01T08:00:00ZZ",
                           "2026-11-01T08:00:00+0200", "2026-11-01T08:00:00+02",
                           "2026-11-01T08:00:00 +02:00", "2026-11-01T08:00:00+02:00 ",
                           "1747308600", "2026-11-01T08:00:00.5x"}) {
    EXPECT_EQ(ParseTimestamp(text), std::nullopt) << "'" << text << "'";
  }
  EXPECT_EQ(ParseTimestamp(std::string("2026-11-01\0", 11)), std::nullopt);
}

}  // namespace
}  // namespace mart
