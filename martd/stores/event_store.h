#pragma once
// The event log: append-only, gap-free sequence numbers (see schema.cpp).

#include <optional>
#include <string>
#include <vector>

#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct EventRow {
  int64_t seq = 0;
  std::string topic;
  std::string payload;  // JSON text
  int64_t created_at = 0;
};

class EventStore {
 public:
  explicit EventStore(Database& db) : db_(db), deferred_(&db) {}
  // Appends and returns the new sequence number: the last one + 1, read once
  // per write transaction and then counted here, so the insert needs no
  // answer (PostgreSQL writes it behind). Numbers stay gap-free and in commit
  // order: a second writer that read the same last number collides on the
  // primary key and fails.
  Result<int64_t> Append(std::string_view topic, std::string_view payload, int64_t now);
  // Events with seq > after, oldest first, at most limit.
  Result<std::vector<EventRow>> ReadAfter(int64_t after, int64_t limit);
  Result<int64_t> LastSeq();
  // LastSeq, read once per write transaction (and again after a rollback to
  // a savepoint): inside one only this connection appends.
  Result<int64_t> LastSeqInTransaction();
  // In a write transaction that appended events: tells every martd listening
  // on the same database (LogListener) that the log grew, when it commits.
  // PostgreSQL's NOTIFY on kLogChannel, written behind and sent once however
  // often it is called; nothing on SQLite, which one martd serves alone.
  Status AnnounceAppended();

  static constexpr const char* kLogChannel = "mart_events";

  // Events appended in a worker's page wait for its end (Store::DeferWrites),
  // as do a batch's (Store::DeferAppends), numbered as they are appended; the
  // reads of the log write them first.
  void DeferWrites() { deferred_.Start(); }
  Status WriteDeferred();
  void StopDeferring() { deferred_.Stop(); }

 private:
  Status InsertRows(const EventRow* rows, size_t count);

  Database& db_;
  DeferredRows<EventRow> deferred_;
  std::optional<int64_t> last_seq_;  // valid in the write epoch below
  uint64_t last_seq_epoch_ = 0;
};

}  // namespace mart::store
