#include "services/payment_gateway.h"

#include <ctime>

namespace mart {
namespace {

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !text.empty();
}

Result<std::string> CardNumber(const std::optional<std::string>& number) {
  if (!number) {
    return InvalidArgument("card_number is required to pay by card", {{"field", "card_number"}});
  }
  std::string digits;
  for (char c : *number) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') {
      return InvalidArgument("card_number must be digits (spaces and dashes allowed)",
                             {{"field", "card_number"}});
    }
    digits.push_back(c);
  }
  if (digits.size() < 12 || digits.size() > 19) {
    return InvalidArgument("card_number must have 12 to 19 digits", {{"field", "card_number"}});
  }
  if (!LuhnValid(digits)) {
    return InvalidArgument("card_number is not a valid card number (checksum)",
                           {{"field", "card_number"}});
  }
  return digits;
}

// (month, four-digit year) of an MM/YY expiry not before `now_micros`'s month.
Result<std::pair<int, int>> Expiry(const std::optional<std::string>& expiry, int64_t now_micros) {
  if (!expiry) return InvalidArgument("expiry is required to pay by card", {{"field", "expiry"}});
  const std::string& text = *expiry;
  if (text.size() != 5 || text[2] != '/' || !AllDigits(text.substr(0, 2)) ||
      !AllDigits(text.substr(3))) {
    return InvalidArgument("expiry must be MM/YY, such as 12/30", {{"field", "expiry"}});
  }
  const int month = std::stoi(text.substr(0, 2));
  const int year = 2000 + std::stoi(text.substr(3));
  if (month < 1 || month > 12) {
    return InvalidArgument("expiry month must be 01 to 12", {{"field", "expiry"}});
  }
  std::time_t seconds = static_cast<std::time_t>(now_micros / 1000000);
  std::tm now{};
  gmtime_r(&seconds, &now);
  if (year * 12 + month < (now.tm_year + 1900) * 12 + now.tm_mon + 1) {
    return InvalidArgument("the card expired (" + text + ")", {{"field", "expiry"}});
  }
  return std::pair<int, int>{month, year};
}

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  if (!AllDigits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

Result<CardDetails> ParseCard(const std::optional<std::string>& number,
                              const std::optional<std::string>& expiry,
                              const std::optional<std::string>& cvc, int64_t now_micros) {
  CardDetails card;
  MART_ASSIGN_OR_RETURN(card.number, CardNumber(number));
  MART_ASSIGN_OR_RETURN(auto month_year, Expiry(expiry, now_micros));
  card.exp_month = month_year.first;
  card.exp_year = month_year.second;
  if (!cvc) return InvalidArgument("cvc is required to pay by card", {{"field", "cvc"}});
  if (cvc->size() < 3 || cvc->size() > 4 || !AllDigits(*cvc)) {
    return InvalidArgument("cvc must be 3 or 4 digits", {{"field", "cvc"}});
  }
  card.cvc = *cvc;
  return card;
}

SimulatedGateway::SimulatedGateway(SimulatedGatewayOptions options)
    : options_(options), state_(options.seed) {}

bool SimulatedGateway::RandomFailure() const {
  if (options_.failure_rate <= 0) return false;
  std::lock_guard lock(mutex_);
  // 53 random bits -> [0, 1), as std::generate_canonical does for doubles.
  const double draw = static_cast<double>(SplitMix64(state_) >> 11) * 0x1.0p-53;
  return draw < options_.failure_rate;
}

ChargeOutcome SimulatedGateway::Charge(int64_t, const CardDetails* card) const {
  if (card != nullptr) {
    if (card->number == kSucceeds) return {.approved = true};
    if (card->number == kDeclined) return {.approved = false, .reason = "card declined"};
    if (card->number == kInsufficientFunds) {
      return {.approved = false, .reason = "insufficient funds"};
    }
  }
  if (RandomFailure()) {
    return {.approved = false, .reason = "payment failed: simulated gateway error"};
  }
  return {.approved = true};
}

RefundOutcome SimulatedGateway::Refund(int64_t, std::string_view) const {
  if (RandomFailure()) {
    return {.approved = false, .reason = "refund failed: simulated gateway error"};
  }
  return {.approved = true};
}

}  // namespace mart
