#include "services/payment_gateway.h"

#include <gtest/gtest.h>

#include <string>

#include "services/clock.h"

namespace mart {
namespace {

// 2025-05-15T11:30:00Z, FakeClock's start.
constexpr int64_t kNow = 1747308600000000;

std::string FieldOf(const Status& status) { return status.details().value("field", ""); }

Result<CardDetails> Card(std::optional<std::string> number, std::optional<std::string> expiry = "12/30",
                         std::optional<std::string> cvc = "123") {
  return ParseCard(number, expiry, cvc, kNow);
}

TEST(LuhnTest, KnownNumbersPassAndOneDigitOffFails) {
  EXPECT_TRUE(LuhnValid("4242424242424242"));
  EXPECT_TRUE(LuhnValid("4000000000000002"));
  EXPECT_TRUE(LuhnValid("4000000000009995"));
  EXPECT_TRUE(LuhnValid("5555555555554444"));
  EXPECT_TRUE(LuhnValid("378282246310005"));  // 15 digits (Amex)
  EXPECT_FALSE(LuhnValid("4242424242424241"));
  EXPECT_FALSE(LuhnValid("4242424242424243"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("42424242a4242424"));
}

TEST(ParseCardTest, StripsSpacesAndDashesAndKeepsTheFields) {
  CardDetails card = Card("4242 4242-4242 4242", "07/27", "1234").value();
  EXPECT_EQ(card.number, "4242424242424242");
  EXPECT_EQ(card.Last4(), "4242");
  EXPECT_EQ(card.exp_month, 7);
  EXPECT_EQ(card.exp_year, 2027);
  EXPECT_EQ(card.cvc, "1234");
}

TEST(ParseCardTest, NumberErrorsNameTheFieldAndNeverEchoTheNumber) {
  for (const char* bad : {"4242424242424241", "42424242424", "42424242424242424242",
                          "4242x42424242424", ""}) {
    Result<CardDetails> card = Card(std::string(bad));
    ASSERT_FALSE(card.ok()) << bad;
    EXPECT_EQ(card.status().code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(card.status()), "card_number") << bad;
    if (std::string(bad).size() > 4) {
      EXPECT_EQ(card.status().message().find(bad), std::string::npos) << bad;
    }
  }
  EXPECT_EQ(FieldOf(Card(std::nullopt).status()), "card_number");
}

TEST(ParseCardTest, ExpiryMustBeMmYyAndNotInThePast) {
  for (const char* bad : {"13/30", "00/30", "1/30", "12/2030", "12-30", "ab/cd", "04/25",
                          "12/24"}) {
    Result<CardDetails> card = Card("4242424242424242", std::string(bad));
    ASSERT_FALSE(card.ok()) << bad;
    EXPECT_EQ(FieldOf(card.status()), "expiry") << bad;
  }
  // Valid through the end of its month: May 2025 is the clock's month.
  EXPECT_TRUE(Card("4242424242424242", "05/25").ok());
  EXPECT_TRUE(Card("4242424242424242", "06/25").ok());
  EXPECT_EQ(FieldOf(Card("4242424242424242", std::nullopt).status()), "expiry");
  // The request's time decides, not the wall clock: a year later 05/25 has expired.
  Result<CardDetails> later =
      ParseCard("4242424242424242", "05/25", "123", kNow + int64_t{366} * 86400 * 1000000);
  EXPECT_EQ(FieldOf(later.status()), "expiry");
}

TEST(ParseCardTest, CvcIsThreeOrFourDigits) {
  for (const char* bad : {"12", "12345", "12a", ""}) {
    Result<CardDetails> card = Card("4242424242424242", "12/30", std::string(bad));
    ASSERT_FALSE(card.ok()) << bad;
    EXPECT_EQ(FieldOf(card.status()), "cvc") << bad;
    EXPECT_EQ(card.status().message().find("4242424242424242"), std::string::npos);
  }
  EXPECT_EQ(FieldOf(Card("4242424242424242", "12/30", std::nullopt).status()), "cvc");
  EXPECT_TRUE(Card("4242424242424242", "12/30", "999").ok());
}

ChargeOutcome ChargeWith(const SimulatedGateway& gateway, const std::string& number) {
  CardDetails card = Card(number).value();
  return gateway.Charge(1000, &card);
}

TEST(SimulatedGatewayTest, TestCardsDecideTheOutcome) {
  SimulatedGateway gateway;
  EXPECT_TRUE(ChargeWith(gateway, "4242424242424242").approved);
  ChargeOutcome declined = ChargeWith(gateway, "4000000000000002");
  EXPECT_FALSE(declined.approved);
  EXPECT_EQ(declined.reason, "card declined");
  ChargeOutcome funds = ChargeWith(gateway, "4000000000009995");
  EXPECT_FALSE(funds.approved);
  EXPECT_EQ(funds.reason, "insufficient funds");
  EXPECT_TRUE(ChargeWith(gateway, "5555555555554444").approved);
  EXPECT_TRUE(gateway.Charge(1000, nullptr).approved);
}

TEST(SimulatedGatewayTest, FailureRateSparesTheFixedCards) {
  SimulatedGateway always({.failure_rate = 1.0, .seed = 7});
  EXPECT_TRUE(ChargeWith(always, "4242424242424242").approved);
  EXPECT_EQ(ChargeWith(always, "4000000000000002").reason, "card declined");
  ChargeOutcome other = ChargeWith(always, "5555555555554444");
  EXPECT_FALSE(other.approved);
  EXPECT_EQ(other.reason, "payment failed: simulated gateway error");
  EXPECT_FALSE(always.Charge(1000, nullptr).approved);
}

TEST(SimulatedGatewayTest, TheSeedMakesRandomFailuresRepeatable) {
  auto outcomes = [](uint64_t seed) {
    SimulatedGateway gateway({.failure_rate = 0.5, .seed = seed});
    std::string result;
    for (int i = 0; i < 64; ++i) result += gateway.Charge(1000, nullptr).approved ? '1' : '0';
    return result;
  };
  const std::string first = outcomes(42);
  EXPECT_EQ(first, outcomes(42));
  EXPECT_NE(first, outcomes(43));
  // Half the charges, give or take: both outcomes happen.
  EXPECT_NE(first.find('0'), std::string::npos);
  EXPECT_NE(first.find('1'), std::string::npos);
}

}  // namespace
}  // namespace mart
