#pragma once
// What several martd on one database share about themselves (README "Running
// several martd"): settings they must agree on, the instances serving the
// database (each seen at its last heartbeat), and the login attempts every
// instance counts (services/login_limiter.h). Callers run inside a
// transaction on the store thread, or on the limiter's own connection.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct InstanceRow {
  std::string id;
  std::string host;
  int64_t pid = 0;
  std::string endpoint;
  std::string version;
  int64_t started_at = 0;  // Unix microseconds
  int64_t seen_at = 0;
};

struct LoginAttemptRow {
  std::string source;
  bool succeeded = false;
  int64_t at = 0;  // Unix microseconds
};

class ClusterStore {
 public:
  explicit ClusterStore(Database& db) : db_(db) {}

  // The value of a shared setting; nullopt when none is stored.
  Result<std::optional<std::string>> Setting(std::string_view name);
  // Stores `value` unless the setting has one; returns the value it has now
  // (the one stored first wins a race).
  Result<std::string> SettingOrInsert(std::string_view name, std::string_view value);

  // Adds the instance, or replaces its row (the same id restarted).
  Status Register(const InstanceRow& instance);
  Status Seen(std::string_view id, int64_t now);
  Status Remove(std::string_view id);
  // Instances seen at or after `since`, by id.
  Result<std::vector<InstanceRow>> InstancesSeenSince(int64_t since);

  Status AddLoginAttempt(std::string_view account, std::string_view source, bool succeeded,
                         int64_t at);
  // The account's attempts at or after `since`, oldest first, at most `limit`
  // of the newest.
  Result<std::vector<LoginAttemptRow>> LoginAttempts(std::string_view account, int64_t since,
                                                     int64_t limit);
  // Forgets the account's failures at or after `since` (returns how many),
  // or all of its attempts.
  Result<int64_t> ForgetLoginFailures(std::string_view account, int64_t since);
  Status ForgetLoginAttempts(std::string_view account);
  Status PruneLoginAttempts(int64_t before);

  // PostgreSQL only, on a connection of the caller's own, outside a
  // transaction. Takes the session advisory lock named `name` (in this
  // schema) when no other connection holds it; true when this connection
  // holds it now. PostgreSQL releases it when the connection ends, so a
  // killed holder frees it (events/exporter.h runs each sink on one martd).
  Result<bool> TryLock(std::string_view name);
  // PostgreSQL only: this connection's server process id. A reconnect
  // changes it, which tells its caller that session locks were lost.
  Result<int64_t> ConnectionId();

 private:
  Database& db_;
};

}  // namespace mart::store
