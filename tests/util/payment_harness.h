#pragma once
// PaymentHarness: OrderHarness with shortcuts for payments — pay an order in
// one Tx, read its payments, and find an emitted event's payload. Not thread
// safe.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/order_harness.h"

namespace mart::test {

inline constexpr std::string_view kGoodCard = "4242424242424242";
inline constexpr std::string_view kDeclinedCard = "4000000000000002";
inline constexpr std::string_view kNoFundsCard = "4000000000009995";

class PaymentHarness : public OrderHarness {
 public:
  explicit PaymentHarness(PaymentOptions payments = {}) : OrderHarness(payments) {}

  Result<Payment> PayCard(const Principal& who, const std::string& order_id,
                          std::string_view number = kGoodCard, std::string expiry = "12/30",
                          std::string cvc = "123") {
    return Pay(who, {.order_id = order_id, .method = "card",
                             .card_number = std::string(number), .expiry = std::move(expiry),
                             .cvc = std::move(cvc)});
  }

  Result<Payment> PayCod(const Principal& who, const std::string& order_id) {
    return Pay(who, {.order_id = order_id, .method = "cod"});
  }

  Result<Payment> Pay(const Principal& who, const PayRequest& request) {
    Tx tx = NewTx();
    return services().payments.Pay(tx, who, request);
  }

  // Ann's order of one headphone, reserved and processing.
  Order ProcessingOrder() {
    Order order = MustPlace(headphones.id, 1);
    Pump();
    return Get(order.id);
  }

  std::vector<Payment> PaymentsOf(const std::string& order_id) {
    return Must(store_->payments().ForOrder(order_id), "payments of order");
  }

  // The payloads of `topic` among `events`, in order.
  static std::vector<nlohmann::json> Payloads(const std::vector<store::EventRow>& events,
                                              std::string_view topic) {
    std::vector<nlohmann::json> found;
    for (const auto& event : events) {
      if (event.topic == topic) found.push_back(nlohmann::json::parse(event.payload));
    }
    return found;
  }
};

}  // namespace mart::test
