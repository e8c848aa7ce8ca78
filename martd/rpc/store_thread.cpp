#include "rpc/store_thread.h"

#include <algorithm>
#include <chrono>

#include "mart/log.h"
#include "testing/fault.h"

namespace mart::rpc {

StoreThread::StoreThread(store::Store& store, Dispatcher& dispatcher, zmq::context_t& context)
    : store_(store),
      dispatcher_(dispatcher),
      context_(context),
      outbox_(store.events(), dispatcher.services().clock) {}

StoreThread::~StoreThread() { Stop(); }

void StoreThread::Start() { thread_ = std::thread([this] { Run(); }); }

void StoreThread::Submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

Status StoreThread::Call(StoreFn fn) {
  std::future<Status> done;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return Unavailable("the store thread has stopped");
    tasks_.push_back(Task{std::move(fn), {}});
    done = tasks_.back().done.get_future();
  }
  wake_.notify_one();
  return done.get();
}

void StoreThread::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::chrono::microseconds StoreThread::IdleWait() const {
  using std::chrono::microseconds;
  if (!next_retry_) return std::chrono::seconds(60);
  int64_t wait = *next_retry_ - dispatcher_.services().clock.NowMicros();
  // At most a second: a fake clock in tests does not move by itself.
  return std::clamp(microseconds(wait), microseconds(0), microseconds(1'000'000));
}

bool StoreThread::PumpDue(const std::vector<Job>& batch) const {
  if (pump_pending_) return true;
  if (next_retry_ && *next_retry_ <= dispatcher_.services().clock.NowMicros()) return true;
  return HasMutating(batch);
}

bool StoreThread::HasMutating(const std::vector<Job>& batch) {
  return std::any_of(batch.begin(), batch.end(),
                     [](const Job& job) { return job.spec != nullptr && job.spec->mutating; });
}

void StoreThread::Run() {
  ReplyChannel channel(context_);
  while (true) {
    std::vector<Job> batch;
    std::vector<Task> tasks;
    {
      std::unique_lock lock(mutex_);
      if (!pump_pending_) {
        wake_.wait_for(lock, IdleWait(),
                       [this] { return stopping_ || !queue_.empty() || !tasks_.empty(); });
      }
      if (queue_.empty() && tasks_.empty() && stopping_) {
        stopped_ = true;  // nothing left to run
        return;
      }
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      for (; !tasks_.empty(); tasks_.pop_front()) tasks.push_back(std::move(tasks_.front()));
    }
    const bool pump = PumpDue(batch);
    if (!batch.empty() || !tasks.empty() || pump) RunBatch(batch, tasks, channel, pump);
    MaybePrune();
  }
}

void StoreThread::MaybePrune() {
  int64_t now = dispatcher_.services().clock.NowMicros();
  if (now - last_prune_ < 600LL * 1000000) return;
  last_prune_ = now;
  store::Transaction transaction(store_.db());
  auto pruned = store_.idempotency().Prune(now - kIdempotencyRetentionMicros);
  Status done = pruned.ok() ? transaction.Commit() : pruned.status();
  if (!done.ok()) LogWarn("pruning idempotency keys failed: " + done.ToString());
}

Status StoreThread::RunTask(Task& task) {
  EffectScope effects(store_.db(), outbox_);
  MART_RETURN_IF_ERROR(effects.status());
  Tx tx{store_, outbox_, dispatcher_.services().clock.NowMicros()};
  Status status;
  try {
    status = task.fn(tx);
  } catch (const std::exception& e) {
    status = Internal(std::string("internal store work threw: ") + e.what());
  }
  MART_RETURN_IF_ERROR(status);
  return effects.Keep();
}

void StoreThread::RunBatch(std::vector<Job>& batch, std::vector<Task>& tasks,
                           ReplyChannel& channel, bool pump) {
  std::vector<Reply> replies;
  std::vector<Status> task_status(tasks.size());
  Status committed;
  Result<PumpOutcome> pumped = PumpOutcome{};
  {
    store::Transaction transaction(store_.db());
    committed = transaction.status();
    if (committed.ok()) {
      replies = dispatcher_.ExecuteBatch(batch, store_, outbox_, transaction);
      // A batch run again begins the transaction again, which may fail: then
      // nothing else may run, or it would run outside the transaction.
      committed = transaction.status();
    }
    if (committed.ok()) {
      for (size_t i = 0; i < tasks.size(); ++i) task_status[i] = RunTask(tasks[i]);
      if (pump) pumped = dispatcher_.services().queues.Pump(store_, outbox_, kPumpBudget);
      // Other martd on the same database hear of the commit (events/feed_relay.h).
      if (outbox_.Mark() > 0) {
        if (Status announced = store_.events().AnnounceAppended(); !announced.ok()) {
          committed = announced;
        }
      }
      if (HasMutating(batch)) fault::CrashPoint("batch.before_commit");
      // The transaction rolls back when it goes out of scope uncommitted.
      if (committed.ok()) {
        committed = HasMutating(batch) && fault::ErrorPoint("commit.disk_full")
                        ? Unavailable("database or disk is full: injected fault commit.disk_full")
                        : transaction.Commit();
      }
    }
  }
  if (committed.ok() && HasMutating(batch)) fault::CrashPoint("batch.after_commit");
  for (size_t i = 0; i < tasks.size(); ++i) {
    tasks[i].done.set_value(task_status[i].ok() ? committed : task_status[i]);
  }
  std::vector<store::EventRow> events = outbox_.TakePending();
  const int64_t now = dispatcher_.services().clock.NowMicros();
  if (!pumped.ok()) LogError("queue workers failed: " + pumped.status().ToString());
  if (committed.ok() && pumped.ok()) {
    pump_pending_ = pumped->more;
    next_retry_ = pumped->retry_at;
  } else if (pump || !committed.ok()) {
    // Try again in a second rather than spin on a failing database.
    pump_pending_ = false;
    next_retry_ = now + 1'000'000;
  }
  if (!committed.ok()) {
    // Nothing of the batch is durable: every caller learns so, none is told OK.
    LogError("commit of a batch of " + std::to_string(batch.size()) +
             " requests failed: " + committed.ToString());
    replies.assign(batch.size(), Reply{});
    for (size_t i = 0; i < batch.size(); ++i) {
      replies[i].id = batch[i].request.id;
      replies[i].status = committed;
    }
  } else if (listener_ && !events.empty()) {
    listener_(events);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    dispatcher_.LogOutcome(batch[i], replies[i]);
    channel.Send(batch[i], replies[i]);
  }
}

WorkerPool::WorkerPool(std::string db_path, int threads, Dispatcher& dispatcher,
                       StoreThread& store_thread, zmq::context_t& context)
    : db_path_(std::move(db_path)),
      thread_count_(threads),
      dispatcher_(dispatcher),
      store_thread_(store_thread),
      context_(context) {}

WorkerPool::~WorkerPool() { Stop(); }

Status WorkerPool::Start() {
  for (int i = 0; i < thread_count_; ++i) {
    MART_ASSIGN_OR_RETURN(auto reader, store::Store::Open(db_path_, store::OpenMode::kReadOnly));
    readers_.push_back(std::move(reader));
  }
  for (auto& reader : readers_) {
    threads_.emplace_back([this, r = reader.get()] { Run(r); });
  }
  return Status::Ok();
}

bool WorkerPool::Submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueue) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void WorkerPool::Run(store::Store* reader) {
  ReplyChannel channel(context_);
  // A reader's handler emits no events; one that tried would fail (query_only).
  Outbox outbox(reader->events(), dispatcher_.services().clock);
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    if (job.handler->on_reader) {
      Reply reply = dispatcher_.Execute(job, *reader, outbox);
      dispatcher_.LogOutcome(job, reply);
      channel.Send(job, reply);
      continue;
    }
    // A retry of a finished request replays here: its prepare step could no
    // longer succeed (the password it checks has changed, say).
    auto replayed = dispatcher_.Replay(job, *reader);
    Status prepared = replayed.ok() ? Status::Ok() : replayed.status();
    if (replayed.ok() && *replayed) {
      Reply reply{job.request.id, Status::Ok(), std::move(**replayed)};
      dispatcher_.LogOutcome(job, reply);
      channel.Send(job, reply);
      continue;
    }
    if (prepared.ok()) prepared = dispatcher_.Prepare(job, *reader);
    if (prepared.ok()) {
      store_thread_.Submit(std::move(job));
      continue;
    }
    Reply reply{job.request.id, prepared, nullptr};
    dispatcher_.LogOutcome(job, reply);
    channel.Send(job, reply);
  }
}

}  // namespace mart::rpc
