#pragma once
// Keeps the WAL short without making a commit wait for it. SQLite's own
// auto-checkpoint runs inside the commit that takes the WAL past 1000 frames:
// that batch's requests wait for a copy of the WAL into the database and an
// fsync of it (the p99 of a single client placing orders was 5 ms for this
// alone). Here a thread with its own connection copies the WAL back while the
// store thread goes on committing. Under steady load that copy never reaches
// the WAL's end (new frames keep coming), and SQLite starts the WAL over only
// when all of it is copied, so after each pass of the thread the writer copies
// what is left itself, right after its next commit: only the frames that came
// during the pass, after which its next transaction starts the WAL over.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "mart/status.h"
#include "stores/sqlite_database.h"

namespace mart::store {

class Checkpointer {
 public:
  // The thread copies once this many frames have come since its last pass.
  static constexpr int kStartFrames = 12000;  // 48 MiB of 4 KiB pages
  // The writer copies whatever is left past this many frames, whether or not
  // the thread has caught up (a reader holding an old snapshot, say).
  static constexpr int kRestartFrames = 16000;

  // Installs itself as `writer`'s WAL hook (which turns SQLite's
  // auto-checkpoint off) and starts the thread on a connection of its own to
  // `path`, the same database file.
  static Result<std::unique_ptr<Checkpointer>> Start(SqliteDatabase& writer,
                                                     const std::string& path);
  // Stops the thread and gives the writer SQLite's auto-checkpoint back.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Passes made by the thread and by the writer (for tests and the log).
  int background_passes() const;
  int writer_passes() const;

 private:
  Checkpointer(SqliteDatabase& writer, std::unique_ptr<SqliteDatabase> own);
  static int OnCommit(void* self, sqlite3* db, const char* name, int frames);
  void Committed(sqlite3* db, int frames);
  void Run();

  SqliteDatabase& writer_;
  std::unique_ptr<SqliteDatabase> own_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  int frames_ = 0;       // frames in the WAL after the writer's last commit
  int copied_up_to_ = 0;  // frames of the WAL the thread's last pass copied
  bool finish_ = false;  // the thread copied all it saw: the writer copies the rest
  int background_passes_ = 0;
  int writer_passes_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mart::store
