#pragma once
// The daemon as an object, for main() and for in-process tests.
// Start() goes through the stages in order: lock the data dir, open the store,
// build services, bind handlers (refusing to start if the registry and the
// handlers disagree), bind the event publisher, start the store thread (which
// runs the queue workers), the mailer (with --smtp-url) and the prepare
// workers, bind the socket, become ready. Stop() undoes them in reverse (the
// mailer records its last send before the store thread stops); it is
// idempotent and safe after a partial start. Neither is thread safe: call them from one thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "daemon/data_dir.h"
#include "daemon/options.h"
#include "events/exporter.h"
#include "events/feed_relay.h"
#include "events/publisher.h"
#include "notify/mailer.h"
#include "rpc/dispatcher.h"
#include "rpc/server.h"
#include "rpc/store_thread.h"
#include "services/clock.h"
#include "services/services.h"
#include "stores/checkpointer.h"
#include "stores/store.h"

namespace mart::daemon {

class Daemon {
 public:
  explicit Daemon(DaemonOptions options, const Clock* clock = nullptr);
  ~Daemon();

  Status Start();
  // Refuses new requests, waits (bounded) for in-flight ones, stops threads,
  // closes the store and releases the data dir.
  void Stop();

  const DaemonOptions& options() const { return options_; }
  // The store thread, for internal work (StoreThread::Call); valid between
  // Start and Stop. Tests use it to hold the store still.
  rpc::StoreThread& store_thread() { return *store_thread_; }
  bool ready() const { return ready_.load(); }
  // What the start-up quick_check found: OK until it fails (it runs after
  // ready, on a reader of its own). On failure the daemon stops serving
  // (not ready) and calls `on_failure` (martd: stop with the check's code).
  Status integrity() const;
  void OnIntegrityFailure(std::function<void()> on_failure) { on_failure_ = std::move(on_failure); }
  // What daemon.stop calls (martd: SIGTERM to itself, so that the main
  // thread stops as for a signal). Set before Start; without it daemon.stop
  // is refused (FAILED_PRECONDITION).
  void OnStopRequest(std::function<void()> on_stop) { on_stop_ = std::move(on_stop); }

 private:
  Status OpenStoreAndServices();
  // With --smtp-url: builds the mailer and lets new notifications wake it.
  void BuildMailer();
  void StartIntegrityCheck();
  void StopIntegrityCheck();
  // On PostgreSQL: joins the instances sharing the database
  // (services/cluster_service.h), then records a heartbeat every
  // ClusterService::kHeartbeatMicros through the store thread; at a clean
  // stop the instance leaves.
  Status JoinCluster(const SigningKey& key);
  void StartHeartbeat();
  void StopHeartbeat();
  // --export: a runner per sink, shown by `queue list` (events/exporter.h).
  Status BuildExporters();
  bool OnPostgres() const;

  DaemonOptions options_;
  std::function<void()> on_stop_;
  SystemClock system_clock_;
  const Clock& clock_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> serving_{false};  // from ready until Stop, whatever ready_ says
  std::unique_ptr<DataDir> data_dir_;
  CurveKeys curve_;  // tcp:// only: the CURVE key pair from the data dir
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Checkpointer> checkpointer_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
  std::unique_ptr<zmq::context_t> context_;
  std::unique_ptr<Publisher> publisher_;
  std::unique_ptr<FeedRelay> relay_;  // PostgreSQL: the feed carries every instance's events
  store::InstanceRow instance_;       // PostgreSQL: this martd's row in the instances table
  std::mutex heartbeat_mutex_;
  std::condition_variable heartbeat_wake_;
  bool heartbeat_stopping_ = false;
  std::thread heartbeat_thread_;
  std::unique_ptr<rpc::StoreThread> store_thread_;
  std::vector<std::unique_ptr<events::Exporter>> exporters_;
  std::unique_ptr<notify::MailTransport> transport_;
  std::unique_ptr<notify::Mailer> mailer_;
  std::unique_ptr<rpc::WorkerPool> pool_;
  std::unique_ptr<rpc::Server> server_;
  std::function<void()> on_failure_;
  mutable std::mutex check_mutex_;
  store::Database* check_db_ = nullptr;  // while the check runs: for Stop to interrupt it
  bool check_stopping_ = false;
  Status integrity_;
  std::thread check_thread_;
};

// main()'s body: blocks SIGINT/SIGTERM, detaches if asked, starts, waits for a
// signal, stops. Returns the process exit code.
int RunDaemon(const DaemonOptions& options);

}  // namespace mart::daemon
