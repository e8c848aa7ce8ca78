// The PostgreSQL driver. The placeholder rewriting and the location's redaction
// run everywhere; the rest needs a server and runs in the `pg` test run
// (MART_TEST_STORE=postgresql://…, tests/pg/pg-cluster.sh), skipping otherwise.

#include "stores/postgres_database.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <thread>

#include "stores/schema.h"
#include "stores/store.h"
#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

TEST(PostgresSqlTest, QuestionMarksAreNumberedInOrder) {
  PostgresSql sql = RewritePlaceholders("SELECT a FROM t WHERE b = ? AND c = ?");
  EXPECT_EQ(sql.text, "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(sql.parameters, 2);
}

TEST(PostgresSqlTest, NumberedPlaceholdersKeepTheirNumbers) {
  PostgresSql sql = RewritePlaceholders("UPDATE t SET a = ?2, b = ?1 WHERE c = ?2 OR d = ?");
  EXPECT_EQ(sql.text, "UPDATE t SET a = $2, b = $1 WHERE c = $2 OR d = $3");
  EXPECT_EQ(sql.parameters, 3);
}

TEST(PostgresSqlTest, NamedPlaceholdersShareOneNumberPerName) {
  PostgresSql sql =
      RewritePlaceholders("SELECT * FROM t WHERE a > :after AND b = :after LIMIT :limit");
  EXPECT_EQ(sql.text, "SELECT * FROM t WHERE a > $1 AND b = $1 LIMIT $2");
  EXPECT_EQ(sql.parameters, 2);
  ASSERT_EQ(sql.names.size(), 2u);
  EXPECT_EQ(sql.names[0], (std::pair<std::string, int>{":after", 1}));
  EXPECT_EQ(sql.names[1], (std::pair<std::string, int>{":limit", 2}));
}

TEST(PostgresSqlTest, QuotesCommentsAndCastsAreLeftAlone) {
  PostgresSql sql = RewritePlaceholders(
      "SELECT 'a?b:c''?', \"col?\", x::bigint -- what? :no\n FROM t /* ? */ WHERE y = ?");
  EXPECT_EQ(sql.text,
            "SELECT 'a?b:c''?', \"col?\", x::bigint -- what? :no\n FROM t /* ? */ WHERE y = $1");
  EXPECT_EQ(sql.parameters, 1);
  EXPECT_TRUE(sql.names.empty());
}

TEST(PostgresLocationTest, RecognizesBothSchemes) {
  EXPECT_TRUE(IsPostgresLocation("postgresql://db/mart"));
  EXPECT_TRUE(IsPostgresLocation("postgres:///mart?host=/run/postgresql"));
  EXPECT_FALSE(IsPostgresLocation("/var/lib/mart/mart.db"));
  EXPECT_FALSE(IsPostgresLocation("postgresql.db"));
}

TEST(PostgresLocationTest, RedactsPasswords) {
  EXPECT_EQ(RedactLocation("postgresql://mart:s3cret@db:5432/mart"),
            "postgresql://mart:***@db:5432/mart");
  EXPECT_EQ(RedactLocation("postgresql://db/mart?user=mart&password=s3cret&sslmode=require"),
            "postgresql://db/mart?user=mart&password=***&sslmode=require");
  EXPECT_EQ(RedactLocation("postgresql://mart@db/mart"), "postgresql://mart@db/mart");
  EXPECT_EQ(RedactLocation("/var/lib/mart/mart.db"), "/var/lib/mart/mart.db");
}

// ---- on a server ----

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* location = std::getenv("MART_TEST_STORE");
    if (location == nullptr || *location == '\0') {
      GTEST_SKIP() << "needs MART_TEST_STORE=postgresql://… (the pg test run)";
    }
    store_ = test::OpenMemoryStore();  // a fresh schema at the latest version
  }

  Database& db() { return store_->db(); }

  int64_t BackendPid() {
    Query q = Must(db().Prepare("SELECT pg_backend_pid()"), "pid");
    EXPECT_TRUE(Must(q.Next(), "pid row"));
    return q.Int(0);
  }

  // The test store's location with its schema: another connection to the same store.
  std::string SameStore() {
    Query q = Must(db().Prepare("SELECT current_schema()"), "schema");
    EXPECT_TRUE(Must(q.Next(), "schema row"));
    std::string location = std::getenv("MART_TEST_STORE");
    location += (location.find('?') == std::string::npos ? "?" : "&");
    return location + "options=-csearch_path%3D" + q.Text(0);
  }

  int64_t Count(const std::string& table) {
    Query q = Must(db().PrepareText("SELECT count(*) FROM " + table), "count");
    EXPECT_TRUE(Must(q.Next(), "count row"));
    return q.Int(0);
  }

  std::unique_ptr<Store> store_;
};

TEST_F(PostgresDatabaseTest, MigratesToTheLatestVersionOnce) {
  EXPECT_EQ(db().backend(), Backend::kPostgres);
  EXPECT_EQ(Must(db().SchemaVersion(), "version"), LatestSchemaVersion());
  EXPECT_TRUE(Migrate(db()).ok());  // nothing left to do
  EXPECT_EQ(Must(db().SchemaVersion(), "version"), LatestSchemaVersion());
  EXPECT_TRUE(Must(db().HasTable("orders"), "has orders"));
  EXPECT_FALSE(Must(db().HasTable("no_such_table"), "has none"));
}

TEST_F(PostgresDatabaseTest, BothBackendsHaveEveryMigration) {
  const auto& sqlite = AllMigrations(Backend::kSqlite);
  const auto& postgres = AllMigrations(Backend::kPostgres);
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, postgres[i].version);
    EXPECT_EQ(sqlite[i].description, postgres[i].description);
  }
}

TEST_F(PostgresDatabaseTest, RefusesASchemaNewerThanItKnows) {
  ASSERT_TRUE(db().SetSchemaVersion(LatestSchemaVersion() + 1).ok());
  Status status = Migrate(db());
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_NE(status.message().find("newer than this martd"), std::string::npos);
}

TEST_F(PostgresDatabaseTest, BindsAndReadsValuesBooleansAndNulls) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, note TEXT)").ok());
  {
    Query q = Must(db().Prepare("INSERT INTO t (id, name, note) VALUES (?, ?, ?) RETURNING id"),
                   "insert");
    q.Bind(1, int64_t{-7}).Bind(2, "é ' x").Bind(3, std::optional<std::string>());
    EXPECT_EQ(Must(q.RunReturning(), "returning"), -7);
  }
  EXPECT_EQ(db().Changes(), 1);
  Query q = Must(db().Prepare("SELECT id, name, note, note IS NULL, id > 0 FROM t WHERE id = ?"),
                 "select");
  q.Bind(1, int64_t{-7});
  ASSERT_TRUE(Must(q.Next(), "row"));
  EXPECT_EQ(q.Int(0), -7);
  EXPECT_EQ(q.Text(1), "é ' x");
  EXPECT_TRUE(q.IsNull(2));
  EXPECT_EQ(q.OptText(2), std::nullopt);
  EXPECT_EQ(q.Int(3), 1);  // true
  EXPECT_EQ(q.Int(4), 0);  // false
  EXPECT_FALSE(Must(q.Next(), "one row"));
}

TEST_F(PostgresDatabaseTest, ASavepointOutsideATransactionCommitsOnRelease) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  {
    Savepoint kept(db());
    ASSERT_TRUE(kept.status().ok());
    ASSERT_TRUE(db().Execute("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(kept.Release().ok());
  }
  {
    Savepoint dropped(db());
    ASSERT_TRUE(dropped.status().ok());
    ASSERT_TRUE(db().Execute("INSERT INTO t VALUES (2)").ok());
  }
  EXPECT_EQ(Count("t"), 1);
}

TEST_F(PostgresDatabaseTest, AFailedStatementRollsBackToItsSavepointOnly) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Transaction transaction(db());
  ASSERT_TRUE(db().Execute("INSERT INTO t VALUES (1)").ok());
  {
    Savepoint request(db());
    Status duplicate = db().Execute("INSERT INTO t VALUES (1)");
    EXPECT_EQ(duplicate.code(), Code::kInternal);
  }  // rolled back to the savepoint: the transaction goes on
  ASSERT_TRUE(db().Execute("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(transaction.Commit().ok());
  EXPECT_EQ(Count("t"), 2);
}

TEST_F(PostgresDatabaseTest, CommittingAFailedTransactionIsAnError) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Transaction transaction(db());
  ASSERT_TRUE(db().Execute("INSERT INTO t VALUES (1)").ok());
  EXPECT_FALSE(db().Execute("INSERT INTO t VALUES (1)").ok());
  EXPECT_FALSE(transaction.Commit().ok());  // PostgreSQL answers COMMIT with ROLLBACK
  EXPECT_EQ(Count("t"), 0);
}

TEST_F(PostgresDatabaseTest, ALostConnectionIsUnavailableAndTheNextStatementReconnects) {
  const int64_t backend = BackendPid();
  {
    auto other = Must(Database::Open(std::getenv("MART_TEST_STORE"), OpenMode::kReadWrite), "other");
    ASSERT_TRUE(other->Execute("SELECT pg_terminate_backend(" + std::to_string(backend) + ")").ok());
  }
  Transaction transaction(db());  // reconnects: nothing was in flight
  ASSERT_TRUE(transaction.status().ok()) << transaction.status().ToString();
  EXPECT_EQ(Count("orders"), 0);  // statements are prepared again on the new connection
  ASSERT_TRUE(transaction.Commit().ok());
}

TEST_F(PostgresDatabaseTest, AConnectionLostInATransactionFailsItsCommitAsUnavailable) {
  Transaction transaction(db());
  ASSERT_TRUE(transaction.status().ok());
  const int64_t backend = BackendPid();
  {
    auto other = Must(Database::Open(std::getenv("MART_TEST_STORE"), OpenMode::kReadWrite), "other");
    ASSERT_TRUE(other->Execute("SELECT pg_terminate_backend(" + std::to_string(backend) + ")").ok());
  }
  EXPECT_EQ(transaction.Commit().code(), Code::kUnavailable);
}

// ---- write-behind: statements run without rows go with the next round trip ----

TEST_F(PostgresDatabaseTest, AStatementWrittenBehindCountsItsChangesAndLands) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)").ok());
  Transaction transaction(db());
  ASSERT_TRUE(transaction.status().ok());
  const uint64_t before = StatementsExecuted();
  for (int64_t id = 1; id <= 3; ++id) {
    Query insert = Must(db().Prepare("INSERT INTO t (id, n) VALUES (?, 0)"), "insert");
    ASSERT_TRUE(insert.Bind(1, id).Run().ok());
  }
  EXPECT_EQ(StatementsExecuted(), before) << "queued, not sent yet";
  {
    Query update = Must(db().Prepare("UPDATE t SET n = n + 1 WHERE id >= ?"), "update");
    ASSERT_TRUE(update.Bind(1, int64_t{2}).Run().ok());
  }
  EXPECT_EQ(db().Changes(), 2);  // sends the queue to learn it
  EXPECT_EQ(StatementsExecuted(), before + 6)
      << "BEGIN, the writer lock, three INSERTs and the UPDATE";
  ASSERT_TRUE(transaction.Commit().ok());
  EXPECT_EQ(Count("t"), 3);
}

TEST_F(PostgresDatabaseTest, AFailureWrittenBehindIsItsSavepointsAndIsUndone) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Transaction transaction(db());
  auto insert = [&](int64_t id) {
    Query q = Must(db().Prepare("INSERT INTO t (id) VALUES (?)"), "insert");
    return q.Bind(1, id).Run();
  };
  ASSERT_TRUE(insert(1).ok());
  {
    Savepoint request(db());
    ASSERT_TRUE(insert(2).ok());
    ASSERT_TRUE(insert(1).ok()) << "a duplicate, not known yet";
    Status released = request.Release();
    EXPECT_EQ(released.code(), Code::kInternal);
    EXPECT_NE(released.message().find("duplicate key"), std::string::npos) << released.ToString();
  }
  {
    Savepoint next(db());  // the transaction goes on
    ASSERT_TRUE(insert(3).ok());
    ASSERT_TRUE(next.Release().ok());
  }
  ASSERT_TRUE(transaction.Commit().ok());
  Query ids = Must(db().Prepare("SELECT string_agg(id::text, ',' ORDER BY id) FROM t"), "ids");
  ASSERT_TRUE(Must(ids.Next(), "ids row"));
  EXPECT_EQ(ids.Text(0), "1,3") << "the failed savepoint's row 2 is undone";
}

TEST_F(PostgresDatabaseTest, ARolledBackSavepointDropsWhatWaitedAndAnEmptyTransactionCostsNothing) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  const uint64_t before = StatementsExecuted();
  {
    Transaction transaction(db());
    {
      Savepoint undone(db());
      Query q = Must(db().Prepare("INSERT INTO t (id) VALUES (1)"), "insert");
      ASSERT_TRUE(q.Run().ok());
    }  // rolled back before anything was sent
    ASSERT_TRUE(transaction.Commit().ok());
  }
  EXPECT_EQ(StatementsExecuted(), before) << "nothing reached the server";
  EXPECT_EQ(Count("t"), 0);
}

// A list of more than 8 is one array parameter, and a list statement is
// planned for its values each time (never a server-side prepared statement,
// whose generic plan is made for a list of unknown length while the table may
// still be small): alone, and after writes waiting to be sent.
TEST_F(PostgresDatabaseTest, AListStatementIsPlannedForItsValuesEveryTime) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL)").ok());
  auto read = [&](std::vector<std::string> ids) {
    ids.resize(9, ids.back());  // more than 8: an array
    Query q = Must(db().PrepareForList("SELECT sum(n) FROM t WHERE id " + InListSql(db(), 9)),
                   "list");
    BindInList(db(), q, 1, ids);
    EXPECT_TRUE(Must(q.Next(), "sum row"));
    return q.IsNull(0) ? int64_t{-1} : q.Int(0);
  };
  EXPECT_EQ(InListSql(db(), 9), "= ANY (?)");
  EXPECT_EQ(InListSql(db(), 3), "IN (?, ?, ?, ?)");
  Transaction transaction(db());
  for (const auto& [id, n] : {std::pair{"a", 1}, {"b\"", 10}, {"c,d", 100}}) {
    Query q = Must(db().Prepare("INSERT INTO t (id, n) VALUES (?, ?)"), "insert");
    ASSERT_TRUE(q.Bind(1, id).Bind(2, int64_t{n}).Run().ok());
  }
  EXPECT_EQ(read({"a", "b\"", "c,d"}), 111) << "sent after the queued INSERTs";
  EXPECT_EQ(read({"c,d", "zz"}), 100) << "sent alone";
  EXPECT_EQ(read({"zz"}), -1);
  Query prepared = Must(db().Prepare("SELECT count(*) FROM pg_prepared_statements "
                                     "WHERE position('sum' || '(n)' IN statement) > 0"),
                         "prepared");
  ASSERT_TRUE(Must(prepared.Next(), "prepared row"));
  EXPECT_EQ(prepared.Int(0), 0);
  ASSERT_TRUE(transaction.Commit().ok());
}

TEST_F(PostgresDatabaseTest, AReadIsOneStatementOnAReadOnlyConnection) {
  auto reader = Must(Database::Open(std::getenv("MART_TEST_STORE"), OpenMode::kReadOnly), "reader");
  {
    Query warm = Must(reader->Prepare("SELECT 1"), "warm");  // prepared once
    ASSERT_TRUE(Must(warm.Next(), "warm row"));
  }
  const uint64_t before = StatementsExecuted();
  {
    Savepoint request(*reader);
    Query q = Must(reader->Prepare("SELECT 1"), "select");
    ASSERT_TRUE(Must(q.Next(), "row"));
    ASSERT_TRUE(request.Release().ok());
  }
  EXPECT_EQ(StatementsExecuted(), before + 1) << "no BEGIN, SAVEPOINT, RELEASE or COMMIT";
}

// Both backends' migrations end in the same tables with the same columns.
TEST_F(PostgresDatabaseTest, BothBackendsEndWithTheSameColumns) {
  auto sqlite = Must(Store::Open("", OpenMode::kMemory), "sqlite");
  auto columns = [](Database& db, const char* sql) {
    std::map<std::string, std::set<std::string>> tables;
    Query q = Must(db.Prepare(sql), "columns");
    while (Must(q.Next(), "column")) tables[q.Text(0)].insert(q.Text(1));
    return tables;
  };
  auto on_sqlite = columns(sqlite->db(),
                           "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                           "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'");
  auto on_postgres = columns(db(),
                             "SELECT table_name, column_name FROM information_schema.columns "
                             "WHERE table_schema = current_schema()");
  on_sqlite.erase("mart_schema");
  on_postgres.erase("mart_schema");
  on_postgres["orders"].erase("rowid");  // SQLite's is implicit (the newest-first tie-breaker)
  EXPECT_EQ(on_sqlite, on_postgres);
  EXPECT_GT(on_sqlite.size(), 10u);
}

// The connection broke mid-transaction and a statement saw it; what the
// transaction queued afterwards must not run alone on a new connection.
TEST_F(PostgresDatabaseTest, ACommitAfterALostConnectionFailsAndRunsNothingAlone) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Transaction transaction(db());
  const int64_t backend = BackendPid();  // the transaction reached the server
  {
    auto other = Must(Database::Open(std::getenv("MART_TEST_STORE"), OpenMode::kReadWrite), "other");
    ASSERT_TRUE(other->Execute("SELECT pg_terminate_backend(" + std::to_string(backend) + ")").ok());
  }
  {
    Query q = Must(db().Prepare("SELECT 1"), "select");
    EXPECT_EQ(q.Next().status().code(), Code::kUnavailable);
  }
  {
    Query insert = Must(db().Prepare("INSERT INTO t (id) VALUES (1)"), "insert");
    (void)insert.Run();  // queued, or refused
  }
  EXPECT_EQ(transaction.Commit().code(), Code::kUnavailable);
  EXPECT_EQ(Count("t"), 0) << "the queued insert ran on a new connection";
}

TEST_F(PostgresDatabaseTest, ReadOnlyConnectionsRefuseWrites) {
  auto reader = Must(Database::Open(std::getenv("MART_TEST_STORE"), OpenMode::kReadOnly), "reader");
  EXPECT_EQ(reader->Execute("CREATE TABLE never (id BIGINT)").code(), Code::kUnavailable);
}

// The event log's numbers stay gap-free and in commit order with two writers
// (two martd on one store): the second waits for the writer lock, which the
// first holds to its commit, and only then reads the log's end, so it takes
// the next number, never the same one, and neither fails.
TEST_F(PostgresDatabaseTest, EventNumbersStayGapFreeWithTwoWriters) {
  const char* base = std::getenv("MART_TEST_STORE");
  auto second = Must(Store::Open(SameStore(), OpenMode::kReadWrite), "second writer");

  Transaction first(db());
  EXPECT_EQ(Must(store_->events().Append("order.created", "{}", 1), "first append"), 1);
  (void)db().Changes();  // the insert, written behind, reaches the server now
  Result<int64_t> raced = Internal("not run");
  Status raced_commit = Internal("not run");
  std::thread racer([&] {
    Transaction other(second->db());
    raced = second->events().Append("order.created", "{}", 2);
    raced_commit = raced.ok() ? other.Commit() : raced.status();
  });
  // Until the racer waits for the writer lock (a condition, not a delay).
  auto watcher = Must(Database::Open(base, OpenMode::kReadOnly), "watcher");
  for (int64_t waiting = 0; waiting == 0;) {
    Query q = Must(watcher->Prepare("SELECT count(*) FROM pg_stat_activity WHERE "
                                    "wait_event_type = 'Lock' AND wait_event = 'advisory'"),
                   "waiting");
    ASSERT_TRUE(Must(q.Next(), "waiting row"));
    waiting = q.Int(0);
    if (waiting == 0) std::this_thread::yield();
  }
  ASSERT_TRUE(first.Commit().ok());
  racer.join();
  ASSERT_TRUE(raced_commit.ok()) << raced_commit.ToString();
  EXPECT_EQ(*raced, 2) << "it read the log's end after the first commit";
  EXPECT_EQ(Count("events"), 2);
  EXPECT_EQ(Must(store_->events().Append("order.created", "{}", 3), "next append"), 3);
}

// A writer that waits for the writer lock longer than lock_timeout (10 s in
// martd; 50 ms here) gives up with UNAVAILABLE, which clients retry, and none
// of its statements lands.
TEST_F(PostgresDatabaseTest, AWriterWaitingTooLongForTheLockIsUnavailableAndWritesNothing) {
  ASSERT_TRUE(db().Execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  auto second = Must(Database::Open(SameStore(), OpenMode::kReadWrite), "second writer");
  ASSERT_TRUE(second->Execute("SET lock_timeout = '50ms'").ok());
  Transaction first(db());
  {
    Query insert = Must(db().Prepare("INSERT INTO t (id) VALUES (?)"), "insert");
    ASSERT_TRUE(insert.Bind(1, int64_t{1}).Run().ok());
  }
  (void)db().Changes();  // BEGIN and the lock reach the server now
  Status waited;
  {
    Transaction other(*second);
    Query insert = Must(second->Prepare("INSERT INTO t (id) VALUES (?)"), "insert");
    ASSERT_TRUE(insert.Bind(1, int64_t{2}).Run().ok());  // written behind
    waited = other.Commit();
  }
  EXPECT_EQ(waited.code(), Code::kUnavailable) << waited.ToString();
  EXPECT_NE(waited.message().find("busy"), std::string::npos) << waited.ToString();
  ASSERT_TRUE(first.Commit().ok());
  EXPECT_EQ(Count("t"), 1) << "only the first writer's row";
}

}  // namespace
}  // namespace mart::store
