#include "stores/event_store.h"

namespace mart::store {

Result<int64_t> EventStore::Append(std::string_view topic, std::string_view payload, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO events (seq, topic, payload, created_at) "
      "VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM events), ?, ?, ?) RETURNING seq"));
  q.Bind(1, topic).Bind(2, payload).Bind(3, now);
  return q.RunReturning();
}

Result<std::vector<EventRow>> EventStore::ReadAfter(int64_t after, int64_t limit) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT seq, topic, payload, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?"));
  q.Bind(1, after).Bind(2, limit);
  std::vector<EventRow> rows;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    rows.push_back({q.Int(0), q.Text(1), q.Text(2), q.Int(3)});
  }
  return rows;
}

Result<int64_t> EventStore::LastSeq() {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT coalesce(max(seq), 0) FROM events"));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? q.Int(0) : 0;
}

}  // namespace mart::store
