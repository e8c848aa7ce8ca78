#include "stores/database.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "stores/checkpointer.h"
#include "stores/sqlite_database.h"
#include "util/temp_dir.h"
#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

constexpr char kCreate[] = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, note TEXT)";
constexpr char kInsert[] = "INSERT INTO t (id, name, note) VALUES (?, ?, ?)";
constexpr char kSelect[] = "SELECT id, name, note FROM t WHERE id = ?";
constexpr char kCount[] = "SELECT count(*) FROM t";

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = Must(Database::Open("", OpenMode::kMemory), "open");
    ASSERT_TRUE(db_->Execute(kCreate).ok());
  }

  Status Insert(int64_t id, std::string_view name) {
    MART_ASSIGN_OR_RETURN(Query q, db_->Prepare(kInsert));
    q.Bind(1, id).Bind(2, name).BindNull(3);
    return q.Run();
  }

  int64_t Count() {
    Query q = Must(db_->Prepare(kCount), "prepare count");
    EXPECT_TRUE(Must(q.Next(), "count"));
    return q.Int(0);
  }

  std::unique_ptr<Database> db_;
};

// Rows written together go in a few statement texts: powers of two of at
// most 64, largest first, adding up to the count.
TEST(RowChunksTest, SplitsIntoPowersOfTwoLargestFirst) {
  EXPECT_TRUE(RowChunks(0).empty());
  EXPECT_EQ(RowChunks(1), (std::vector<size_t>{1}));
  EXPECT_EQ(RowChunks(64), (std::vector<size_t>{64}));
  EXPECT_EQ(RowChunks(100), (std::vector<size_t>{64, 32, 4}));
  EXPECT_EQ(RowChunks(135), (std::vector<size_t>{64, 64, 4, 2, 1}));
}

TEST_F(SqliteDatabaseTest, BindsAndReadsEveryType) {
  {
    Query q = Must(db_->Prepare(kInsert), "prepare");
    q.Bind(1, int64_t{7}).Bind(2, std::string("a\0b", 3)).Bind(3, std::optional<std::string>());
    ASSERT_TRUE(q.Run().ok());
  }
  EXPECT_EQ(db_->Changes(), 1);
  Query q = Must(db_->Prepare(kSelect), "prepare");
  q.Bind(1, int64_t{7});
  ASSERT_TRUE(Must(q.Next(), "step"));
  EXPECT_EQ(q.Int(0), 7);
  EXPECT_EQ(q.Text(1), std::string("a\0b", 3));  // embedded NUL survives
  EXPECT_TRUE(q.IsNull(2));
  EXPECT_FALSE(q.OptText(2).has_value());
  EXPECT_EQ(q.Text(2), "");
  EXPECT_FALSE(Must(q.Next(), "step"));
}

TEST_F(SqliteDatabaseTest, OptionalBindsTextWhenPresent) {
  {
    Query q = Must(db_->Prepare(kInsert), "prepare");
    q.Bind(1, int64_t{1}).Bind(2, "n").Bind(3, std::optional<std::string>("note"));
    ASSERT_TRUE(q.Run().ok());
  }
  Query q = Must(db_->Prepare(kSelect), "prepare");
  q.Bind(1, int64_t{1});
  ASSERT_TRUE(Must(q.Next(), "step"));
  EXPECT_EQ(q.OptText(2), std::optional<std::string>("note"));
}

TEST_F(SqliteDatabaseTest, CachedStatementIsResetAndUnboundAfterUse) {
  ASSERT_TRUE(Insert(1, "one").ok());
  {
    Query q = Must(db_->Prepare(kSelect), "prepare");
    q.Bind(1, int64_t{1});
    ASSERT_TRUE(Must(q.Next(), "step"));  // left mid-result on purpose
  }
  // Same statement from the cache: no leftover row, no leftover binding.
  Query q = Must(db_->Prepare(kSelect), "prepare again");
  EXPECT_FALSE(Must(q.Next(), "step unbound"));
}

TEST_F(SqliteDatabaseTest, RunRefusesStatementsThatReturnRows) {
  ASSERT_TRUE(Insert(1, "one").ok());
  Query q = Must(db_->Prepare(kCount), "prepare");
  Status status = q.Run();
  EXPECT_EQ(status.code(), Code::kInternal);
  EXPECT_EQ(status.message(), "statement returned rows where none were expected");
}

TEST_F(SqliteDatabaseTest, SqlErrorsAreInternal) {
  EXPECT_EQ(db_->Prepare("SELECT nope FROM nowhere").status().code(), Code::kInternal);
  EXPECT_EQ(db_->Execute("NOT SQL AT ALL").code(), Code::kInternal);
  ASSERT_TRUE(Insert(1, "one").ok());
  Status duplicate = Insert(1, "again");
  EXPECT_EQ(duplicate.code(), Code::kInternal);
  EXPECT_NE(duplicate.message().find("UNIQUE constraint failed"), std::string::npos)
      << duplicate.message();
}

TEST_F(SqliteDatabaseTest, TransactionRollsBackUnlessCommitted) {
  {
    Transaction transaction(*db_);
    ASSERT_TRUE(transaction.status().ok());
    ASSERT_TRUE(Insert(1, "one").ok());
    EXPECT_EQ(Count(), 1);
  }
  EXPECT_EQ(Count(), 0);
  {
    Transaction transaction(*db_);
    ASSERT_TRUE(Insert(2, "two").ok());
    ASSERT_TRUE(transaction.Commit().ok());
  }
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteDatabaseTest, TransactionCommitsOnce) {
  Transaction transaction(*db_);
  ASSERT_TRUE(transaction.Commit().ok());
  EXPECT_EQ(transaction.Commit().code(), Code::kInternal);
}

TEST_F(SqliteDatabaseTest, NestedTransactionFailsAndLeavesTheOuterOneAlone) {
  Transaction outer(*db_);
  ASSERT_TRUE(outer.status().ok());
  ASSERT_TRUE(Insert(1, "one").ok());
  {
    Transaction inner(*db_);
    EXPECT_FALSE(inner.status().ok());
    EXPECT_EQ(inner.Commit().code(), inner.status().code());
  }
  ASSERT_TRUE(outer.Commit().ok());
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteDatabaseTest, SavepointRollsBackAloneUnlessReleased) {
  Transaction transaction(*db_);
  ASSERT_TRUE(Insert(1, "kept before").ok());
  {
    Savepoint failed(*db_);
    ASSERT_TRUE(failed.status().ok());
    ASSERT_TRUE(Insert(2, "rolled back").ok());
  }
  {
    Savepoint succeeded(*db_);
    ASSERT_TRUE(Insert(3, "released").ok());
    ASSERT_TRUE(succeeded.Release().ok());
    EXPECT_EQ(succeeded.Release().code(), Code::kInternal);
  }
  ASSERT_TRUE(transaction.Commit().ok());
  EXPECT_EQ(Count(), 2);
  Query q = Must(db_->Prepare(kSelect), "prepare");
  q.Bind(1, int64_t{2});
  EXPECT_FALSE(Must(q.Next(), "step"));
}

TEST_F(SqliteDatabaseTest, ReleasedSavepointStillRollsBackWithItsTransaction) {
  {
    Transaction transaction(*db_);
    Savepoint savepoint(*db_);
    ASSERT_TRUE(Insert(1, "one").ok());
    ASSERT_TRUE(savepoint.Release().ok());
  }
  EXPECT_EQ(Count(), 0);
}

// Rows that wait (DeferredRows made with the Database) follow its savepoints:
// a rollback drops the rows added since the savepoint began, a release keeps
// them, and rows added before a savepoint but taken (written) inside it are
// reported lost when it rolls back, once.
TEST_F(SqliteDatabaseTest, WaitingRowsFollowTheSavepoints) {
  DeferredRows<int> rows(db_.get());
  rows.Start();
  Transaction transaction(*db_);
  rows.Add(1);
  {
    Savepoint failed(*db_);
    rows.Add(2);
    rows.Add(3);
  }
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.back(), 1);
  {
    Savepoint kept(*db_);
    rows.Add(4);
    {
      Savepoint inner(*db_);
      rows.Add(5);
      ASSERT_TRUE(inner.Release().ok());
    }
    ASSERT_TRUE(kept.Release().ok());
  }
  EXPECT_EQ(rows.Take(), (std::vector<int>{1, 4, 5}));
  EXPECT_FALSE(db_->DeferredRowsLost());
  rows.Add(6);
  {
    Savepoint own(*db_);
    rows.Add(7);
    EXPECT_EQ(rows.Take(), (std::vector<int>{6, 7}));  // 6 is lent to this savepoint
    rows.Add(8);
  }
  EXPECT_EQ(rows.size(), 0u);
  EXPECT_TRUE(db_->DeferredRowsLost());
  EXPECT_FALSE(db_->DeferredRowsLost());
  {
    Savepoint released(*db_);
    rows.Add(9);
    EXPECT_EQ(rows.Take(), (std::vector<int>{9}));
    ASSERT_TRUE(released.Release().ok());
  }
  EXPECT_FALSE(db_->DeferredRowsLost());
  // Rows made without a Database ignore the savepoints.
  DeferredRows<int> free_rows;
  free_rows.Start();
  {
    Savepoint failed(*db_);
    free_rows.Add(1);
  }
  EXPECT_EQ(free_rows.size(), 1u);
}

// While WriteWaitingBefore is set, a statement whose text names one of the
// tables first writes what waits; other statements, and the write's own, do
// not.
TEST_F(SqliteDatabaseTest, AStatementNamingAWaitingTableWritesItFirst) {
  const std::vector<std::string_view> tables = {"t"};
  const std::vector<std::string_view> none = {"elsewhere"};
  int writes = 0;
  db_->WriteWaitingBefore(&none, [&] { return Status::Ok(); });
  EXPECT_EQ(Count(), 0);
  db_->WriteWaitingBefore(&tables, [&]() -> Status {
    ++writes;
    return Insert(writes, "written first");  // names t too
  });
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(writes, 1);
  ASSERT_TRUE(db_->Prepare("SELECT 1").ok());
  EXPECT_EQ(writes, 1);
  db_->WriteWaitingBefore(&tables, [] { return Unavailable("the write failed"); });
  EXPECT_EQ(db_->Prepare(kCount).status().code(), Code::kUnavailable);
  db_->StopWritingWaiting();
  EXPECT_EQ(Count(), 1);
}

// While ForgetOnWrite is set, a statement that may change one of the tables
// (any but a SELECT, naming one anywhere) calls its forget first; a read, or
// a write of another table, does not; StopForgetting ends every one.
TEST_F(SqliteDatabaseTest, AStatementThatMayChangeATableForgetsWhatWasReadAheadOfIt) {
  const std::vector<std::string_view> tables = {"t"};
  const std::vector<std::string_view> others = {"elsewhere"};
  int forgotten = 0;
  int others_forgotten = 0;
  db_->ForgetOnWrite(&tables, [&] { ++forgotten; });
  db_->ForgetOnWrite(&others, [&] { ++others_forgotten; });
  ASSERT_TRUE(db_->Prepare(kCount).ok());
  ASSERT_TRUE(db_->Prepare("  select id FROM t WHERE id = 1").ok());
  EXPECT_EQ(forgotten, 0);
  ASSERT_TRUE(Insert(1, "changed").ok());
  EXPECT_EQ(forgotten, 1);
  ASSERT_TRUE(db_->Prepare("WITH gone AS (SELECT 1) DELETE FROM t WHERE id = 2").ok());
  EXPECT_EQ(forgotten, 2);
  ASSERT_TRUE(db_->Prepare("SAVEPOINT s").ok());  // names no table
  EXPECT_EQ(forgotten, 2);
  EXPECT_EQ(others_forgotten, 0);
  db_->StopForgetting();
  ASSERT_TRUE(Insert(2, "not watched").ok());
  EXPECT_EQ(forgotten, 2);
}

TEST(SqliteErrorTest, MapsResourceProblemsToUnavailable) {
  EXPECT_EQ(SqliteError(nullptr, SQLITE_BUSY, "x").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_LOCKED, "x").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_BUSY_SNAPSHOT, "x").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_READONLY, "x").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CANTOPEN, "x").code(), Code::kUnavailable);
  Status full = SqliteError(nullptr, SQLITE_FULL, "x");
  EXPECT_EQ(full.code(), Code::kUnavailable);
  EXPECT_EQ(full.message().rfind("database or disk is full", 0), 0u) << full.message();
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT, "x").code(), Code::kInternal);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CORRUPT, "x").code(), Code::kInternal);
}

TEST(SqliteDatabaseFileTest, ReadWriteOpenSetsThePragmas) {
  test::TempDir dir;
  auto db = Must(Database::Open(dir.Sub("p.db"), OpenMode::kReadWrite), "open");
  Query mode = Must(db->Prepare("PRAGMA journal_mode"), "journal_mode");
  ASSERT_TRUE(Must(mode.Next(), "step"));
  EXPECT_EQ(mode.Text(0), "wal");
  Query keys = Must(db->Prepare("PRAGMA foreign_keys"), "foreign_keys");
  ASSERT_TRUE(Must(keys.Next(), "step"));
  EXPECT_EQ(keys.Int(0), 1);
  Query sync = Must(db->Prepare("PRAGMA synchronous"), "synchronous");
  ASSERT_TRUE(Must(sync.Next(), "step"));
  EXPECT_EQ(sync.Int(0), 2);  // FULL
  Query temp = Must(db->Prepare("PRAGMA temp_store"), "temp_store");
  ASSERT_TRUE(Must(temp.Next(), "step"));
  EXPECT_EQ(temp.Int(0), 2);  // MEMORY: savepoint journals never touch a temp file
  Query cache = Must(db->Prepare("PRAGMA cache_size"), "cache_size");
  ASSERT_TRUE(Must(cache.Next(), "step"));
  EXPECT_EQ(cache.Int(0), -32768);  // 32 MiB for the writer
  Query limit = Must(db->Prepare("PRAGMA journal_size_limit"), "journal_size_limit");
  ASSERT_TRUE(Must(limit.Next(), "step"));
  EXPECT_EQ(limit.Int(0), 64 << 20);
}

TEST(SqliteDatabaseFileTest, ReadOnlyConnectionCannotWrite) {
  test::TempDir dir;
  const std::string path = dir.Sub("ro.db");
  auto writer = Must(Database::Open(path, OpenMode::kReadWrite), "open writer");
  ASSERT_TRUE(writer->Execute(kCreate).ok());
  auto reader = Must(Database::Open(path, OpenMode::kReadOnly), "open reader");
  EXPECT_EQ(reader->Execute("INSERT INTO t (id) VALUES (1)").code(), Code::kUnavailable);
  ASSERT_TRUE(writer->Execute("INSERT INTO t (id) VALUES (1)").ok());
  Query q = Must(reader->Prepare(kCount), "count");
  ASSERT_TRUE(Must(q.Next(), "step"));
  EXPECT_EQ(q.Int(0), 1);  // sees the writer's commit
}

TEST(SqliteDatabaseFileTest, ReadOnlyOpenOfAMissingFileIsUnavailable) {
  test::TempDir dir;
  auto db = Database::Open(dir.Sub("missing.db"), OpenMode::kReadOnly);
  EXPECT_EQ(db.status().code(), Code::kUnavailable);
}

// Each commit rewrites one 64 KiB row, so the WAL gains at least 16 frames a commit.
void CommitFrames(Database& db, int frames) {
  const std::string blob(65536, 'x');
  for (int written = 0; written < frames; written += 16) {
    Transaction transaction(db);
    ASSERT_TRUE(transaction.status().ok());
    Query q = Must(db.Prepare("INSERT OR REPLACE INTO t (id, name) VALUES (1, ?)"), "insert");
    q.Bind(1, blob);
    ASSERT_TRUE(q.Run().ok());
    ASSERT_TRUE(transaction.Commit().ok());
  }
}

int64_t WalBytes(const std::string& path) {
  struct stat info {};
  return ::stat((path + "-wal").c_str(), &info) == 0 ? info.st_size : 0;
}

TEST(SqliteCheckpointerTest, CopiesTheWalBesideTheWriterAndKeepsItShort) {
  test::TempDir dir;
  const std::string path = dir.Sub("c.db");
  auto writer = Must(SqliteDatabase::Open(path, OpenMode::kReadWrite), "open writer");
  ASSERT_TRUE(writer->Execute(kCreate).ok());
  auto checkpointer = Must(Checkpointer::Start(*writer, path), "start");
  CommitFrames(*writer, Checkpointer::kStartFrames + 100);
  // The thread copies on its own time: wait for it (no timing decides the result).
  for (int i = 0; i < 1000 && checkpointer->background_passes() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(checkpointer->background_passes(), 1);
  // Commits go on far past the hard limit; the WAL starts over instead of growing.
  CommitFrames(*writer, 3 * Checkpointer::kRestartFrames);
  EXPECT_GE(checkpointer->writer_passes(), 1);
  const int64_t frame = 4096 + 24;
  EXPECT_LE(WalBytes(path), (Checkpointer::kRestartFrames + 100) * frame);
  // Readers see every commit, whichever connection copied it.
  auto reader = Must(Database::Open(path, OpenMode::kReadOnly), "open reader");
  Query q = Must(reader->Prepare(kCount), "count");
  ASSERT_TRUE(Must(q.Next(), "step"));
  EXPECT_EQ(q.Int(0), 1);
}

TEST(SqliteCheckpointerTest, GivesTheWriterBackSqlitesAutoCheckpoint) {
  test::TempDir dir;
  const std::string path = dir.Sub("a.db");
  auto writer = Must(SqliteDatabase::Open(path, OpenMode::kReadWrite), "open writer");
  ASSERT_TRUE(writer->Execute(kCreate).ok());
  Must(Checkpointer::Start(*writer, path), "start").reset();
  CommitFrames(*writer, 3 * Checkpointer::kRestartFrames);
  // SQLite's own hook checkpoints at 1000 frames, so the WAL never nears the limit.
  EXPECT_LE(WalBytes(path), 2000 * (4096 + 24));
}

}  // namespace
}  // namespace mart::store
