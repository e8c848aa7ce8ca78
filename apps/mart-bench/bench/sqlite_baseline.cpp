#include <sqlite3.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "bench/baselines.h"

namespace mart::bench {
namespace {

constexpr size_t kMaxBatch = 512;  // as martd's store thread (rpc/store_thread.h)
constexpr const char* kSchema =
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, "
    "body TEXT NOT NULL, created_at INTEGER NOT NULL)";
constexpr const char* kInsert = "INSERT INTO orders (user_id, body, created_at) VALUES (?, ?, ?)";

// One row waiting for its commit.
struct Pending {
  int producer = 0;
  bool done = false;
};

class CommitQueue {
 public:
  explicit CommitQueue(sqlite3* db) : db_(db) {}

  // Blocks until the row is committed; false when the writer failed.
  bool Insert(int producer) {
    Pending pending{producer, false};
    std::unique_lock lock(mutex_);
    queue_.push_back(&pending);
    wake_writer_.notify_one();
    committed_.wait(lock, [&] { return pending.done || failed_; });
    return pending.done;
  }

  void Stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_writer_.notify_one();
  }

  Status Run(size_t row_bytes) {
    const std::string body(row_bytes, 'x');
    sqlite3_stmt* insert = nullptr;
    if (sqlite3_prepare_v2(db_, kInsert, -1, &insert, nullptr) != SQLITE_OK) return Error();
    Status status;
    while (status.ok()) {
      std::vector<Pending*> batch;
      {
        std::unique_lock lock(mutex_);
        wake_writer_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) break;
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      status = Commit(insert, body, batch);
      if (!status.ok()) Exec("ROLLBACK");
      std::lock_guard lock(mutex_);
      for (Pending* pending : batch) pending->done = status.ok();
      if (!status.ok()) failed_ = true;
      committed_.notify_all();
    }
    sqlite3_finalize(insert);
    return status;
  }

 private:
  Status Error() { return Internal(std::string("sqlite baseline: ") + sqlite3_errmsg(db_)); }

  bool Exec(const char* sql) {
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  Status Commit(sqlite3_stmt* insert, const std::string& body, const std::vector<Pending*>& batch) {
    if (!Exec("BEGIN IMMEDIATE")) return Error();
    for (Pending* pending : batch) {
      if (!Exec("SAVEPOINT row")) return Error();
      sqlite3_bind_int(insert, 1, pending->producer);
      sqlite3_bind_text(insert, 2, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert, 3, Clock::now().time_since_epoch().count());
      int rc = sqlite3_step(insert);
      sqlite3_reset(insert);
      if (rc != SQLITE_DONE || !Exec("RELEASE row")) return Error();
    }
    if (!Exec("COMMIT")) return Error();
    return Status::Ok();
  }

  sqlite3* db_;
  std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable committed_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  bool failed_ = false;
};

// A fresh WAL file grows with every commit, and on ext4 an fsync that grows a
// file also commits the file system's journal: slower than martd's WAL,
// which was grown long ago and is overwritten in place after checkpoints.
// Growing it to 8 MiB first and restarting it compares like with like.
constexpr const char* kPrefill =
    "BEGIN; "
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2048) "
    "INSERT INTO orders (user_id, body, created_at) SELECT 0, randomblob(4096), 0 FROM n; "
    "COMMIT; DELETE FROM orders; PRAGMA wal_checkpoint(RESTART)";

Result<sqlite3*> OpenDatabase(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Unavailable("sqlite baseline cannot open " + path + ": " + message);
  }
  for (const char* sql :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", kSchema, kPrefill}) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::string message = sqlite3_errmsg(db);
      sqlite3_close(db);
      return Internal("sqlite baseline: " + message);
    }
  }
  return db;
}

// One producer: hands a row, waits for its commit, again, until the phase ends.
struct Producer {
  LoadResult result;
  Clock::time_point last;
};

void Produce(CommitQueue& queue, int index, const SqliteBaselineSpec& spec,
             Clock::time_point warm_end, std::atomic<int64_t>& issued, Producer* out) {
  const auto end = warm_end + Seconds(spec.duration_s);
  out->last = warm_end;
  while (true) {
    const auto sent = Clock::now();
    const bool measured = sent >= warm_end;
    if (measured && (spec.count > 0 ? issued.fetch_add(1) >= spec.count : sent >= end)) return;
    const bool ok = queue.Insert(index);
    const auto now = Clock::now();
    if (measured) {
      out->result.latency.Record(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count());
      out->last = now;
      ++(ok ? out->result.ok : out->result.errors);
    }
    if (!ok) return;  // the writer failed: its status says why
  }
}

}  // namespace

Result<LoadResult> RunSqliteCommitBaseline(const SqliteBaselineSpec& spec) {
  MART_ASSIGN_OR_RETURN(sqlite3 * db, OpenDatabase(spec.db_path));
  CommitQueue queue(db);
  Status writer_status;
  std::thread writer([&] { writer_status = queue.Run(spec.row_bytes); });
  const auto warm_end = Clock::now() + Seconds(spec.warmup_s);
  std::atomic<int64_t> issued{0};
  std::vector<Producer> producers(spec.clients);
  std::vector<std::thread> threads;
  for (int p = 0; p < spec.clients; ++p) {
    threads.emplace_back([&, p] { Produce(queue, p, spec, warm_end, issued, &producers[p]); });
  }
  for (auto& thread : threads) thread.join();
  queue.Stop();
  writer.join();
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((spec.db_path + suffix).c_str());
  if (!writer_status.ok()) return writer_status;
  LoadResult merged;
  Clock::time_point last = warm_end;
  for (Producer& producer : producers) {
    MergeInto(&merged, std::move(producer.result));
    last = std::max(last, producer.last);
  }
  merged.seconds = std::chrono::duration<double>(last - warm_end).count();
  return merged;
}

}  // namespace mart::bench
