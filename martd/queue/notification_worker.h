#pragma once
// The `notifications` queue worker: turns events into notifications
// (services/notification_service.h), one per (event, recipient, type), so an
// event applied twice (a dead letter retried late) notifies nobody twice.
//   user.registered                       welcome, to the user
//   order.placed, order.status_changed    to the buyer
//   payment.succeeded|failed|pending      to the buyer
//   payment.refunded                      to the buyer
//   inventory.low_stock                   to every active admin
//   inventory.reorder_requested           to every active admin
//   queue.dead_lettered                   to every active admin, except for
//                                         its own dead letters (no loops)
// One handler per event type: the payload is decoded into its catalog type
// first (queue/consumer.h), so a malformed payload is an error (retried,
// then dead-lettered). A recipient that does not exist is skipped, not an
// error.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "queue/consumer.h"
#include "services/notification_service.h"
#include "services/notification_texts.h"

namespace mart {

class NotificationWorker
    : public TypedConsumer<NotificationWorker, events::UserRegistered, events::OrderPlaced,
                           events::OrderStatusChanged, events::PaymentSucceeded,
                           events::PaymentFailed, events::PaymentPending, events::PaymentRefunded,
                           events::InventoryLowStock, events::InventoryReorderRequested,
                           events::QueueDeadLettered> {
 public:
  explicit NotificationWorker(const NotificationService& notifications)
      : notifications_(notifications) {}
  std::string_view name() const override { return "notifications"; }

  Status On(Tx& tx, const store::EventRow& event, const events::UserRegistered& user) const;
  Status On(Tx& tx, const store::EventRow& event, const events::OrderPlaced& placed) const;
  Status On(Tx& tx, const store::EventRow& event, const events::OrderStatusChanged& change) const;
  Status On(Tx& tx, const store::EventRow& event, const events::PaymentSucceeded& payment) const;
  Status On(Tx& tx, const store::EventRow& event, const events::PaymentFailed& payment) const;
  Status On(Tx& tx, const store::EventRow& event, const events::PaymentPending& payment) const;
  Status On(Tx& tx, const store::EventRow& event, const events::PaymentRefunded& payment) const;
  Status On(Tx& tx, const store::EventRow& event, const events::InventoryLowStock& low) const;
  Status On(Tx& tx, const store::EventRow& event,
            const events::InventoryReorderRequested& request) const;
  Status On(Tx& tx, const store::EventRow& event, const events::QueueDeadLettered& letter) const;

  // The lines of a page's placed orders whose events do not tell them
  // (version 1), in one statement.
  Status BeginPage(Tx& tx, const std::vector<PageEvent>& events) const override;
  void EndPage() const override { items_.reset(); }

 private:
  // Notifies one user (skipped when there is no such user).
  Status ToUser(Tx& tx, const store::EventRow& event, int64_t user_id, std::string_view type,
                MessageText text) const;
  // Notifies every active admin, one row each.
  Status ToAdmins(Tx& tx, const store::EventRow& event, std::string_view type,
                  MessageText text) const;

  const NotificationService& notifications_;
  // Store thread only: between BeginPage and EndPage. Lines are never
  // changed after the order is placed.
  mutable std::optional<std::unordered_map<std::string, std::vector<OrderItem>>> items_;
};

}  // namespace mart
