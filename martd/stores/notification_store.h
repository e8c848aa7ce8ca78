#pragma once
// Notifications and their mail delivery state (table `notifications`, see
// schema.cpp for the meaning of each status). Callers run inside the store
// thread's transaction; methods return NOT_FOUND for missing rows and never log.

#include <optional>
#include <string>
#include <vector>

#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct Notification {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string type;
  std::string subject;
  std::string body;
  int64_t event_seq = 0;
  std::optional<int64_t> read_at;
  std::string status;  // pending | sent | failed | stored
  int64_t attempts = 0;
  std::optional<int64_t> next_attempt_at;
  std::optional<std::string> last_error;
  std::optional<int64_t> sent_at;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct NotificationFilter {
  std::optional<int64_t> user_id;
  std::optional<std::string> type;
  std::optional<std::string> status;
  bool unread_only = false;
  int64_t limit = 100;
  int64_t offset = 0;
  // Keyset cursor: only rows after this id in the list's order.
  std::optional<int64_t> after_id = {};
};

// A notification claimed for mailing, with its recipient's address.
struct Outgoing {
  int64_t id = 0;
  std::string to;
  std::string subject;
  std::string body;
  int64_t attempts = 0;  // including the claimed one
  int64_t created_at = 0;
};

class NotificationStore {
 public:
  explicit NotificationStore(Database& db) : db_(db) {}

  // Inserts unless a row with the same (event_seq, user_id, type) exists or
  // there is no user `n.user_id`. `n.id` is ignored. Inserted() then says
  // whether it did; on PostgreSQL that waits for the server, so a caller
  // asks only when it needs to know. While deferring, the row waits and
  // Inserted() is true: whether it is new is known only when it is written.
  Status Insert(const Notification& n);
  bool Inserted() const;

  // Rows left for the end of a worker's page (Store::DeferWrites); every
  // other method here writes what waits first.
  void DeferWrites() { deferred_.Start(); }
  Status WriteDeferred();
  void StopDeferring() { deferred_.Stop(); }
  Result<Notification> Get(int64_t id);
  // Newest first.
  Result<std::vector<Notification>> List(const NotificationFilter& filter);
  // Sets read_at when not set yet.
  Status MarkRead(int64_t id, int64_t now);
  // Sets read_at on every unread row of the user; returns how many.
  Result<int64_t> MarkAllRead(int64_t user_id, int64_t now);

  // Claims up to `limit` rows due at `now` (pending or failed with
  // next_attempt_at <= now), oldest due first: counts an attempt and moves
  // next_attempt_at to `lease_until`.
  Result<std::vector<Outgoing>> Claim(int64_t now, int64_t lease_until, int64_t limit);
  // The earliest next_attempt_at of a row still to be mailed.
  Result<std::optional<int64_t>> NextDue();
  Status MarkSent(int64_t id, int64_t now);
  // Status failed with the error; retried at `retry_at`, or never when nullopt.
  Status MarkFailed(int64_t id, std::string_view error, std::optional<int64_t> retry_at,
                    int64_t now);
  // Gives a claimed, unsent row back: its attempt is uncounted, due at `now`.
  Status Release(int64_t id, int64_t now);

 private:
  // Up to kMostRowsAtOnce rows in one statement.
  Status InsertRows(const Notification* rows, size_t count);

  Database& db_;
  DeferredRows<Notification> deferred_;
};

}  // namespace mart::store
