#include "stores/notification_store.h"

namespace mart::store {
namespace {

#define MART_NOTIFICATION_SELECT                                                         \
  "SELECT id, user_id, type, subject, body, event_seq, read_at, status, attempts, "      \
  "next_attempt_at, last_error, sent_at, created_at, updated_at FROM notifications"

std::optional<int64_t> OptInt(const Query& q, int column) {
  if (q.IsNull(column)) return std::nullopt;
  return q.Int(column);
}

Notification ReadNotification(const Query& q) {
  Notification n;
  n.id = q.Int(0);
  n.user_id = q.Int(1);
  n.type = q.Text(2);
  n.subject = q.Text(3);
  n.body = q.Text(4);
  n.event_seq = q.Int(5);
  n.read_at = OptInt(q, 6);
  n.status = q.Text(7);
  n.attempts = q.Int(8);
  n.next_attempt_at = OptInt(q, 9);
  n.last_error = q.OptText(10);
  n.sent_at = OptInt(q, 11);
  n.created_at = q.Int(12);
  n.updated_at = q.Int(13);
  return n;
}

Status ExpectRow(Database& db, int64_t id) {
  if (db.Changes() == 0) return NotFound("notification " + std::to_string(id) + " not found");
  return Status::Ok();
}

std::string ListSql(const NotificationFilter& f) {
  std::string sql = MART_NOTIFICATION_SELECT " WHERE TRUE";
  if (f.user_id) sql += " AND user_id = :user_id";
  if (f.type) sql += " AND type = :type";
  if (f.status) sql += " AND status = :status";
  if (f.unread_only) sql += " AND read_at IS NULL";
  if (f.after_id) sql += " AND id < :after";
  return sql + " ORDER BY id DESC LIMIT :limit OFFSET :offset";
}

}  // namespace

Status NotificationStore::Insert(const Notification& n) {
  if (deferred_.deferring()) {
    deferred_.Add(n);
    return Status::Ok();
  }
  return InsertRows(&n, 1);
}

// One statement for the rows and their recipients' check (each statement is
// a round trip on PostgreSQL); the casts give PostgreSQL the column types.
Status NotificationStore::InsertRows(const Notification* rows, size_t count) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(
      "INSERT INTO notifications (user_id, type, subject, body, event_seq, status, attempts, "
      "next_attempt_at, created_at, updated_at) "
      "SELECT column1, column2, column3, column4, column5, column6, 0, column7, column8, "
      "column9 FROM (VALUES " +
      Repeated("(CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), "
               "CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), "
               "CAST(? AS BIGINT), CAST(? AS BIGINT))",
               count) +
      // In their order (ids follow it), whatever way the server checks the users.
      ") AS v WHERE EXISTS (SELECT 1 FROM users WHERE id = v.column1) ORDER BY column10 "
      "ON CONFLICT (event_seq, user_id, type) DO NOTHING"));
  for (size_t i = 0; i < count; ++i) {
    const Notification& n = rows[i];
    const int at = static_cast<int>(i) * 10;
    q.Bind(at + 1, n.user_id).Bind(at + 2, n.type).Bind(at + 3, n.subject);
    q.Bind(at + 4, n.body).Bind(at + 5, n.event_seq).Bind(at + 6, n.status);
    if (n.next_attempt_at) {
      q.Bind(at + 7, *n.next_attempt_at);
    } else {
      q.BindNull(at + 7);
    }
    q.Bind(at + 8, n.created_at).Bind(at + 9, n.updated_at);
    q.Bind(at + 10, static_cast<int64_t>(i));
  }
  return q.Run();
}

Status NotificationStore::WriteDeferred() {
  return InChunks(deferred_.Take(), [this](const Notification* rows, size_t count) {
    return InsertRows(rows, count);
  });
}

bool NotificationStore::Inserted() const { return deferred_.deferring() || db_.Changes() == 1; }

Result<Notification> NotificationStore::Get(int64_t id) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(MART_NOTIFICATION_SELECT " WHERE id = ?"));
  q.Bind(1, id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("notification " + std::to_string(id) + " not found");
  return ReadNotification(q);
}

Result<std::vector<Notification>> NotificationStore::List(const NotificationFilter& f) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(ListSql(f)));
  if (f.user_id) q.BindNamed(":user_id", *f.user_id);
  if (f.type) q.BindNamed(":type", *f.type);
  if (f.status) q.BindNamed(":status", *f.status);
  if (f.after_id) q.BindNamed(":after", *f.after_id);
  q.BindNamed(":limit", f.limit).BindNamed(":offset", f.offset);
  std::vector<Notification> rows;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    rows.push_back(ReadNotification(q));
  }
  return rows;
}

Status NotificationStore::MarkRead(int64_t id, int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE notifications SET read_at = coalesce(read_at, ?1), updated_at = ?1 WHERE id = ?2"));
  q.Bind(1, now).Bind(2, id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectRow(db_, id);
}

Result<int64_t> NotificationStore::MarkAllRead(int64_t user_id, int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE notifications SET read_at = ?1, updated_at = ?1 "
      "WHERE user_id = ?2 AND read_at IS NULL"));
  q.Bind(1, now).Bind(2, user_id);
  MART_RETURN_IF_ERROR(q.Run());
  return static_cast<int64_t>(db_.Changes());
}

Result<std::vector<Outgoing>> NotificationStore::Claim(int64_t now, int64_t lease_until,
                                                       int64_t limit) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  std::vector<Outgoing> claimed;
  {
    MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
        "SELECT n.id, u.email, n.subject, n.body, n.attempts, n.created_at "
        "FROM notifications n JOIN users u ON u.id = n.user_id "
        "WHERE n.next_attempt_at IS NOT NULL AND n.next_attempt_at <= ? "
        "AND n.status IN ('pending', 'failed') ORDER BY n.next_attempt_at, n.id LIMIT ?"));
    q.Bind(1, now).Bind(2, limit);
    while (true) {
      MART_ASSIGN_OR_RETURN(bool row, q.Next());
      if (!row) break;
      claimed.push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4) + 1, q.Int(5)});
    }
  }
  for (const Outgoing& out : claimed) {
    MART_ASSIGN_OR_RETURN(Query update, db_.Prepare(
        "UPDATE notifications SET attempts = attempts + 1, next_attempt_at = ?, updated_at = ? "
        "WHERE id = ?"));
    update.Bind(1, lease_until).Bind(2, now).Bind(3, out.id);
    MART_RETURN_IF_ERROR(update.Run());
  }
  return claimed;
}

Result<std::optional<int64_t>> NotificationStore::NextDue() {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT min(next_attempt_at) FROM notifications WHERE next_attempt_at IS NOT NULL "
      "AND status IN ('pending', 'failed')"));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row || q.IsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(q.Int(0));
}

Status NotificationStore::MarkSent(int64_t id, int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE notifications SET status = 'sent', next_attempt_at = NULL, last_error = NULL, "
      "sent_at = ?1, updated_at = ?1 WHERE id = ?2"));
  q.Bind(1, now).Bind(2, id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectRow(db_, id);
}

Status NotificationStore::MarkFailed(int64_t id, std::string_view error,
                                     std::optional<int64_t> retry_at, int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE notifications SET status = 'failed', next_attempt_at = ?, last_error = ?, "
      "updated_at = ? WHERE id = ?"));
  if (retry_at) {
    q.Bind(1, *retry_at);
  } else {
    q.BindNull(1);
  }
  q.Bind(2, error).Bind(3, now).Bind(4, id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectRow(db_, id);
}

Status NotificationStore::Release(int64_t id, int64_t now) {
  MART_RETURN_IF_ERROR(WriteDeferred());
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE notifications SET attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, "
      "next_attempt_at = ?1, "
      "updated_at = ?1 WHERE id = ?2 AND status IN ('pending', 'failed')"));
  q.Bind(1, now).Bind(2, id);
  return q.Run();
}

}  // namespace mart::store
