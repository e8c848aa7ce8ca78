// CURVE helpers: key checks, fresh key pairs, tcp detection.
#include "mart/wire/curve.h"

#include <gtest/gtest.h>

namespace mart {
namespace {

TEST(CurveTest, NewKeysAreWellFormedAndDiffer) {
  ASSERT_TRUE(CurveAvailable());
  auto first = NewCurveKeys();
  auto second = NewCurveKeys();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->public_key.size(), kCurveKeyTextSize);
  EXPECT_TRUE(CheckCurveKey(first->public_key, "key").ok());
  EXPECT_TRUE(CheckCurveKey(first->secret_key, "key").ok());
  EXPECT_NE(first->public_key, second->public_key);
  EXPECT_NE(first->public_key, first->secret_key);
}

TEST(CurveTest, MalformedKeysAreRefusedNamingTheSource) {
  for (const char* bad : {"", "short", "0123456789012345678901234567890123456789x",
                          "\"123456789012345678901234567890123456789"}) {
    Status checked = CheckCurveKey(bad, "--key");
    EXPECT_EQ(checked.code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(checked.message().rfind("--key must be 40 Z85 characters", 0), 0U) << bad;
    EXPECT_EQ(NormalizeCurveKey(bad, "--key").status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(CurveTest, HexAndZ85FormsOfAKeyAreTheSame) {
  auto keys = NewCurveKeys();
  ASSERT_TRUE(keys.ok());
  const std::string hex = CurveKeyHex(keys->public_key);
  EXPECT_EQ(hex.size(), 64U);
  EXPECT_EQ(*NormalizeCurveKey(hex, "key"), keys->public_key);
  EXPECT_EQ(*NormalizeCurveKey(keys->public_key, "key"), keys->public_key);
  EXPECT_EQ(CurveKeyHex("short"), "");
}

TEST(CurveTest, OnlyTcpEndpointsNeedAKey) {
  EXPECT_TRUE(IsTcpEndpoint("tcp://127.0.0.1:7300"));
  EXPECT_FALSE(IsTcpEndpoint("ipc:///run/mart.sock"));
  EXPECT_NE(MissingServerKey("tcp://h:1").message().find("--server-key"), std::string::npos);
}

}  // namespace
}  // namespace mart
