#pragma once
// Login sessions and the refresh tokens rotated within them. A session is a
// token family: reuse of a rotated refresh token revokes the whole family.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct SessionRow {
  int64_t id = 0;
  int64_t user_id = 0;
  bool revoked = false;
  // Its user, read with it (what every request's check needs, in one
  // statement): whether the account is active, its role and email. A user
  // is never without its sessions' rows: deleting one deletes them.
  bool user_active = false;
  std::string user_role;
  std::string user_email;
};

struct RefreshTokenRow {
  std::string jti;
  int64_t session_id = 0;
  int64_t expires_at = 0;
  bool used = false;
};

class SessionStore {
 public:
  explicit SessionStore(Database& db) : db_(db) {}

  Result<int64_t> CreateSession(int64_t user_id, int64_t now);
  // From the rows read ahead when it is among them.
  Result<SessionRow> GetSession(int64_t session_id);
  // A batch's sessions with their users, in one statement (Store::ReadAhead).
  Status ReadAhead(const std::vector<int64_t>& session_ids);
  void ForgetReadAhead() { ahead_.Forget(); }
  // Revokes one session (no-op when already revoked).
  Status RevokeSession(int64_t session_id, std::string_view reason, int64_t now);
  // Revokes every live session of the user, except `keep` (0 for none).
  Status RevokeUserSessions(int64_t user_id, int64_t keep, std::string_view reason, int64_t now);

  Status InsertRefreshToken(std::string_view jti, int64_t session_id, int64_t issued_at,
                            int64_t expires_at);
  Result<RefreshTokenRow> GetRefreshToken(std::string_view jti);
  Status MarkRefreshTokenUsed(std::string_view jti, int64_t now);

 private:
  Database& db_;
  ReadAheadRows<int64_t, SessionRow> ahead_;
};

// Stored replies of mutating requests, keyed by (principal, key).
struct IdempotencyRecord {
  std::string method;
  std::string fingerprint;
  std::string reply;
};

class IdempotencyStore {
 public:
  explicit IdempotencyStore(Database& db) : db_(db), deferred_(&db) {}
  // nullopt when the key is new. Looks among the keys that wait first, then
  // among those read ahead.
  Result<std::optional<IdempotencyRecord>> Find(std::string_view principal, std::string_view key);
  // A batch's (principal, key) pairs in one statement (Store::ReadAhead).
  using PrincipalKey = std::pair<std::string, std::string>;
  Status ReadAhead(const std::vector<PrincipalKey>& keys);
  void ForgetReadAhead() { ahead_.Forget(); }
  Status Insert(std::string_view principal, std::string_view key, const IdempotencyRecord& record,
                int64_t now);
  // Forgets records created before `cutoff`; returns how many.
  Result<int64_t> Prune(int64_t cutoff);

  // The keys a batch of requests stores wait for its end (Store::DeferAppends).
  void DeferWrites() { deferred_.Start(); }
  Status WriteDeferred();
  void StopDeferring() { deferred_.Stop(); }

 private:
  struct KeyRow {
    std::string principal;
    std::string key;
    IdempotencyRecord record;
    int64_t created_at = 0;
  };
  // Up to kMostRowsAtOnce keys in one statement.
  Status InsertRows(const KeyRow* rows, size_t count);

  Database& db_;
  DeferredRows<KeyRow> deferred_;
  ReadAheadRows<PrincipalKey, IdempotencyRecord> ahead_;
};

}  // namespace mart::store
