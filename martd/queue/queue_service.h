#pragma once
// The durable queues: the workers registered at start, their cursors in the
// event log, retries with backoff and dead letters. Pump() is what moves
// events through the workers; the store thread calls it inside its batch
// transaction, so an event's effects, the events they cause and the worker's
// new cursor commit together. Dead-lettering an event emits
// `queue.dead_lettered` {consumer, seq, topic, attempts, error} in that same
// transaction. Everything here runs on the store thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "queue/consumer.h"
#include "events/outbox.h"
#include "services/clock.h"
#include "services/context.h"
#include "stores/store.h"

namespace mart {

struct PumpOutcome {
  int64_t applied = 0;   // events applied (or dead-lettered)
  bool more = false;     // the budget ran out with work left
  std::optional<int64_t> retry_at;  // the earliest retry waiting (Unix microseconds)
};

class QueueService {
 public:
  explicit QueueService(const Clock& clock) : clock_(clock) {}

  // At start, before any other call; the order is the order they run in.
  void Register(const Consumer* consumer) { consumers_.push_back(consumer); }
  const std::vector<const Consumer*>& consumers() const { return consumers_; }
  // An export sink (events/exporter.h): a consumer of every topic that runs
  // on a thread of its own, not in Pump(). Its cursor row has its name;
  // `live` (thread safe) gives what only the running process knows:
  // {"kind", "target", "role", "rate"}. At start, before requests.
  void RegisterExport(std::string name, std::function<nlohmann::json()> live) {
    exports_.push_back({std::move(name), std::move(live)});
  }
  // The workers' and sinks' names.
  std::vector<std::string> Names() const;

  // Runs workers until none has work or `budget` events were looked at. A
  // worker takes a page of events at a time, kept as one unit with its new
  // cursor; an error undoes the page it happened in, and the pages kept
  // before it stay (each moved its cursor with its effects).
  Result<PumpOutcome> Pump(store::Store& store, Outbox& outbox, int64_t budget) const;

  // Rows for `queue list` and `worker list`.
  Result<nlohmann::json> Queues(Tx& tx) const;
  Result<nlohmann::json> Workers(Tx& tx) const;
  // Persisted; pausing a paused worker is a no-op. NOT_FOUND for an unknown name.
  Result<nlohmann::json> SetPaused(Tx& tx, std::string_view name, bool paused) const;

  Result<nlohmann::json> DeadLetters(Tx& tx, std::string_view worker, int64_t limit,
                                     int64_t offset,
                                     std::optional<int64_t> after_id = std::nullopt) const;
  Result<nlohmann::json> DeadLetter(Tx& tx, int64_t id) const;
  // Applies the event again for its worker; on success the letter goes. A
  // second failure is FAILED_PRECONDITION with the error (nothing changes).
  Result<nlohmann::json> RetryDeadLetter(Tx& tx, int64_t id) const;
  // One letter by id, or with all, every letter (of `worker` when not empty).
  Result<nlohmann::json> Purge(Tx& tx, std::optional<int64_t> id, std::string_view worker,
                               bool all) const;

  static constexpr int64_t kMaxAttempts = 5;
  // The wait before attempt n + 1 after n failures: 100 ms, 400 ms, 1.6 s, 6.4 s.
  static int64_t BackoffMicros(int64_t attempts);

 private:
  const Consumer* Find(std::string_view name) const;
  // One worker's share of a pump; returns the events it looked at. `known`
  // is the worker's state as an earlier Drain of the same pump left it (read
  // when empty), and is set to it after this one: inside the pump's
  // transaction only the pump writes it.
  Result<int64_t> Drain(const Consumer& consumer, store::Store& store, Outbox& outbox,
                        int64_t budget, PumpOutcome* outcome,
                        std::optional<store::ConsumerState>* known) const;
  struct Failure {
    // Not one event's: the page's rows written together, or its release,
    // failed. The replay runs every event of the page alone.
    static constexpr size_t kWholePage = SIZE_MAX;
    size_t index;  // in the page, or kWholePage
    Status status;
  };
  struct PageRun {
    int64_t looked = 0;              // events looked at
    std::optional<Failure> failure;  // set when an event failed in the shared savepoint
  };
  // The page's events in order, moving `state` and `outcome`. Without
  // `known`, all in the caller's savepoint, stopping at the first failure;
  // with it, each event before the known failure in a savepoint of its own,
  // and the known failure recorded as the event's outcome (kWholePage: every
  // event in a savepoint of its own).
  // `data`: the payloads of the events the worker takes, parsed (others null).
  Result<PageRun> ApplyPage(const Consumer& consumer, store::Store& store, Outbox& outbox,
                            const std::vector<store::EventRow>& events,
                            const std::vector<nlohmann::json>& data,
                            const std::optional<Failure>& known, store::ConsumerState* state,
                            PumpOutcome* outcome) const;
  // `data`: the event's payload, parsed (not an object: an error).
  Status ApplyOne(const Consumer& consumer, store::Store& store, Outbox& outbox,
                  const store::EventRow& event, const nlohmann::json& data) const;
  Result<nlohmann::json> QueueRow(Tx& tx, const Consumer& consumer, int64_t last_seq) const;
  struct Export {
    std::string name;
    std::function<nlohmann::json()> live;
  };
  const Export* FindExport(std::string_view name) const;
  Result<nlohmann::json> ExportRow(Tx& tx, const Export& sink, int64_t last_seq) const;

  const Clock& clock_;
  std::vector<const Consumer*> consumers_;
  std::vector<Export> exports_;
};

}  // namespace mart
