#include "stores/event_store.h"

namespace mart::store {

Result<int64_t> EventStore::LastSeqInTransaction() {
  // Rows that wait were numbered after every row written (and those a
  // savepoint's rollback dropped are no longer among them).
  if (deferred_.size() > 0) return deferred_.back().seq;
  if (!db_.InTransaction() || !last_seq_ || last_seq_epoch_ != db_.write_epoch()) {
    MART_ASSIGN_OR_RETURN(int64_t last, LastSeq());
    last_seq_ = last;
    last_seq_epoch_ = db_.write_epoch();
  }
  return *last_seq_;
}

Result<int64_t> EventStore::Append(std::string_view topic, std::string_view payload, int64_t now) {
  MART_ASSIGN_OR_RETURN(int64_t last, LastSeqInTransaction());
  const int64_t seq = last + 1;
  if (deferred_.deferring()) {
    deferred_.Add({seq, std::string(topic), std::string(payload), now});
    last_seq_ = seq;
    return seq;
  }
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO events (seq, topic, payload, created_at) VALUES (?, ?, ?, ?)"));
  q.Bind(1, seq).Bind(2, topic).Bind(3, payload).Bind(4, now);
  MART_RETURN_IF_ERROR(q.Run());
  last_seq_ = seq;
  return seq;
}

Result<std::vector<EventRow>> EventStore::ReadAfter(int64_t after, int64_t limit) {
  MART_RETURN_IF_ERROR(WriteDeferred());
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
  if (deferred_.size() > 0) MART_RETURN_IF_ERROR(WriteDeferred());
  // Once no event waits, the table has them all: a batch's other waiting rows
  // (Store::DeferAppends) need not be written for this read.
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareAsIs("SELECT coalesce(max(seq), 0) FROM events"));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? q.Int(0) : 0;
}

Status EventStore::WriteDeferred() {
  if (db_.WaitingWriteIdle()) return db_.WriteAllWaiting();  // a batch's: every store's
  return InChunks(deferred_.Take(), [this](const EventRow* rows, size_t count) {
    return InsertRows(rows, count);
  });
}

Status EventStore::InsertRows(const EventRow* rows, size_t count) {
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareText(
      "INSERT INTO events (seq, topic, payload, created_at) VALUES " +
      Repeated("(?, ?, ?, ?)", count)));
  for (size_t i = 0; i < count; ++i) {
    const int at = static_cast<int>(i) * 4;
    q.Bind(at + 1, rows[i].seq).Bind(at + 2, rows[i].topic).Bind(at + 3, rows[i].payload);
    q.Bind(at + 4, rows[i].created_at);
  }
  return q.Run();
}

Status EventStore::AnnounceAppended() {
  if (db_.backend() != Backend::kPostgres) return Status::Ok();
  // The server folds identical notifications of one transaction into one. The
  // payload names the store's schema: listeners of other stores ignore it.
  MART_ASSIGN_OR_RETURN(Query q,
                        db_.Prepare("SELECT pg_notify('mart_events', current_schema())"));
  return q.Run();
}

}  // namespace mart::store
