#include "mart/domain/money.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace mart {
namespace {

using nlohmann::json;

int64_t Cents(const json& value) {
  auto cents = ParseMoney(value, "price");
  EXPECT_TRUE(cents.ok()) << value.dump() << ": " << cents.status().ToString();
  return cents.ok() ? *cents : -1;
}

void ExpectRefused(const json& value) {
  auto cents = ParseMoney(value, "price");
  ASSERT_FALSE(cents.ok()) << value.dump() << " parsed as " << *cents;
  EXPECT_EQ(cents.status().code(), Code::kInvalidArgument) << value.dump();
  EXPECT_EQ(cents.status().details().value("field", ""), "price") << value.dump();
  EXPECT_NE(cents.status().message().find("price"), std::string::npos)
      << cents.status().message();
}

TEST(ParseMoneyTest, ReadsDecimalStrings) {
  EXPECT_EQ(Cents("899.99"), 89999);
  EXPECT_EQ(Cents("5"), 500);
  EXPECT_EQ(Cents("0.5"), 50);
  EXPECT_EQ(Cents("0.05"), 5);
  EXPECT_EQ(Cents("0"), 0);
  EXPECT_EQ(Cents("007.10"), 710);
  EXPECT_EQ(Cents("999999999999999.99"), 99999999999999999);  // 15 whole digits
}

TEST(ParseMoneyTest, ReadsJsonNumbers) {
  EXPECT_EQ(Cents(899.99), 89999);
  EXPECT_EQ(Cents(249.99), 24999);
  EXPECT_EQ(Cents(179.99), 17999);
  EXPECT_EQ(Cents(5), 500);
  EXPECT_EQ(Cents(5.0), 500);
  EXPECT_EQ(Cents(0.5), 50);
  EXPECT_EQ(Cents(0.01), 1);
  EXPECT_EQ(Cents(1e3), 100000);  // a JSON number with an exponent is still 1000
  EXPECT_EQ(Cents(json::parse("12.30")), 1230);
}

TEST(ParseMoneyTest, KeepsTheSignForTheCallerToBound) {
  EXPECT_EQ(Cents("-1"), -100);
  EXPECT_EQ(Cents("-0.5"), -50);
  EXPECT_EQ(Cents(-1), -100);
  EXPECT_EQ(Cents(-2.25), -225);
}

TEST(ParseMoneyTest, RefusesMoreThanTwoDecimals) {
  ExpectRefused("1.999");
  ExpectRefused(1.999);
  ExpectRefused("0.001");
  ExpectRefused(0.1 + 0.2);  // 0.30000000000000004
}

TEST(ParseMoneyTest, RefusesMalformedText) {
  for (const char* text : {"abc", "1e3", "", "1.", ".5", "--1", "-", "+5", " 5", "5 ", "1,50",
                           "1.5.0", "0x10", "12a", "1 000", "-.5", "NaN", "inf", "Infinity"}) {
    SCOPED_TRACE(text);
    ExpectRefused(text);
  }
}

TEST(ParseMoneyTest, RefusesNonFiniteNumbers) {
  ExpectRefused(std::numeric_limits<double>::quiet_NaN());
  ExpectRefused(std::numeric_limits<double>::infinity());
  ExpectRefused(-std::numeric_limits<double>::infinity());
}

TEST(ParseMoneyTest, RefusesHugeAmountsInsteadOfOverflowing) {
  ExpectRefused("1000000000000000");  // 16 whole digits
  ExpectRefused("99999999999999999999999999");
  ExpectRefused(1e300);
  ExpectRefused(1e16);
  ExpectRefused(std::numeric_limits<int64_t>::max());
  ExpectRefused(std::numeric_limits<int64_t>::min());
  ExpectRefused(std::numeric_limits<uint64_t>::max());
}

TEST(ParseMoneyTest, RefusesOtherJsonTypes) {
  for (const json& value : {json(nullptr), json(true), json::array({1}), json::object()}) {
    SCOPED_TRACE(value.dump());
    auto cents = ParseMoney(value, "min_price");
    ASSERT_FALSE(cents.ok());
    EXPECT_EQ(cents.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(cents.status().message(), "min_price must be a number");
    EXPECT_EQ(cents.status().details().value("field", ""), "min_price");
  }
}

TEST(ParseMoneyTest, MessageQuotesTheTextAndNamesTheField) {
  auto cents = ParseMoney("1.999", "max_price");
  ASSERT_FALSE(cents.ok());
  EXPECT_EQ(cents.status().message(),
            "max_price must be an amount with at most two decimals, not '1.999'");
  // Long input is cut, so a hostile value cannot flood the reply.
  auto long_text = ParseMoney(std::string(1000, '9'), "price");
  ASSERT_FALSE(long_text.ok());
  EXPECT_LT(long_text.status().message().size(), 120u);
}

TEST(FormatMoneyTest, AlwaysTwoDecimals) {
  EXPECT_EQ(FormatMoney(0), "0.00");
  EXPECT_EQ(FormatMoney(5), "0.05");
  EXPECT_EQ(FormatMoney(50), "0.50");
  EXPECT_EQ(FormatMoney(100), "1.00");
  EXPECT_EQ(FormatMoney(89999), "899.99");
  EXPECT_EQ(FormatMoney(1'000'000'000), "10000000.00");
}

TEST(FormatMoneyTest, Negatives) {
  EXPECT_EQ(FormatMoney(-5), "-0.05");
  EXPECT_EQ(FormatMoney(-100), "-1.00");
  EXPECT_EQ(FormatMoney(-89999), "-899.99");
}

TEST(FormatMoneyTest, ExtremesDoNotOverflow) {
  EXPECT_EQ(FormatMoney(std::numeric_limits<int64_t>::max()), "92233720368547758.07");
  EXPECT_EQ(FormatMoney(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
}

TEST(FormatMoneyTest, ParsesBackToTheSameCents) {
  for (int64_t cents : {int64_t{0}, int64_t{1}, int64_t{99}, int64_t{12345}, int64_t{-250},
                        int64_t{99999999999999999}}) {
    EXPECT_EQ(Cents(FormatMoney(cents)), cents) << cents;
  }
}

TEST(MoneyJsonTest, IsAJsonNumberWithTheDecimals) {
  json price = MoneyJson(89999);
  EXPECT_TRUE(price.is_number());
  EXPECT_EQ(price.dump(), "899.99");
  EXPECT_EQ(MoneyJson(24999).dump(), "249.99");
  EXPECT_EQ(MoneyJson(1).dump(), "0.01");
  EXPECT_DOUBLE_EQ(MoneyJson(500).get<double>(), 5.0);
  EXPECT_EQ(json({{"price", MoneyJson(17999)}}).dump(), R"({"price":179.99})");
}

TEST(MoneyJsonTest, EveryCentRoundTripsThroughTheWire) {
  // What the daemon replies must be what a client can send back unchanged.
  for (int64_t cents = 0; cents <= 200'000; ++cents) {
    json wire = json::parse(MoneyJson(cents).dump());
    auto back = ParseMoney(wire, "price");
    ASSERT_TRUE(back.ok()) << cents << ": " << back.status().ToString();
    ASSERT_EQ(*back, cents);
  }
  for (int64_t cents : {int64_t{999'999'999}, int64_t{1'000'000'000}, int64_t{123'456'789},
                        int64_t{-89999}}) {
    auto back = ParseMoney(json::parse(MoneyJson(cents).dump()), "price");
    ASSERT_TRUE(back.ok()) << cents << ": " << back.status().ToString();
    EXPECT_EQ(*back, cents);
  }
}

}  // namespace
}  // namespace mart
