#include "services/notification_service.h"

#include <algorithm>

#include "mart/text.h"

namespace mart {
namespace {

using nlohmann::json;

json OptTime(const std::optional<int64_t>& micros) {
  return micros ? json(FormatTimestamp(*micros)) : json();
}

bool Known(const std::vector<std::string_view>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

const std::vector<std::string_view>& NotificationTypes() {
  static const std::vector<std::string_view> kTypes = {
      "welcome",         "order_placed",     "order_status", "payment_succeeded",
      "payment_failed",  "payment_pending",  "payment_refunded", "low_stock",
      "reorder",         "dead_letter"};
  return kTypes;
}

const std::vector<std::string_view>& DeliveryStatuses() {
  static const std::vector<std::string_view> kStatuses = {"pending", "sent", "failed", "stored"};
  return kStatuses;
}

json ToJson(const store::Notification& n) {
  return {{"id", n.id},
          {"user_id", n.user_id},
          {"type", n.type},
          {"subject", n.subject},
          {"body", n.body},
          {"event_seq", n.event_seq},
          {"is_read", n.read_at.has_value()},
          {"read_at", OptTime(n.read_at)},
          {"status", n.status},
          {"attempts", n.attempts},
          {"next_attempt_at", OptTime(n.next_attempt_at)},
          {"last_error", n.last_error ? json(*n.last_error) : json()},
          {"sent_at", OptTime(n.sent_at)},
          {"created_at", FormatTimestamp(n.created_at)},
          {"updated_at", FormatTimestamp(n.updated_at)}};
}

int64_t NotificationService::BackoffMicros(int64_t attempts) {
  int64_t wait = 1'000'000;
  for (int64_t i = 1; i < attempts && wait < 300'000'000; ++i) wait *= 2;
  return std::min<int64_t>(wait, 300'000'000);
}

Status NotificationService::Create(Tx& tx, const NewNotification& n) const {
  if (!Known(NotificationTypes(), n.type)) {
    return InvalidArgument("unknown notification type '" + n.type + "'");
  }
  store::Notification row;
  row.user_id = n.user_id;
  row.type = n.type;
  row.subject = n.subject;
  row.body = n.body;
  row.event_seq = n.event_seq;
  row.status = delivery_enabled() ? "pending" : "stored";
  if (delivery_enabled()) row.next_attempt_at = tx.now;
  row.created_at = row.updated_at = tx.now;
  MART_RETURN_IF_ERROR(tx.store.notifications().Insert(row));
  // Without delivery nothing needs to know whether it was new (which on
  // PostgreSQL would wait for the server).
  if (on_created_ && tx.store.notifications().Inserted()) on_created_();
  return Status::Ok();
}

Result<std::vector<store::Notification>> NotificationService::List(
    Tx& tx, const Principal& principal, const NotificationQuery& query) const {
  store::NotificationFilter filter;
  filter.type = query.type;
  filter.status = query.status;
  filter.unread_only = query.unread_only;
  filter.limit = query.limit;
  filter.offset = query.offset;
  filter.after_id = query.after_id;
  MART_ASSIGN_OR_RETURN(filter.user_id, principal.ListScope(query.user_id, "notifications"));
  if (query.type && !Known(NotificationTypes(), *query.type)) {
    return InvalidArgument("unknown notification type '" + *query.type + "'", {{"field", "type"}});
  }
  if (query.status && !Known(DeliveryStatuses(), *query.status)) {
    return InvalidArgument("unknown delivery status '" + *query.status + "'",
                           {{"field", "status"}});
  }
  return tx.store.notifications().List(filter);
}

Result<store::Notification> NotificationService::Get(Tx& tx, const Principal& principal,
                                                     int64_t id) const {
  MART_ASSIGN_OR_RETURN(store::Notification n, tx.store.notifications().Get(id));
  // Another user's notification does not exist as far as this caller can tell.
  if (!principal.IsAdmin() && n.user_id != principal.user_id) {
    return NotFound("notification " + std::to_string(id) + " not found");
  }
  return n;
}

Result<store::Notification> NotificationService::MarkRead(Tx& tx, const Principal& principal,
                                                          int64_t id) const {
  MART_ASSIGN_OR_RETURN(store::Notification n, Get(tx, principal, id));
  if (n.read_at) return n;
  MART_RETURN_IF_ERROR(tx.store.notifications().MarkRead(id, tx.now));
  return tx.store.notifications().Get(id);
}

Result<int64_t> NotificationService::MarkAllRead(Tx& tx, const Principal& principal) const {
  if (!principal.IsUser()) return int64_t{0};
  return tx.store.notifications().MarkAllRead(principal.user_id, tx.now);
}

Result<std::vector<store::Outgoing>> NotificationService::Claim(Tx& tx, int64_t limit) const {
  return tx.store.notifications().Claim(tx.now, tx.now + kLeaseMicros, limit);
}

Status NotificationService::RecordSent(Tx& tx, int64_t id) const {
  return tx.store.notifications().MarkSent(id, tx.now);
}

Status NotificationService::RecordFailure(Tx& tx, const store::Outgoing& mail,
                                          std::string_view error) const {
  std::optional<int64_t> retry_at;
  if (mail.attempts < kMaxAttempts) retry_at = tx.now + BackoffMicros(mail.attempts);
  return tx.store.notifications().MarkFailed(mail.id, error, retry_at, tx.now);
}

Status NotificationService::Release(Tx& tx, int64_t id) const {
  return tx.store.notifications().Release(id, tx.now);
}

Result<std::optional<int64_t>> NotificationService::NextDue(Tx& tx) const {
  return tx.store.notifications().NextDue();
}

}  // namespace mart
