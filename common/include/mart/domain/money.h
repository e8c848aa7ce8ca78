#pragma once
// Money is exact: integer cents everywhere inside mart. On the wire a price is
// a JSON number with at most two decimals (899.99) or the same as a string
// ("899.99"); replies show JSON numbers.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mart/status.h"

namespace mart {

// A JSON number or decimal string -> cents. INVALID_ARGUMENT naming `field`
// for anything else: not a number, more than two decimals, NaN, exponent,
// out of int64 range.
Result<int64_t> ParseMoney(const nlohmann::json& value, std::string_view field);
// Cents -> JSON number (89999 -> 899.99).
nlohmann::json MoneyJson(int64_t cents);
// Cents -> "899.99".
std::string FormatMoney(int64_t cents);

}  // namespace mart
