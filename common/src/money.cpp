#include "mart/domain/money.h"

#include <cctype>
#include <cstdio>

namespace mart {
namespace {

Status NotMoney(std::string_view field, std::string_view text) {
  return InvalidArgument(std::string(field) + " must be an amount with at most two decimals, not '" +
                             std::string(text.substr(0, 40)) + "'",
                         {{"field", field}});
}

// "123", "123.4", "123.45", optionally with a leading '-'.
Result<int64_t> ParseDecimal(std::string_view text, std::string_view field) {
  std::string_view digits = text;
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  size_t dot = digits.find('.');
  std::string_view whole = digits.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : digits.substr(dot + 1);
  if (whole.empty() || whole.size() > 15 || fraction.size() > 2 ||
      (dot != std::string_view::npos && fraction.empty())) {
    return NotMoney(field, text);
  }
  int64_t cents = 0;
  for (char c : whole) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return NotMoney(field, text);
    cents = cents * 10 + (c - '0');
  }
  for (size_t i = 0; i < 2; ++i) {
    char c = i < fraction.size() ? fraction[i] : '0';
    if (!std::isdigit(static_cast<unsigned char>(c))) return NotMoney(field, text);
    cents = cents * 10 + (c - '0');
  }
  return negative ? -cents : cents;
}

}  // namespace

Result<int64_t> ParseMoney(const nlohmann::json& value, std::string_view field) {
  if (value.is_string()) return ParseDecimal(value.get_ref<const std::string&>(), field);
  if (value.is_number_integer()) {
    std::string text = value.dump();
    return ParseDecimal(text, field);
  }
  if (value.is_number_float()) {
    // nlohmann prints the shortest text that reads back as the same double:
    // 899.99 -> "899.99", 0.1 + 0.2 -> "0.30000000000000004" (refused).
    std::string text = value.dump();
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
    return ParseDecimal(text, field);
  }
  return InvalidArgument(std::string(field) + " must be a number", {{"field", field}});
}

nlohmann::json MoneyJson(int64_t cents) { return static_cast<double>(cents) / 100.0; }

std::string FormatMoney(int64_t cents) {
  char buffer[32];
  const char* sign = cents < 0 ? "-" : "";
  uint64_t magnitude = cents < 0 ? uint64_t(-(cents + 1)) + 1 : uint64_t(cents);
  std::snprintf(buffer, sizeof buffer, "%s%llu.%02llu", sign,
                static_cast<unsigned long long>(magnitude / 100),
                static_cast<unsigned long long>(magnitude % 100));
  return buffer;
}

}  // namespace mart
