#include "stores/session_store.h"

namespace mart::store {

Result<int64_t> SessionStore::CreateSession(int64_t user_id, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO sessions (user_id, created_at) VALUES (?, ?) RETURNING id"));
  q.Bind(1, user_id).Bind(2, now);
  return q.RunReturning();
}

namespace {

#define MART_SESSION_SELECT                                                          \
  "SELECT s.id, s.user_id, s.revoked_at IS NOT NULL, u.is_active, u.role, u.email " \
  "FROM sessions s JOIN users u ON u.id = s.user_id"

SessionRow ReadSession(const Query& q) {
  return SessionRow{.id = q.Int(0), .user_id = q.Int(1), .revoked = q.Int(2) != 0,
                    .user_active = q.Int(3) != 0, .user_role = q.Text(4),
                    .user_email = q.Text(5)};
}

}  // namespace

Result<SessionRow> SessionStore::GetSession(int64_t session_id) {
  if (const std::optional<SessionRow>* ahead = ahead_.Find(session_id)) {
    if (*ahead) return **ahead;
    return NotFound("session " + std::to_string(session_id) + " not found");
  }
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(MART_SESSION_SELECT " WHERE s.id = ?"));
  q.Bind(1, session_id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("session " + std::to_string(session_id) + " not found");
  return ReadSession(q);
}

Status SessionStore::ReadAhead(const std::vector<int64_t>& session_ids) {
  ahead_.Forget();
  if (session_ids.empty()) return Status::Ok();
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareForList(
      MART_SESSION_SELECT " WHERE s.id " + InListSql(db_, session_ids.size())));
  BindInList(db_, q, 1, session_ids);
  ReadAheadRows<int64_t, SessionRow> rows(session_ids);
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    rows.Found(q.Int(0), ReadSession(q));
  }
  ahead_ = std::move(rows);
  return Status::Ok();
}

Status SessionStore::RevokeSession(int64_t session_id, std::string_view reason, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE sessions SET revoked_at = ?, revoke_reason = ? "
      "WHERE id = ? AND revoked_at IS NULL"));
  q.Bind(1, now).Bind(2, reason).Bind(3, session_id);
  return q.Run();
}

Status SessionStore::RevokeUserSessions(int64_t user_id, int64_t keep, std::string_view reason,
                                        int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE sessions SET revoked_at = ?, revoke_reason = ? "
      "WHERE user_id = ? AND id <> ? AND revoked_at IS NULL"));
  q.Bind(1, now).Bind(2, reason).Bind(3, user_id).Bind(4, keep);
  return q.Run();
}

Status SessionStore::InsertRefreshToken(std::string_view jti, int64_t session_id,
                                        int64_t issued_at, int64_t expires_at) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at) VALUES (?, ?, ?, ?)"));
  q.Bind(1, jti).Bind(2, session_id).Bind(3, issued_at).Bind(4, expires_at);
  return q.Run();
}

Result<RefreshTokenRow> SessionStore::GetRefreshToken(std::string_view jti) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT jti, session_id, expires_at, used_at IS NOT NULL FROM refresh_tokens WHERE jti = ?"));
  q.Bind(1, jti);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("refresh token not found");
  return RefreshTokenRow{q.Text(0), q.Int(1), q.Int(2), q.Int(3) != 0};
}

Status SessionStore::MarkRefreshTokenUsed(std::string_view jti, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE refresh_tokens SET used_at = ? WHERE jti = ? AND used_at IS NULL"));
  q.Bind(1, now).Bind(2, jti);
  MART_RETURN_IF_ERROR(q.Run());
  if (db_.Changes() == 0) return FailedPrecondition("refresh token was already used");
  return Status::Ok();
}

Result<std::optional<IdempotencyRecord>> IdempotencyStore::Find(std::string_view principal,
                                                                 std::string_view key) {
  for (size_t i = 0; i < deferred_.size(); ++i) {
    const KeyRow& waiting = deferred_[i];
    if (waiting.key == key && waiting.principal == principal) {
      return std::optional<IdempotencyRecord>(waiting.record);
    }
  }
  if (const std::optional<IdempotencyRecord>* ahead =
          ahead_.Find({std::string(principal), std::string(key)})) {
    return *ahead;
  }
  // Neither waiting nor read ahead, so the table's answer is the whole answer.
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareAsIs(
      "SELECT method, fingerprint, reply FROM idempotency_keys WHERE principal = ? AND key = ?"));
  q.Bind(1, principal).Bind(2, key);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return std::optional<IdempotencyRecord>();
  return std::optional<IdempotencyRecord>(IdempotencyRecord{q.Text(0), q.Text(1), q.Text(2)});
}

Status IdempotencyStore::ReadAhead(const std::vector<PrincipalKey>& keys) {
  ahead_.Forget();
  if (keys.empty()) return Status::Ok();
  // By pairs, each one probe of the primary key. Two lists (`principal IN (…)
  // AND key IN (…)`) matched every key of the batch's principals: PostgreSQL
  // read them all, a scan that grew with the table (4 ms a batch at 12,000 keys).
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareForList(
      "SELECT principal, key, method, fingerprint, reply FROM idempotency_keys "
      "WHERE (principal, key) IN (VALUES " + Repeated("(?, ?)", keys.size()) + ")"));
  int at = 1;
  for (const auto& [principal, key] : keys) {
    q.Bind(at, principal).Bind(at + 1, key);
    at += 2;
  }
  ReadAheadRows<PrincipalKey, IdempotencyRecord> rows(keys);
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    PrincipalKey found{q.Text(0), q.Text(1)};
    rows.Found(found, IdempotencyRecord{q.Text(2), q.Text(3), q.Text(4)});
  }
  ahead_ = std::move(rows);
  return Status::Ok();
}

Status IdempotencyStore::Insert(std::string_view principal, std::string_view key,
                                const IdempotencyRecord& record, int64_t now) {
  KeyRow row{std::string(principal), std::string(key), record, now};
  if (deferred_.deferring()) {
    deferred_.Add(std::move(row));
    return Status::Ok();
  }
  return InsertRows(&row, 1);
}

Status IdempotencyStore::WriteDeferred() {
  if (db_.WaitingWriteIdle()) return db_.WriteAllWaiting();  // a batch's: every store's
  return InChunks(deferred_.Take(), [this](const KeyRow* rows, size_t count) {
    return InsertRows(rows, count);
  });
}

Status IdempotencyStore::InsertRows(const KeyRow* rows, size_t count) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(
      "INSERT INTO idempotency_keys (principal, key, method, fingerprint, reply, created_at) "
      "VALUES " + Repeated("(?, ?, ?, ?, ?, ?)", count)));
  for (size_t i = 0; i < count; ++i) {
    const KeyRow& row = rows[i];
    const int at = static_cast<int>(i) * 6;
    q.Bind(at + 1, row.principal).Bind(at + 2, row.key).Bind(at + 3, row.record.method);
    q.Bind(at + 4, row.record.fingerprint).Bind(at + 5, row.record.reply);
    q.Bind(at + 6, row.created_at);
  }
  return q.Run();
}

Result<int64_t> IdempotencyStore::Prune(int64_t cutoff) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "DELETE FROM idempotency_keys WHERE created_at < ?"));
  q.Bind(1, cutoff);
  MART_RETURN_IF_ERROR(q.Run());
  return static_cast<int64_t>(db_.Changes());
}

}  // namespace mart::store
