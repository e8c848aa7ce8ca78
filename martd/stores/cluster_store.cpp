#include "stores/cluster_store.h"

namespace mart::store {

Result<std::optional<std::string>> ClusterStore::Setting(std::string_view name) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT value FROM cluster_settings WHERE name = ?"));
  q.Bind(1, name);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(q.Text(0));
}

Result<std::string> ClusterStore::SettingOrInsert(std::string_view name, std::string_view value) {
  {
    MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
        "INSERT INTO cluster_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"));
    q.Bind(1, name).Bind(2, value);
    MART_RETURN_IF_ERROR(q.Run());
  }
  MART_ASSIGN_OR_RETURN(std::optional<std::string> stored, Setting(name));
  if (!stored) return Internal("the setting " + std::string(name) + " vanished as it was stored");
  return *stored;
}

Status ClusterStore::Register(const InstanceRow& instance) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO instances (id, host, pid, endpoint, version, started_at, seen_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET host = excluded.host, "
      "pid = excluded.pid, endpoint = excluded.endpoint, version = excluded.version, "
      "started_at = excluded.started_at, seen_at = excluded.seen_at"));
  q.Bind(1, instance.id).Bind(2, instance.host).Bind(3, instance.pid).Bind(4, instance.endpoint);
  q.Bind(5, instance.version).Bind(6, instance.started_at).Bind(7, instance.seen_at);
  return q.Run();
}

Status ClusterStore::Seen(std::string_view id, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("UPDATE instances SET seen_at = ? WHERE id = ?"));
  q.Bind(1, now).Bind(2, id);
  return q.Run();
}

Status ClusterStore::Remove(std::string_view id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("DELETE FROM instances WHERE id = ?"));
  q.Bind(1, id);
  return q.Run();
}

Result<std::vector<InstanceRow>> ClusterStore::InstancesSeenSince(int64_t since) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT id, host, pid, endpoint, version, started_at, seen_at FROM instances "
      "WHERE seen_at >= ? ORDER BY id"));
  q.Bind(1, since);
  std::vector<InstanceRow> rows;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    rows.push_back({q.Text(0), q.Text(1), q.Int(2), q.Text(3), q.Text(4), q.Int(5), q.Int(6)});
  }
  return rows;
}

Status ClusterStore::AddLoginAttempt(std::string_view account, std::string_view source,
                                     bool succeeded, int64_t at) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO login_attempts (account, source, kind, at) VALUES (?, ?, ?, ?)"));
  q.Bind(1, account).Bind(2, source).Bind(3, succeeded ? "success" : "failure").Bind(4, at);
  return q.Run();
}

Result<std::vector<LoginAttemptRow>> ClusterStore::LoginAttempts(std::string_view account,
                                                                 int64_t since, int64_t limit) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT source, kind, at FROM (SELECT id, source, kind, at FROM login_attempts "
      "WHERE account = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?) newest "
      "ORDER BY at, id"));
  q.Bind(1, account).Bind(2, since).Bind(3, limit);
  std::vector<LoginAttemptRow> rows;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    rows.push_back({q.Text(0), q.Text(1) == "success", q.Int(2)});
  }
  return rows;
}

Result<int64_t> ClusterStore::ForgetLoginFailures(std::string_view account, int64_t since) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "DELETE FROM login_attempts WHERE account = ? AND kind = 'failure' AND at >= ?"));
  q.Bind(1, account).Bind(2, since);
  MART_RETURN_IF_ERROR(q.Run());
  return db_.Changes();
}

Status ClusterStore::ForgetLoginAttempts(std::string_view account) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("DELETE FROM login_attempts WHERE account = ?"));
  q.Bind(1, account);
  return q.Run();
}

Status ClusterStore::PruneLoginAttempts(int64_t before) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("DELETE FROM login_attempts WHERE at < ?"));
  q.Bind(1, before);
  return q.Run();
}

Result<bool> ClusterStore::TryLock(std::string_view name) {
  // The first key tells mart's session locks from the writer lock
  // (postgres_database.cpp) and from other programs' locks.
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT pg_try_advisory_lock(1836217464, hashtext(current_schema() || '/' || ?))"));
  q.Bind(1, name);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return Internal("pg_try_advisory_lock returned no row");
  const std::string held = q.Text(0);
  return held == "t" || held == "true" || held == "1";
}

Result<int64_t> ClusterStore::ConnectionId() {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT pg_backend_pid()"));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return Internal("pg_backend_pid returned no row");
  return q.Int(0);
}

}  // namespace mart::store
