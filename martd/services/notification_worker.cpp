#include "services/notification_worker.h"

#include "services/notification_texts.h"

namespace mart {
namespace {

using nlohmann::json;

constexpr int64_t kAdminPage = 500;

}  // namespace

const std::vector<std::string>& NotificationWorker::topics() const {
  static const std::vector<std::string> kTopics = {
      "user.registered",     "order.placed",        "order.status_changed",
      "payment.succeeded",   "payment.failed",      "payment.pending",     "payment.refunded",
      "inventory.low_stock", "inventory.reorder_requested", "queue.dead_lettered"};
  return kTopics;
}

Status NotificationWorker::Apply(Tx& tx, const store::EventRow& event, const json& data) const {
  const std::string& topic = event.topic;
  if (topic == "user.registered") {
    MART_ASSIGN_OR_RETURN(int64_t user_id, EventInt(data, "user_id", event));
    auto user = tx.store.users().Get(user_id);
    if (!user.ok()) return user.status().code() == Code::kNotFound ? Status::Ok() : user.status();
    MART_ASSIGN_OR_RETURN(MessageText text, WelcomeText(data, *user));
    return ToUser(tx, event, user_id, "welcome", std::move(text));
  }
  if (topic == "inventory.low_stock") {
    MART_ASSIGN_OR_RETURN(MessageText text, LowStockText(tx, event, data));
    return ToAdmins(tx, event, "low_stock", std::move(text));
  }
  if (topic == "inventory.reorder_requested") {
    MART_ASSIGN_OR_RETURN(MessageText text, ReorderText(event, data));
    return ToAdmins(tx, event, "reorder", std::move(text));
  }
  if (topic == "queue.dead_lettered") {
    MART_ASSIGN_OR_RETURN(std::string consumer, EventText(data, "consumer", event));
    if (consumer == name()) return Status::Ok();  // telling admins would loop on a broken mailer
    MART_ASSIGN_OR_RETURN(MessageText text, DeadLetterText(event, data));
    return ToAdmins(tx, event, "dead_letter", std::move(text));
  }
  // The buyer's events: orders and payments.
  MART_ASSIGN_OR_RETURN(int64_t user_id, EventInt(data, "user_id", event));
  Result<MessageText> text = MessageText{};
  std::string type;
  if (topic == "order.placed") {
    text = OrderPlacedText(tx, event, data);
    type = "order_placed";
  } else if (topic == "order.status_changed") {
    text = OrderStatusText(event, data);
    type = "order_status";
  } else {
    text = PaymentText(event, data);
    type = "payment_" + topic.substr(topic.find('.') + 1);
  }
  if (!text.ok()) return text.status();
  return ToUser(tx, event, user_id, type, std::move(*text));
}

Status NotificationWorker::ToUser(Tx& tx, const store::EventRow& event, int64_t user_id,
                                  std::string_view type,
                                  std::pair<std::string, std::string> text) const {
  auto user = tx.store.users().Get(user_id);
  if (!user.ok()) return user.status().code() == Code::kNotFound ? Status::Ok() : user.status();
  NewNotification n{.user_id = user_id, .type = std::string(type),
                    .subject = std::move(text.first), .body = std::move(text.second),
                    .event_seq = event.seq};
  return notifications_.Create(tx, n).status();
}

Status NotificationWorker::ToAdmins(Tx& tx, const store::EventRow& event, std::string_view type,
                                    std::pair<std::string, std::string> text) const {
  store::UserFilter filter;
  filter.role = std::string(kRoleAdmin);
  filter.active = true;
  filter.limit = kAdminPage;
  while (true) {
    MART_ASSIGN_OR_RETURN(std::vector<User> admins, tx.store.users().List(filter));
    for (const User& admin : admins) {
      NewNotification n{.user_id = admin.id, .type = std::string(type), .subject = text.first,
                        .body = text.second, .event_seq = event.seq};
      MART_RETURN_IF_ERROR(notifications_.Create(tx, n).status());
    }
    if (static_cast<int64_t>(admins.size()) < kAdminPage) return Status::Ok();
    filter.offset += kAdminPage;
  }
}

}  // namespace mart
