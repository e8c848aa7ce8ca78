#pragma once
// Notifications: what the notifications worker creates from events, what
// users read (their own; admins everyone's), and the delivery bookkeeping the
// mailer asks for (martd/notify/mailer.h). Every method runs on the store
// thread inside the caller's transaction. EnableDelivery is called once at
// start, before any thread runs; the rest is const and thread compatible.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "services/context.h"
#include "stores/notification_store.h"

namespace mart {

struct NewNotification {
  int64_t user_id = 0;  // the recipient
  std::string type;     // one of NotificationTypes()
  std::string subject;
  std::string body;
  int64_t event_seq = 0;  // the event it was made from
};

struct NotificationQuery {
  std::optional<int64_t> user_id;  // admins only (a user's own is always allowed)
  std::optional<std::string> type;
  std::optional<std::string> status;  // delivery status
  bool unread_only = false;
  int64_t limit = 100;
  int64_t offset = 0;
  std::optional<int64_t> after_id = {};  // keyset cursor
};

const std::vector<std::string_view>& NotificationTypes();
const std::vector<std::string_view>& DeliveryStatuses();
nlohmann::json ToJson(const store::Notification& notification);

class NotificationService {
 public:
  // With delivery, new notifications are 'pending' and `on_created` is called
  // (on the store thread, before the commit) so a mailer looks for work;
  // without, they are 'stored' and never mailed.
  void EnableDelivery(std::function<void()> on_created) { on_created_ = std::move(on_created); }
  bool delivery_enabled() const { return static_cast<bool>(on_created_); }

  // Changes nothing when the event already made this recipient's
  // notification of this type (an event applied twice) or the recipient is
  // no longer a user.
  Status Create(Tx& tx, const NewNotification& notification) const;

  // Newest first. PERMISSION_DENIED when a user asks for another user's.
  Result<std::vector<store::Notification>> List(Tx& tx, const Principal& principal,
                                                const NotificationQuery& query) const;
  // NOT_FOUND for a missing id and for another user's notification.
  Result<store::Notification> Get(Tx& tx, const Principal& principal, int64_t id) const;
  // Idempotent: read_at keeps the first time. NOT_FOUND as Get.
  Result<store::Notification> MarkRead(Tx& tx, const Principal& principal, int64_t id) const;
  // Marks the caller's own unread notifications read, admins' too (never
  // anyone else's); the local operator has none. Returns how many.
  Result<int64_t> MarkAllRead(Tx& tx, const Principal& principal) const;

  // For the mailer. Claim takes a lease on up to `limit` due rows.
  Result<std::vector<store::Outgoing>> Claim(Tx& tx, int64_t limit) const;
  Status RecordSent(Tx& tx, int64_t id) const;
  // Failed, retried after a backoff; after kMaxAttempts, failed for good.
  Status RecordFailure(Tx& tx, const store::Outgoing& mail, std::string_view error) const;
  // A claimed row not sent (the mailer is stopping): due again now.
  Status Release(Tx& tx, int64_t id) const;
  Result<std::optional<int64_t>> NextDue(Tx& tx) const;

  static constexpr int64_t kMaxAttempts = 10;
  // How long a claim holds a row: longer than one SMTP send may take.
  static constexpr int64_t kLeaseMicros = 120LL * 1000000;
  // The wait after the n-th failed attempt: 1 s, 2 s, 4 s ... at most 5 min.
  static int64_t BackoffMicros(int64_t attempts);

 private:
  std::function<void()> on_created_;
};

}  // namespace mart
