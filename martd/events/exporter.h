#pragma once
// One export sink's runner (`martd --export URL`): a thread of its own that
// copies the event log to a broker, at least once, in seq order, never
// skipping an event. It is a consumer of the log like the queue workers: its
// cursor is a row of the consumers table (named after the sink), so
// `martctl queue list` shows its lag and last error and `worker pause|resume`
// holds and releases it.
//
// One round: read a page of events after the cursor (on a read-only
// connection of its own), publish them (ExportSink::Publish waits for the
// broker's confirmations), then move the cursor past the page through the
// store thread. A crash between the two publishes the page again on restart:
// consumers drop duplicates by the seq each message carries. A failed
// publish counts an attempt, records the error and waits (backoff from
// kFirstBackoffMicros doubling to kMaxBackoffMicros) before trying the same
// page again; orders never wait for a broker.
//
// With several martd on one PostgreSQL database exactly one runs each sink:
// the runner holds a session advisory lock named after the sink on its own
// connection, which PostgreSQL releases when that connection ends (a killed
// martd included); the others stand by and try for it every
// kStandbyRetryMicros.
//
// Start/Stop/Wake/Live are thread safe.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/export_sink.h"
#include "events/export_target.h"
#include "services/clock.h"
#include "services/context.h"
#include "stores/store.h"

namespace mart::events {

// The messages one event becomes for a sink: one to the sink's own
// destination (AMQP routing key = the topic on its exchange; Kafka topic =
// the prefix + the topic), plus, with ExportMap::kSeeds, copies under the
// seed projects' names (README "Seed names").
std::vector<ExportMessage> MessagesFor(const ExportTarget& target, const store::EventRow& event);

// The queues (AMQP) or topics (Kafka) the seed map routes to.
std::vector<std::string> SeedDestinations(ExportKind kind);

class Exporter {
 public:
  // Runs `fn` in a committed write transaction on the store thread.
  using StoreCall = std::function<Status(std::function<Status(Tx&)>)>;

  Exporter(ExportTarget target, std::unique_ptr<ExportSink> sink, std::string store_location,
           StoreCall store, const Clock& clock);
  ~Exporter();

  // Opens its connection and creates its cursor (at the log's end with
  // from=end), then starts the thread. UNAVAILABLE when the store is.
  Status Start();
  // Events were committed: look now rather than at the next poll.
  void Wake();
  // Lets the page in flight finish (bounded by the sink's timeouts), then
  // returns. Idempotent.
  void Stop();

  const ExportTarget& target() const { return target_; }
  // What only this process knows, for `queue list`: {"kind": "export",
  // "target": Describe(), "role": "active" | "standby" | "stopped",
  // "rate": events per second over the last kRateWindowMicros}.
  nlohmann::json Live() const;

  static constexpr int64_t kPage = 2000;
  static constexpr int64_t kPollMicros = 200'000;
  static constexpr int64_t kFirstBackoffMicros = 500'000;
  static constexpr int64_t kMaxBackoffMicros = 30'000'000;
  static constexpr int64_t kStandbyRetryMicros = 2'000'000;
  static constexpr int64_t kRateWindowMicros = 10'000'000;

 private:
  void Run();
  // One round; returns how long to wait before the next (0: go on at once).
  int64_t Round();
  // PostgreSQL: whether this martd runs the sink now (takes the lock when free).
  Result<bool> HoldsLock();
  // Counts a failed attempt with its error in the sink's row; with OK,
  // clears the error (connected again with nothing to send).
  Status RecordFailure(const Status& failure);
  Status Advance(int64_t from, int64_t to, int64_t count);
  void Sleep(int64_t micros);
  void CountExported(int64_t count);

  ExportTarget target_;
  std::unique_ptr<ExportSink> sink_;
  std::string store_location_;
  StoreCall store_;
  const Clock& clock_;
  std::unique_ptr<store::Store> reader_;
  int64_t lock_connection_ = 0;  // PostgreSQL backend pid that holds the lock; 0: none
  int64_t attempts_ = 0;         // failed publishes of the page in hand

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::string role_ = "stopped";
  std::deque<std::pair<int64_t, int64_t>> exported_;  // (when, how many), for the rate
  std::thread thread_;
};

}  // namespace mart::events
