#include "services/payment_workers.h"

namespace mart {

const std::vector<std::string>& PaymentsWorker::topics() const {
  static const std::vector<std::string> kTopics = {"order.status_changed"};
  return kTopics;
}

Status PaymentsWorker::Apply(Tx& tx, const store::EventRow& event,
                             const nlohmann::json& data) const {
  // A malformed payload is an error (retried, then dead-lettered), never a crash.
  auto order_id = data.find("order_id");
  auto to = data.find("to");
  if (order_id == data.end() || !order_id->is_string() || to == data.end() || !to->is_string()) {
    return InvalidArgument("event " + std::to_string(event.seq) + " (" + event.topic +
                           ") has no text fields order_id and to");
  }
  auto status = ParseOrderStatus(to->get<std::string>());
  if (!status) {
    return InvalidArgument("event " + std::to_string(event.seq) + " has an unknown status '" +
                           to->get<std::string>() + "'");
  }
  return payments_.OnOrderStatusChanged(tx, order_id->get<std::string>(), *status,
                                        Principal::Worker(name()));
}

}  // namespace mart
