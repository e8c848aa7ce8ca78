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

constexpr std::array<std::pair<PaymentStatus, std::string_view>, 5> kStatusNames = {{
    {PaymentStatus::kPending, "pending"},
    {PaymentStatus::kSucceeded, "succeeded"},
    {PaymentStatus::kFailed, "failed"},
    {PaymentStatus::kRefunding, "refunding"},
    {PaymentStatus::kRefunded, "refunded"},
}};

constexpr std::array<std::pair<RefundStatus, std::string_view>, 2> kRefundStatusNames = {{
    {RefundStatus::kPending, "pending"},
    {RefundStatus::kSucceeded, "succeeded"},
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

std::string_view RefundStatusName(RefundStatus status) {
  for (const auto& [value, name] : kRefundStatusNames) {
    if (value == status) return name;
  }
  return "pending";
}

std::optional<RefundStatus> ParseRefundStatus(std::string_view name) {
  for (const auto& [value, known] : kRefundStatusNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

nlohmann::json ToJson(const Refund& r) {
  return {{"id", r.id},
          {"payment_id", r.payment_id},
          {"order_id", r.order_id},
          {"amount", MoneyJson(r.amount_cents)},
          {"status", RefundStatusName(r.status)},
          {"reason", r.reason},
          {"actor", r.actor},
          {"created_at", FormatTimestamp(r.created_at)},
          {"refunded_at", r.refunded_at ? nlohmann::json(FormatTimestamp(*r.refunded_at))
                                        : nlohmann::json()}};
}

nlohmann::json ToJson(const Payment& p) {
  nlohmann::json refunds = nlohmann::json::array();
  for (const Refund& refund : p.refunds) refunds.push_back(ToJson(refund));
  return {{"id", p.id},
          {"order_id", p.order_id},
          {"user_id", p.user_id},
          {"amount", MoneyJson(p.amount_cents)},
          {"method", PaymentMethodName(p.method)},
          {"status", PaymentStatusName(p.status)},
          {"reason", OrNull(p.reason)},
          {"card_last4", OrNull(p.card_last4)},
          {"created_at", FormatTimestamp(p.created_at)},
          {"updated_at", FormatTimestamp(p.updated_at)},
          {"refunds", std::move(refunds)}};
}

}  // namespace mart
