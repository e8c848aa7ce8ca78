#pragma once
// Queue workers' cursors and counters, and their dead letters. Callers run
// inside the store thread's transaction.

#include <optional>
#include <string>
#include <vector>

#include "mart/status.h"
#include "stores/database.h"
#include "stores/event_store.h"

namespace mart::store {

struct ConsumerState {
  std::string name;
  int64_t cursor = 0;  // the last event seq it is done with
  bool paused = false;
  int64_t processed = 0;  // events applied
  int64_t failed = 0;     // failed attempts, retried or not
  int64_t dead = 0;       // events ever given up on (dead-lettered)
  int64_t attempts = 0;   // failed attempts at the event after the cursor
  int64_t retry_at = 0;   // no attempt before this (Unix microseconds)
  std::optional<std::string> last_error;
  int64_t updated_at = 0;
};

struct DeadLetter {
  int64_t id = 0;
  std::string consumer;
  EventRow event;
  int64_t attempts = 0;
  std::string error;
  int64_t created_at = 0;
};

// Pending work of one consumer: events of its topics after its cursor.
struct Backlog {
  int64_t count = 0;
  std::optional<int64_t> oldest_created_at;
};

class QueueStore {
 public:
  explicit QueueStore(Database& db) : db_(db) {}

  // The consumer's row, created (cursor 0) when it has none.
  Result<ConsumerState> Load(std::string_view name, int64_t now);
  // The consumer's row, nullopt when it has none; reads only (a read-only
  // connection may call it).
  Result<std::optional<ConsumerState>> Find(std::string_view name);
  // For a consumer Load()ed in this transaction (so its row exists; asking
  // would wait for the server on PostgreSQL).
  Status Save(const ConsumerState& state);
  // `topics` is a fixed list of exact topic names.
  Result<Backlog> BacklogOf(int64_t cursor, const std::vector<std::string>& topics);

  Result<int64_t> InsertDeadLetter(const DeadLetter& letter);
  // Newest first; all consumers when `consumer` is empty; after_id: only
  // letters with a smaller id.
  Result<std::vector<DeadLetter>> DeadLetters(std::string_view consumer, int64_t limit,
                                              int64_t offset,
                                              std::optional<int64_t> after_id = std::nullopt);
  // NOT_FOUND naming the id.
  Result<DeadLetter> GetDeadLetter(int64_t id);
  Status DeleteDeadLetter(int64_t id);
  Result<int64_t> CountDeadLetters(std::string_view consumer);
  // Returns how many were deleted; all consumers when `consumer` is empty.
  Result<int64_t> DeleteDeadLetters(std::string_view consumer);

 private:
  Database& db_;
};

}  // namespace mart::store
