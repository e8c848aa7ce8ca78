#include "mart/domain/payment.h"

#include <array>
#include <utility>

#include "mart/domain/money.h"
#include "mart/text.h"

namespace mart {
namespace {

constexpr std::array<std::pair<PaymentMethod, std::string_view>, 2> kMethodNames = {{
    {PaymentMethod::kCard, "card"},
    {PaymentMethod::kCod, "cod"},
}};

constexpr std::array<std::pair<PaymentStatus, std::string_view>, 3> kStatusNames = {{
    {PaymentStatus::kPending, "pending"},
    {PaymentStatus::kSucceeded, "succeeded"},
    {PaymentStatus::kFailed, "failed"},
}};

nlohmann::json OrNull(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

std::string_view PaymentMethodName(PaymentMethod method) {
  for (const auto& [value, name] : kMethodNames) {
    if (value == method) return name;
  }
  return "card";
}

std::optional<PaymentMethod> ParsePaymentMethod(std::string_view name) {
  for (const auto& [value, known] : kMethodNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string_view PaymentStatusName(PaymentStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "pending";
}

std::optional<PaymentStatus> ParsePaymentStatus(std::string_view name) {
  for (const auto& [value, known] : kStatusNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

nlohmann::json ToJson(const Payment& p) {
  return {{"id", p.id},
          {"order_id", p.order_id},
          {"user_id", p.user_id},
          {"amount", MoneyJson(p.amount_cents)},
          {"method", PaymentMethodName(p.method)},
          {"status", PaymentStatusName(p.status)},
          {"reason", OrNull(p.reason)},
          {"card_last4", OrNull(p.card_last4)},
          {"created_at", FormatTimestamp(p.created_at)},
          {"updated_at", FormatTimestamp(p.updated_at)}};
}

nlohmann::json PaymentEventJson(const Payment& p) {
  return {{"payment_id", p.id},
          {"order_id", p.order_id},
          {"user_id", p.user_id},
          {"amount", MoneyJson(p.amount_cents)},
          {"method", PaymentMethodName(p.method)},
          {"reason", OrNull(p.reason)}};
}

}  // namespace mart
