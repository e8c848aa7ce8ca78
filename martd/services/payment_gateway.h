#pragma once
// Card checks and the payment gateway interface. PaymentService charges and
// RefundService refunds through a PaymentGateway, so a real provider can
// replace the simulated one without touching the services. Card details live only in memory for the
// length of one request: nothing here logs or stores them.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "mart/status.h"

namespace mart {

// A validated card: digits only, expiry not in the past.
struct CardDetails {
  std::string number;  // 12-19 digits
  int exp_month = 0;   // 1-12
  int exp_year = 0;    // four digits
  std::string cvc;     // 3 or 4 digits
  std::string Last4() const { return number.substr(number.size() - 4); }
};

// True when `digits` (digits only) passes the Luhn checksum.
bool LuhnValid(std::string_view digits);

// Checks the three card fields a request gave. Spaces and dashes in the
// number are dropped; the expiry is MM/YY and valid through the end of its
// month, compared with `now_micros` (the request's time, never wall time).
// INVALID_ARGUMENT with details.field card_number, expiry or cvc; the message
// never repeats the number or the CVC.
Result<CardDetails> ParseCard(const std::optional<std::string>& number,
                              const std::optional<std::string>& expiry,
                              const std::optional<std::string>& cvc, int64_t now_micros);

struct ChargeOutcome {
  bool approved = false;
  std::string reason = {};  // why not, when not approved ("card declined")
};

// What the gateway said to a refund. Not approved is a failure to retry
// (the provider was unreachable or refused for now), never "keep the money".
struct RefundOutcome {
  bool approved = false;
  std::string reason = {};  // why not, when not approved
};

class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;
  // Charges `amount_cents`. `card` is null for a capture with no card in the
  // request (auto-capture: the provider charges what it holds for the buyer).
  // Must be thread safe.
  virtual ChargeOutcome Charge(int64_t amount_cents, const CardDetails* card) const = 0;
  // Gives back `amount_cents` of a captured card payment. `key` names the
  // refund ("refund-7"): the same key twice is the same refund, so a call
  // repeated after a crash between the provider's answer and martd's commit
  // never pays out twice (real providers call this an idempotency key). Must
  // be thread safe.
  virtual RefundOutcome Refund(int64_t amount_cents, std::string_view key) const = 0;
};

struct SimulatedGatewayOptions {
  double failure_rate = 0;  // 0..1: chance that a charge fails at random
  uint64_t seed = 0;        // seeds the deterministic random sequence
};

// The well-known test numbers decide their outcome: 4242424242424242
// succeeds, 4000000000000002 is declined ("card declined"),
// 4000000000009995 fails ("insufficient funds"). Any other valid number, and
// a capture without a card, succeeds unless the random failure rate says
// otherwise ("payment failed: simulated gateway error"). A refund succeeds
// unless the random failure rate says otherwise ("refund failed: simulated
// gateway error"); the simulation holds no money, so a repeated key is
// approved again without paying anything twice. Thread safe.
class SimulatedGateway : public PaymentGateway {
 public:
  static constexpr std::string_view kSucceeds = "4242424242424242";
  static constexpr std::string_view kDeclined = "4000000000000002";
  static constexpr std::string_view kInsufficientFunds = "4000000000009995";

  explicit SimulatedGateway(SimulatedGatewayOptions options = {});
  ChargeOutcome Charge(int64_t amount_cents, const CardDetails* card) const override;
  RefundOutcome Refund(int64_t amount_cents, std::string_view key) const override;

 private:
  bool RandomFailure() const;

  SimulatedGatewayOptions options_;
  mutable std::mutex mutex_;
  mutable uint64_t state_;  // splitmix64 state, guarded by mutex_
};

}  // namespace mart
