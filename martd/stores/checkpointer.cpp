#include "stores/checkpointer.h"

#include <utility>

#include "mart/log.h"

namespace mart::store {
namespace {

// A checkpoint that finds another one running, or a reader on frames it
// would overwrite, answers BUSY: the next pass takes it up.
void LogFailure(sqlite3* db, int rc, const char* who) {
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) return;
  LogWarn(std::string("WAL checkpoint by the ") + who +
          " failed: " + SqliteError(db, rc, "checkpoint").ToString());
}

}  // namespace

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(SqliteDatabase& writer,
                                                          const std::string& path) {
  MART_ASSIGN_OR_RETURN(auto own, SqliteDatabase::Open(path, OpenMode::kReadWrite));
  std::unique_ptr<Checkpointer> checkpointer(new Checkpointer(writer, std::move(own)));
  sqlite3_wal_hook(writer.handle(), &Checkpointer::OnCommit, checkpointer.get());
  checkpointer->thread_ = std::thread([self = checkpointer.get()] { self->Run(); });
  return checkpointer;
}

Checkpointer::Checkpointer(SqliteDatabase& writer, std::unique_ptr<SqliteDatabase> own)
    : writer_(writer), own_(std::move(own)) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  LogInfo("WAL checkpoints: " + std::to_string(background_passes_) + " by the checkpoint thread, " +
          std::to_string(writer_passes_) + " by the store thread");
  sqlite3_wal_autocheckpoint(writer_.handle(), 1000);  // SQLite's default, and its hook
}

int Checkpointer::background_passes() const {
  std::lock_guard lock(mutex_);
  return background_passes_;
}

int Checkpointer::writer_passes() const {
  std::lock_guard lock(mutex_);
  return writer_passes_;
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char*, int frames) {
  static_cast<Checkpointer*>(self)->Committed(db, frames);
  return SQLITE_OK;  // the commit has happened whatever a checkpoint does
}

void Checkpointer::Committed(sqlite3* db, int frames) {
  bool wake = false;
  bool finish = false;
  {
    std::lock_guard lock(mutex_);
    if (frames < copied_up_to_) copied_up_to_ = 0;  // the WAL has started over
    frames_ = frames;
    wake = frames_ - copied_up_to_ >= kStartFrames;
    finish = std::exchange(finish_, false) || frames >= kRestartFrames;
  }
  if (wake) wake_.notify_one();
  if (!finish) return;
  // The writer holds no lock now (SQLite calls the hook after the commit).
  int log = 0;
  int copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  if (rc != SQLITE_OK) return LogFailure(db, rc, "store thread");
  std::lock_guard lock(mutex_);
  ++writer_passes_;
}

void Checkpointer::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || frames_ - copied_up_to_ >= kStartFrames; });
    if (stopping_) return;
    lock.unlock();
    int log = 0;
    int copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                       &copied);
    lock.lock();
    if (rc != SQLITE_OK) {
      LogFailure(own_->handle(), rc, "checkpoint thread");
      // Wait for more frames rather than spin on a BUSY WAL.
      copied_up_to_ = frames_;
      continue;
    }
    ++background_passes_;
    copied_up_to_ = log;  // frames a reader kept it from copying wait for the next pass
    finish_ = copied == log;
  }
}

}  // namespace mart::store
