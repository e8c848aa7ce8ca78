#pragma once
// The payments worker takes order.status_changed:
//   to processing  with --auto-capture: charges the order's total through the
//                  gateway and pays the order (seed 004's pending ->
//                  processing -> paid), unless it already has a payment;
//   to delivered   a pending cash-on-delivery payment succeeds;
//   to cancelled   or refunded before delivery: it fails ("order cancelled");
//                  then the order's pending refunds are paid back through the
//                  gateway (RefundService::Complete), a failure retried with
//                  the queue's backoff and dead-lettered after the last try.
// Each step checks the order's and payments' state now, so an event applied
// twice or out of log order (a dead letter retried late) never charges or
// refunds twice. The payload is decoded into its catalog type first
// (queue/consumer.h).

#include "queue/consumer.h"
#include "services/payment_service.h"

namespace mart {

class PaymentsWorker : public TypedConsumer<PaymentsWorker, events::OrderStatusChanged> {
 public:
  explicit PaymentsWorker(const PaymentService& payments) : payments_(payments) {}
  std::string_view name() const override { return "payments"; }

  Status On(Tx& tx, const store::EventRow& event, const events::OrderStatusChanged& change) const;

 private:
  const PaymentService& payments_;
};

}  // namespace mart
