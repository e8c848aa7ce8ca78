#pragma once
// The `notifications` queue worker: turns events into notifications
// (services/notification_service.h), one per (event, recipient, type), so an
// event applied twice (a dead letter retried late) notifies nobody twice.
//   user.registered                       welcome, to the user
//   order.placed, order.status_changed    to the buyer
//   payment.succeeded|failed|pending      to the buyer
//   inventory.low_stock                   to every active admin
//   inventory.reorder_requested           to every active admin
//   queue.dead_lettered                   to every active admin, except for
//                                         its own dead letters (no loops)
// A recipient that does not exist is skipped, not an error. A malformed
// payload is an error (retried, then dead-lettered).

#include "events/consumer.h"
#include "services/notification_service.h"

namespace mart {

class NotificationWorker : public Consumer {
 public:
  explicit NotificationWorker(const NotificationService& notifications)
      : notifications_(notifications) {}
  std::string_view name() const override { return "notifications"; }
  const std::vector<std::string>& topics() const override;
  Status Apply(Tx& tx, const store::EventRow& event, const nlohmann::json& data) const override;

 private:
  // Notifies one user (skipped when there is no such user).
  Status ToUser(Tx& tx, const store::EventRow& event, int64_t user_id, std::string_view type,
                std::pair<std::string, std::string> text) const;
  // Notifies every active admin, one row each.
  Status ToAdmins(Tx& tx, const store::EventRow& event, std::string_view type,
                  std::pair<std::string, std::string> text) const;

  const NotificationService& notifications_;
};

}  // namespace mart
