#pragma once
// Payments (DESIGN.md §4): one record per attempt to pay an order. A card
// attempt ends `succeeded` or `failed` at once; cash on delivery stays
// `pending` until the order is delivered (succeeded) or cancelled (failed).
// A succeeded payment whose order is cancelled or refunded is `refunding`
// (its refund is recorded, the gateway has not confirmed it yet), then
// `refunded`. The amount is always the order's total. Only the card's last
// four digits are ever kept; the number, expiry and CVC never reach a record
// or an event.
// JSON: {id, order_id, user_id, amount, method, status, reason, card_last4,
// created_at, updated_at, refunds: [Refund]}; a payment is refunded whole
// and once, so `refunds` holds at most one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mart {

enum class PaymentMethod { kCard, kCod };
enum class PaymentStatus { kPending, kSucceeded, kFailed, kRefunding, kRefunded };
enum class RefundStatus { kPending, kSucceeded };

std::string_view PaymentMethodName(PaymentMethod method);
std::optional<PaymentMethod> ParsePaymentMethod(std::string_view name);
std::string_view PaymentStatusName(PaymentStatus status);
std::optional<PaymentStatus> ParsePaymentStatus(std::string_view name);
std::string_view RefundStatusName(RefundStatus status);
std::optional<RefundStatus> ParseRefundStatus(std::string_view name);

// The money of one payment given back, recorded in the transaction that
// cancelled or refunded its order and confirmed by the gateway later (by the
// payments worker). The amount is what the payment captured.
// JSON: {id, payment_id, order_id, amount, status, reason, actor, created_at,
// refunded_at}.
struct Refund {
  int64_t id = 0;
  int64_t payment_id = 0;
  std::string order_id = {};
  int64_t user_id = 0;  // the order's buyer
  int64_t amount_cents = 0;
  RefundStatus status = RefundStatus::kPending;
  std::string reason = {};  // "order 66f1… cancelled: out of stock"
  std::string actor = {};   // who ended the order: "user 3", "the orders worker"
  int64_t created_at = 0;   // Unix microseconds
  std::optional<int64_t> refunded_at = {};  // when the gateway confirmed it

  friend bool operator==(const Refund&, const Refund&) = default;
};

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
  std::vector<Refund> refunds = {};       // filled by the store's readers
};

nlohmann::json ToJson(const Refund& refund);
nlohmann::json ToJson(const Payment& payment);

}  // namespace mart
