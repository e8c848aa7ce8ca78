#include "stores/queue_store.h"

namespace mart::store {
namespace {

#define MART_DEAD_LETTER_SELECT                                                           \
  "SELECT d.id, d.consumer, d.attempts, d.error, d.created_at, e.seq, e.topic, e.payload, " \
  "e.created_at FROM dead_letters d JOIN events e ON e.seq = d.seq"

DeadLetter ReadDeadLetter(const Query& q) {
  DeadLetter d;
  d.id = q.Int(0);
  d.consumer = q.Text(1);
  d.attempts = q.Int(2);
  d.error = q.Text(3);
  d.created_at = q.Int(4);
  d.event = {q.Int(5), q.Text(6), q.Text(7), q.Int(8)};
  return d;
}

}  // namespace

Result<ConsumerState> QueueStore::Load(std::string_view name, int64_t now) {
  MART_ASSIGN_OR_RETURN(std::optional<ConsumerState> state, Find(name));
  if (state) return *state;
  {
    MART_ASSIGN_OR_RETURN(Query insert, db_.Prepare(
        "INSERT INTO consumers (name, updated_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"));
    insert.Bind(1, name).Bind(2, now);
    MART_RETURN_IF_ERROR(insert.Run());
  }
  MART_ASSIGN_OR_RETURN(state, Find(name));
  if (!state) return Internal("consumer " + std::string(name) + " has no row");
  return *state;
}

Result<std::optional<ConsumerState>> QueueStore::Find(std::string_view name) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT name, cursor, paused, processed, failed, dead, attempts, retry_at, last_error, "
      "updated_at FROM consumers WHERE name = ?"));
  q.Bind(1, name);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return std::optional<ConsumerState>();
  ConsumerState s;
  s.name = q.Text(0);
  s.cursor = q.Int(1);
  s.paused = q.Int(2) != 0;
  s.processed = q.Int(3);
  s.failed = q.Int(4);
  s.dead = q.Int(5);
  s.attempts = q.Int(6);
  s.retry_at = q.Int(7);
  s.last_error = q.OptText(8);
  s.updated_at = q.Int(9);
  return std::optional<ConsumerState>(std::move(s));
}

Status QueueStore::Save(const ConsumerState& s) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE consumers SET cursor = ?, paused = ?, processed = ?, failed = ?, dead = ?, "
      "attempts = ?, retry_at = ?, last_error = ?, updated_at = ? WHERE name = ?"));
  q.Bind(1, s.cursor).Bind(2, int64_t{s.paused}).Bind(3, s.processed).Bind(4, s.failed);
  q.Bind(5, s.dead).Bind(6, s.attempts).Bind(7, s.retry_at).Bind(8, s.last_error);
  q.Bind(9, s.updated_at).Bind(10, s.name);
  return q.Run();
}

Result<Backlog> QueueStore::BacklogOf(int64_t cursor, const std::vector<std::string>& topics) {
  // The statement text depends only on how many topics there are.
  std::string sql = "SELECT count(*), min(created_at) FROM events WHERE seq > ? AND topic IN (";
  for (size_t i = 0; i < topics.size(); ++i) sql += i == 0 ? "?" : ", ?";
  sql += ")";
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(sql));
  q.Bind(1, cursor);
  for (size_t i = 0; i < topics.size(); ++i) q.Bind(static_cast<int>(i) + 2, topics[i]);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  Backlog backlog;
  if (row) {
    backlog.count = q.Int(0);
    if (!q.IsNull(1)) backlog.oldest_created_at = q.Int(1);
  }
  return backlog;
}

Result<int64_t> QueueStore::InsertDeadLetter(const DeadLetter& d) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO dead_letters (consumer, seq, attempts, error, created_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id"));
  q.Bind(1, d.consumer).Bind(2, d.event.seq).Bind(3, d.attempts).Bind(4, d.error);
  q.Bind(5, d.created_at);
  return q.RunReturning();
}

Result<std::vector<DeadLetter>> QueueStore::DeadLetters(std::string_view consumer, int64_t limit,
                                                        int64_t offset,
                                                        std::optional<int64_t> after_id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      MART_DEAD_LETTER_SELECT " WHERE (?1 = '' OR d.consumer = ?1) AND d.id < ?4 "
      "ORDER BY d.id DESC LIMIT ?2 OFFSET ?3"));
  q.Bind(1, consumer).Bind(2, limit).Bind(3, offset).Bind(4, after_id.value_or(INT64_MAX));
  std::vector<DeadLetter> letters;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    letters.push_back(ReadDeadLetter(q));
  }
  return letters;
}

Result<DeadLetter> QueueStore::GetDeadLetter(int64_t id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(MART_DEAD_LETTER_SELECT " WHERE d.id = ?"));
  q.Bind(1, id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("dead letter " + std::to_string(id) + " not found");
  return ReadDeadLetter(q);
}

Status QueueStore::DeleteDeadLetter(int64_t id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("DELETE FROM dead_letters WHERE id = ?"));
  q.Bind(1, id);
  MART_RETURN_IF_ERROR(q.Run());
  if (db_.Changes() == 0) return NotFound("dead letter " + std::to_string(id) + " not found");
  return Status::Ok();
}

Result<int64_t> QueueStore::CountDeadLetters(std::string_view consumer) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT count(*) FROM dead_letters WHERE consumer = ?"));
  q.Bind(1, consumer);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? q.Int(0) : 0;
}

Result<int64_t> QueueStore::DeleteDeadLetters(std::string_view consumer) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "DELETE FROM dead_letters WHERE ?1 = '' OR consumer = ?1"));
  q.Bind(1, consumer);
  MART_RETURN_IF_ERROR(q.Run());
  return db_.Changes();
}

}  // namespace mart::store
