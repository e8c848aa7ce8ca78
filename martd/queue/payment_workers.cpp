#include "queue/payment_workers.h"

namespace mart {

Status PaymentsWorker::On(Tx& tx, const store::EventRow& event,
                          const events::OrderStatusChanged& change) const {
  auto status = ParseOrderStatus(change.to);
  if (!status) {
    return InvalidArgument("event " + std::to_string(event.seq) + " has an unknown status '" +
                           change.to + "'");
  }
  return payments_.OnOrderStatusChanged(tx, change.order_id, *status, Principal::Worker(name()));
}

}  // namespace mart
