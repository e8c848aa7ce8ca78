#include "queue/notification_worker.h"

#include <algorithm>

namespace mart {
namespace {

constexpr int64_t kAdminPage = 500;

// An order.placed event of version 2 tells each line's name; one of version 1
// (an older log, or a payload published without them) does not, and its
// order's lines are read.
bool LinesNamed(const nlohmann::json& data) {
  auto items = data.find("items");
  if (items == data.end() || !items->is_array() || items->empty()) return false;
  return std::all_of(items->begin(), items->end(), [](const nlohmann::json& line) {
    auto name = line.is_object() ? line.find("name") : line.end();
    return name != line.end() && name->is_string() && !name->get_ref<const std::string&>().empty();
  });
}

}  // namespace

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::UserRegistered& registered) const {
  auto user = tx.store.users().Get(registered.user_id);
  if (!user.ok()) return user.status().code() == Code::kNotFound ? Status::Ok() : user.status();
  return ToUser(tx, event, registered.user_id, "welcome", WelcomeText(*user));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::OrderPlaced& placed) const {
  std::vector<OrderItem> told;
  for (const events::OrderLine& line : placed.items) {
    if (line.name.empty()) break;
    told.push_back({line.product_id, line.name, line.quantity, line.price_cents});
  }
  const std::vector<OrderItem>* items = nullptr;
  if (!placed.items.empty() && told.size() == placed.items.size()) {
    items = &told;
  } else if (items_) {
    auto it = items_->find(placed.order_id);
    if (it != items_->end()) items = &it->second;
  }
  MART_ASSIGN_OR_RETURN(MessageText text, OrderPlacedText(tx, placed, items));
  return ToUser(tx, event, placed.user_id, "order_placed", std::move(text));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::OrderStatusChanged& change) const {
  return ToUser(tx, event, change.user_id, "order_status", OrderStatusText(change));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::PaymentSucceeded& payment) const {
  return ToUser(tx, event, payment.user_id, "payment_succeeded", PaymentText(payment));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::PaymentFailed& payment) const {
  return ToUser(tx, event, payment.user_id, "payment_failed", PaymentText(payment));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::PaymentPending& payment) const {
  return ToUser(tx, event, payment.user_id, "payment_pending", PaymentText(payment));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::PaymentRefunded& payment) const {
  return ToUser(tx, event, payment.user_id, "payment_refunded", PaymentText(payment));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::InventoryLowStock& low) const {
  MART_ASSIGN_OR_RETURN(MessageText text, LowStockText(tx, low));
  return ToAdmins(tx, event, "low_stock", std::move(text));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::InventoryReorderRequested& request) const {
  return ToAdmins(tx, event, "reorder", ReorderText(request));
}

Status NotificationWorker::On(Tx& tx, const store::EventRow& event,
                              const events::QueueDeadLettered& letter) const {
  if (letter.consumer == name())
    return Status::Ok();  // telling admins would loop on a broken mailer
  return ToAdmins(tx, event, "dead_letter", DeadLetterText(letter));
}

Status NotificationWorker::BeginPage(Tx& tx, const std::vector<PageEvent>& events) const {
  std::vector<std::string> ids;
  for (const PageEvent& event : events) {
    if (event.row.topic != events::OrderPlaced::kTopic || LinesNamed(event.data)) continue;
    auto order_id = event.data.find("order_id");
    if (order_id != event.data.end() && order_id->is_string()) {
      ids.push_back(order_id->get<std::string>());
    }
  }
  if (ids.empty()) return Status::Ok();
  MART_ASSIGN_OR_RETURN(auto items, tx.store.orders().ItemsOf(ids));
  items_ = std::move(items);
  return Status::Ok();
}

Status NotificationWorker::ToUser(Tx& tx, const store::EventRow& event, int64_t user_id,
                                  std::string_view type, MessageText text) const {
  // No row for a user that is gone (the store checks, in the same statement).
  NewNotification n{.user_id = user_id, .type = std::string(type),
                    .subject = std::move(text.first), .body = std::move(text.second),
                    .event_seq = event.seq};
  return notifications_.Create(tx, n);
}

Status NotificationWorker::ToAdmins(Tx& tx, const store::EventRow& event, std::string_view type,
                                    MessageText text) const {
  store::UserFilter filter;
  filter.role = std::string(kRoleAdmin);
  filter.active = true;
  filter.limit = kAdminPage;
  while (true) {
    MART_ASSIGN_OR_RETURN(std::vector<User> admins, tx.store.users().List(filter));
    for (const User& admin : admins) {
      NewNotification n{.user_id = admin.id, .type = std::string(type), .subject = text.first,
                        .body = text.second, .event_seq = event.seq};
      MART_RETURN_IF_ERROR(notifications_.Create(tx, n));
    }
    if (static_cast<int64_t>(admins.size()) < kAdminPage) return Status::Ok();
    filter.offset += kAdminPage;
  }
}

}  // namespace mart
