#pragma once
// Payments (DESIGN.md §4): one record per attempt to pay an order. A card
// attempt ends `succeeded` or `failed` at once; cash on delivery stays
// `pending` until the order is delivered (succeeded) or cancelled (failed).
// The amount is always the order's total. Only the card's last four digits
// are ever kept; the number, expiry and CVC never reach a record or an event.
// JSON: {id, order_id, user_id, amount, method, status, reason, card_last4,
// created_at, updated_at}.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mart {

enum class PaymentMethod { kCard, kCod };
enum class PaymentStatus { kPending, kSucceeded, kFailed };

std::string_view PaymentMethodName(PaymentMethod method);
std::optional<PaymentMethod> ParsePaymentMethod(std::string_view name);
std::string_view PaymentStatusName(PaymentStatus status);
std::optional<PaymentStatus> ParsePaymentStatus(std::string_view name);

struct Payment {
  int64_t id = 0;
  std::string order_id = {};
  int64_t user_id = 0;  // the order's buyer
  int64_t amount_cents = 0;
  PaymentMethod method = PaymentMethod::kCard;
  PaymentStatus status = PaymentStatus::kPending;
  std::optional<std::string> reason = {};      // why it failed ("card declined")
  std::optional<std::string> card_last4 = {};  // "4242"; "auto" for auto-capture; none for cod
  int64_t created_at = 0;                 // Unix microseconds
  int64_t updated_at = 0;
};

nlohmann::json ToJson(const Payment& payment);
// The payload of payment.succeeded, payment.failed and payment.pending:
// {payment_id, order_id, user_id, amount, method, reason}.
nlohmann::json PaymentEventJson(const Payment& payment);

}  // namespace mart
