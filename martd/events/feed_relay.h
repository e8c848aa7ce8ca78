#pragma once
// The live feed when several martd share one PostgreSQL database: every
// instance's feed carries every committed event, in seq order, whichever
// instance committed it. A thread of its own owns the Publisher then:
//   - the store thread hands it the events of each of its own commits
//     (Committed), published at once when they follow the last one sent;
//   - another instance's commit is heard as a notification (LogListener,
//     one per committing transaction) and read from the log;
//   - a gap (another instance committed in between), a lost listening
//     connection, or a second without news also sends it to the log, so
//     nothing a notification missed stays missing for long.
// Writes across instances take one lock (postgres_database.h), so sequence
// order is commit order and a read of the log after seq N sees every event
// committed so far: nothing is skipped, nothing sent twice. The feed starts
// at the log's end when martd starts, as the single-instance feed does.
// Start/Stop on the daemon's main thread (Stop after the store thread has
// stopped); Committed from the store thread.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/publisher.h"
#include "mart/status.h"
#include "stores/log_listener.h"
#include "stores/store.h"

namespace mart {

class FeedRelay {
 public:
  // Opens a read-only store and a listener on `location` (a PostgreSQL URI)
  // and starts the thread.
  static Result<std::unique_ptr<FeedRelay>> Start(Publisher& publisher,
                                                  const std::string& location);
  ~FeedRelay();
  FeedRelay(const FeedRelay&) = delete;
  FeedRelay& operator=(const FeedRelay&) = delete;

  // The events of one durable commit of this martd, in seq order.
  void Committed(const std::vector<store::EventRow>& events);
  // Publishes what is committed and not yet sent, then stops. Idempotent.
  void Stop();

  // Events read from the log per query while catching up.
  static constexpr int64_t kPage = 1000;

 private:
  FeedRelay(Publisher& publisher, std::unique_ptr<store::Store> reader,
            std::unique_ptr<store::LogListener> listener, int wake_fd, int64_t last);
  void Run();
  // Waits for news; true when the log must be read.
  bool Wait();
  // Publishes own commits that follow on; true when one left a gap.
  bool PublishOwn();
  // Reads the log after last_ and publishes it.
  void CatchUp();
  void Publish(const std::vector<store::EventRow>& events);

  Publisher& publisher_;
  std::unique_ptr<store::Store> reader_;
  std::unique_ptr<store::LogListener> listener_;
  const int wake_fd_;  // an eventfd: own commits are waiting, or stop
  int64_t last_;       // the last seq published; relay thread only
  std::mutex mutex_;
  std::vector<std::vector<store::EventRow>> own_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mart
