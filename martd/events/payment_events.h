#pragma once
// The payloads of the payments' events (payment and refund services). Each is
// declared once here: topic, version, aggregate key, when it is emitted and
// its fields (events/codec.h); events/catalog.h lists them all.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "events/codec.h"
#include "mart/domain/payment.h"

namespace mart::events {

// The payload of payment.succeeded, .failed and .pending.
struct PaymentEvent {
  int64_t payment_id = 0;
  std::string order_id = {};
  int64_t user_id = 0;
  int64_t amount_cents = 0;
  std::string method = {};
  std::optional<std::string> reason = {};
  static constexpr auto Fields() {
    return std::tuple{Integer("payment_id", &PaymentEvent::payment_id, "the payment's id"),
                      Text("order_id", &PaymentEvent::order_id, "the order paid for"),
                      Integer("user_id", &PaymentEvent::user_id, "the buyer"),
                      Money("amount", &PaymentEvent::amount_cents, "the order's total"),
                      Text("method", &PaymentEvent::method, "card or cod"),
                      OrNull("reason", &PaymentEvent::reason, "why it failed; null otherwise")};
  }
};

struct PaymentSucceeded : PaymentEvent {
  static constexpr std::string_view kTopic = "payment.succeeded";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen =
      "A card payment was approved, or a cash-on-delivery payment's order was delivered.";
};

struct PaymentFailed : PaymentEvent {
  static constexpr std::string_view kTopic = "payment.failed";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen =
      "A card was declined or failed, or a pending cash-on-delivery payment's order ended.";
};

struct PaymentPending : PaymentEvent {
  static constexpr std::string_view kTopic = "payment.pending";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen = "order.pay recorded a cash-on-delivery payment.";
};

struct PaymentRefunded : PaymentEvent {
  static constexpr std::string_view kTopic = "payment.refunded";
  static constexpr int kVersion = 1;
  static constexpr std::string_view kKey = "order_id";
  static constexpr std::string_view kWhen =
      "The money of a payment whose order was cancelled or refunded went back.";
  int64_t refund_id = 0;
  std::string actor = {};
  static constexpr auto Fields() {
    return std::tuple_cat(
        PaymentEvent::Fields(),
        std::tuple{Integer("refund_id", &PaymentRefunded::refund_id, "the refund's id"),
                   Text("actor", &PaymentRefunded::actor, "who ended the order, or refunded")});
  }
};

// The event of `payment` as it is now (E: succeeded, failed or pending).
template <class E>
E PaymentEventOf(const Payment& payment) {
  E event;
  event.payment_id = payment.id;
  event.order_id = payment.order_id;
  event.user_id = payment.user_id;
  event.amount_cents = payment.amount_cents;
  event.method = std::string(PaymentMethodName(payment.method));
  event.reason = payment.reason;
  return event;
}

// `refund` of `payment` paid back: amount and reason are the refund's.
inline PaymentRefunded PaymentRefundedOf(const Payment& payment, const Refund& refund) {
  PaymentRefunded event = PaymentEventOf<PaymentRefunded>(payment);
  event.amount_cents = refund.amount_cents;
  event.reason = refund.reason;
  event.refund_id = refund.id;
  event.actor = refund.actor;
  return event;
}

}  // namespace mart::events
