#pragma once
// The one thread that owns the write connection, with group commit: it takes
// every job waiting, runs the batch in one BEGIN IMMEDIATE transaction with a
// savepoint per job (a failing job rolls back alone), then lets the queue
// workers apply the events waiting for them (QueueService::Pump) in the same
// transaction, commits once (one fsync with synchronous=FULL), and only then
// publishes the events and sends the replies. It pumps after batches with a
// mutating request, while work is left, when a retry falls due, and once at
// start (a backlog left by a crash). Besides requests it runs internal work
// for other threads (Call: the mailer's claims and results), so it stays the
// only writer. Submit() and Call() are thread safe; Start/Stop are called by
// the daemon's main thread.

#include <chrono>
#include <condition_variable>
#include <optional>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "events/outbox.h"
#include "rpc/dispatcher.h"
#include "rpc/job.h"
#include "stores/store.h"

namespace mart::rpc {

// Called on the store thread with the events of each durable commit.
using CommitListener = std::function<void(const std::vector<store::EventRow>&)>;
// Internal work run on the store thread inside a batch transaction.
using StoreFn = std::function<Status(Tx&)>;

class StoreThread {
 public:
  StoreThread(store::Store& store, Dispatcher& dispatcher, zmq::context_t& context);
  ~StoreThread();

  void SetCommitListener(CommitListener listener) { listener_ = std::move(listener); }
  void Start();
  void Submit(Job job);
  // Runs `fn` in the next batch transaction, in a savepoint of its own after
  // the batch's requests, and blocks until that transaction has committed.
  // Returns fn's error (its effects rolled back), else the commit's status;
  // UNAVAILABLE once the thread has stopped. Never call it from the store
  // thread itself (it would wait for itself).
  Status Call(StoreFn fn);
  // Runs what is queued, then stops. Idempotent.
  void Stop();

  static constexpr size_t kMaxBatch = 512;
  // Events the workers may look at per transaction, so requests keep flowing.
  static constexpr int64_t kPumpBudget = 2048;
  // Idempotency records older than this are forgotten (checked every 10 min).
  static constexpr int64_t kIdempotencyRetentionMicros = 24LL * 3600 * 1000000;

 private:
  void Run();
  struct Task {
    StoreFn fn;
    std::promise<Status> done;
  };
  void RunBatch(std::vector<Job>& batch, std::vector<Task>& tasks, ReplyChannel& channel,
                bool pump);
  // Runs one task in a savepoint; its status.
  Status RunTask(Task& task);
  // Whether this round should pump, given the batch taken.
  bool PumpDue(const std::vector<Job>& batch) const;
  static bool HasMutating(const std::vector<Job>& batch);
  // How long to sleep when idle: until the next retry, at most a minute.
  std::chrono::microseconds IdleWait() const;
  void MaybePrune();

  store::Store& store_;
  Dispatcher& dispatcher_;
  zmq::context_t& context_;
  Outbox outbox_;
  CommitListener listener_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  bool stopped_ = false;  // the thread has left its loop: Call() no longer waits
  int64_t last_prune_ = 0;
  // Store thread only: the workers have work left, or a retry waits.
  bool pump_pending_ = true;
  std::optional<int64_t> next_retry_;
  std::thread thread_;
};

// Worker threads for the slow `prepare` steps (argon2id) and for the methods
// whose handler runs on a reader (Handler::on_reader). Each thread has its
// own read-only store. A job that prepares successfully moves on to the store
// thread; a reader's job, and one that fails to prepare, is answered from here.
class WorkerPool {
 public:
  WorkerPool(std::string db_path, int threads, Dispatcher& dispatcher, StoreThread& store_thread,
             zmq::context_t& context);
  ~WorkerPool();

  Status Start();
  // False when the queue is full (the caller answers UNAVAILABLE).
  bool Submit(Job job);
  void Stop();

  static constexpr size_t kMaxQueue = 1024;

 private:
  void Run(store::Store* reader);

  std::string db_path_;
  int thread_count_;
  Dispatcher& dispatcher_;
  StoreThread& store_thread_;
  zmq::context_t& context_;
  std::vector<std::unique_ptr<store::Store>> readers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mart::rpc
