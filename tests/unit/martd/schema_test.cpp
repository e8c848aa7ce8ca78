#include "stores/schema.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "stores/store.h"
#include "util/temp_dir.h"
#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

std::unique_ptr<Database> EmptyDb() { return Must(Database::Open("", OpenMode::kMemory), "open"); }

std::set<std::string> Tables(Database& db) {
  Query q = Must(db.Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
                 "list tables");
  std::set<std::string> names;
  while (Must(q.Next(), "step")) names.insert(q.Text(0));
  return names;
}

std::string SchemaText(Database& db) {
  Query q = Must(db.Prepare("SELECT type || ' ' || name || ' ' || coalesce(sql, '') "
                            "FROM sqlite_master ORDER BY type, name"),
                 "schema");
  std::string text;
  while (Must(q.Next(), "step")) text += q.Text(0) + "\n";
  return text;
}

TEST(SqliteSchemaTest, MigrationsAreNumberedOneByOne) {
  const auto& migrations = AllMigrations();
  ASSERT_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(migrations[i].description.empty());
    EXPECT_FALSE(migrations[i].sql.empty());
  }
  EXPECT_EQ(LatestSchemaVersion(), migrations.back().version);
}

TEST(SqliteSchemaTest, MigrateReachesTheLatestVersion) {
  auto db = EmptyDb();
  EXPECT_EQ(Must(db->SchemaVersion(), "version"), 0);
  ASSERT_TRUE(Migrate(*db).ok());
  EXPECT_EQ(Must(db->SchemaVersion(), "version"), LatestSchemaVersion());
  std::set<std::string> tables = Tables(*db);
  for (const char* table :
       {"users", "addresses", "sessions", "refresh_tokens", "idempotency_keys", "events"}) {
    EXPECT_EQ(tables.count(table), 1u) << table;
  }
}

TEST(SqliteSchemaTest, MigrateAgainIsANoOp) {
  auto db = EmptyDb();
  ASSERT_TRUE(Migrate(*db).ok());
  const std::string before = SchemaText(*db);
  ASSERT_TRUE(Migrate(*db).ok());  // would fail with "table already exists" if it re-ran
  EXPECT_EQ(SchemaText(*db), before);
  EXPECT_EQ(Must(db->SchemaVersion(), "version"), LatestSchemaVersion());
}

TEST(SqliteSchemaTest, MigrateAppliesOnlyTheMissingSteps) {
  auto db = EmptyDb();
  ASSERT_TRUE(db->Execute(AllMigrations().front().sql).ok());
  ASSERT_TRUE(db->Execute("PRAGMA user_version = 1").ok());
  ASSERT_TRUE(Migrate(*db).ok());
  EXPECT_EQ(Must(db->SchemaVersion(), "version"), LatestSchemaVersion());
  EXPECT_EQ(Tables(*db).count("events"), 1u);
}

TEST(SqliteSchemaTest, AFailingStepRollsBackAndKeepsTheVersion) {
  auto db = EmptyDb();
  ASSERT_TRUE(db->Execute(AllMigrations().front().sql).ok());
  ASSERT_TRUE(db->Execute("PRAGMA user_version = 1").ok());
  // Step 2 creates `events`; a table in the way makes it fail part-way.
  ASSERT_TRUE(db->Execute("CREATE TABLE events (x INTEGER)").ok());
  EXPECT_FALSE(Migrate(*db).ok());
  EXPECT_EQ(Must(db->SchemaVersion(), "version"), 1);
  EXPECT_EQ(Tables(*db).count("idempotency_keys"), 0u);  // created before the failure, undone
}

TEST(SqliteSchemaTest, NewerDatabaseIsRefused) {
  auto db = EmptyDb();
  const int newer = LatestSchemaVersion() + 1;
  ASSERT_TRUE(db->Execute("PRAGMA user_version = " + std::to_string(newer)).ok());
  Status status = Migrate(*db);
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_EQ(status.message(), "database schema version " + std::to_string(newer) +
                                  " is newer than this martd (" +
                                  std::to_string(LatestSchemaVersion()) + "); upgrade martd");
  EXPECT_TRUE(Tables(*db).empty());
}

TEST(SqliteSchemaTest, StoreOpenRefusesANewerDatabaseFile) {
  test::TempDir dir;
  const std::string path = dir.Sub("mart.db");
  {
    auto db = Must(Database::Open(path, OpenMode::kReadWrite), "create");
    ASSERT_TRUE(db->Execute("PRAGMA user_version = 999").ok());
  }
  EXPECT_EQ(Store::Open(path, OpenMode::kReadWrite).status().code(), Code::kFailedPrecondition);
}

TEST(SqliteSchemaTest, StoreOpenMigratesAFileOnceAndReopensIt) {
  test::TempDir dir;
  const std::string path = dir.Sub("mart.db");
  {
    auto store = Must(Store::Open(path, OpenMode::kReadWrite), "first open");
    EXPECT_EQ(Must(store->db().SchemaVersion(), "version"), LatestSchemaVersion());
  }
  auto again = Must(Store::Open(path, OpenMode::kReadWrite), "second open");
  EXPECT_EQ(Must(again->db().SchemaVersion(), "version"), LatestSchemaVersion());
  auto reader = Must(Store::Open(path, OpenMode::kReadOnly), "read-only open");
  EXPECT_EQ(Must(reader->db().SchemaVersion(), "version"), LatestSchemaVersion());
}

// Migration 8 rebuilds payments and notifications to widen their CHECKs:
// rows, ids and the AUTOINCREMENT high-water mark survive, and a payment can
// then be refunded once.
TEST(SqliteSchemaTest, RefundsMigrationKeepsPaymentsAndNotifications) {
  auto db = EmptyDb();
  for (const Migration& migration : AllMigrations()) {
    if (migration.version > 7) break;
    ASSERT_TRUE(db->Execute(migration.sql).ok()) << migration.version;
  }
  ASSERT_TRUE(db->Execute("PRAGMA user_version = 7").ok());
  ASSERT_TRUE(db->Execute(
      "INSERT INTO users (id, email, email_norm, password_hash, first_name, last_name, role, "
      " created_at, updated_at) VALUES (1, 'a@x.org', 'a@x.org', 'h', 'A', 'L', 'user', 0, 0);"
      "INSERT INTO orders (id, user_id, status, stock, total_cents, shipping_address, "
      " created_at, updated_at) VALUES ('66f1c0ffee0000000000beef', 1, 'cancelled', 'released', "
      " 2499, '{}', 0, 0);"
      "INSERT INTO payments (id, order_id, user_id, amount_cents, method, status, card_last4, "
      " created_at, updated_at) VALUES (5, '66f1c0ffee0000000000beef', 1, 2499, 'card', "
      " 'succeeded', '4242', 0, 0), (9, '66f1c0ffee0000000000beef', 1, 2499, 'card', 'failed', "
      " '0002', 0, 0);"
      "DELETE FROM payments WHERE id = 9;"
      "INSERT INTO notifications (id, user_id, type, subject, body, event_seq, status, "
      " created_at, updated_at) VALUES (3, 1, 'payment_succeeded', 's', 'b', 1, 'stored', 0, 0);")
                  .ok());
  ASSERT_TRUE(Migrate(*db).ok());
  EXPECT_GE(Must(db->SchemaVersion(), "version"), 8);
  Query kept = Must(db->Prepare("SELECT id, status, card_last4 FROM payments"), "payments");
  ASSERT_TRUE(Must(kept.Next(), "row"));
  EXPECT_EQ(kept.Int(0), 5);
  EXPECT_EQ(kept.Text(1), "succeeded");
  EXPECT_EQ(kept.Text(2), "4242");
  EXPECT_FALSE(Must(kept.Next(), "one row"));
  // Id 9 was handed out once; it is never handed out again.
  ASSERT_TRUE(db->Execute("INSERT INTO payments (order_id, user_id, amount_cents, method, status, "
                          "created_at, updated_at) VALUES ('66f1c0ffee0000000000beef', 1, 2499, "
                          "'cod', 'refunding', 0, 0)")
                  .ok());
  EXPECT_EQ(test::LastId(*db, "payments"), 10);
  ASSERT_TRUE(db->Execute("UPDATE payments SET status = 'refunded' WHERE id = 5").ok());
  ASSERT_TRUE(db->Execute("INSERT INTO notifications (user_id, type, subject, body, event_seq, "
                          "status, created_at, updated_at) VALUES (1, 'payment_refunded', 's', "
                          "'b', 2, 'stored', 0, 0)")
                  .ok());
  EXPECT_EQ(test::LastId(*db, "notifications"), 4);
  const std::string refund =
      "INSERT INTO refunds (payment_id, order_id, user_id, amount_cents, status, reason, actor, "
      "created_at) VALUES (5, '66f1c0ffee0000000000beef', 1, 2499, 'pending', 'r', 'a', 0)";
  ASSERT_TRUE(db->Execute(refund).ok());
  EXPECT_FALSE(db->Execute(refund).ok());  // one refund per payment
  EXPECT_FALSE(db->Execute("UPDATE refunds SET status = 'succeeded'").ok());  // needs refunded_at
  EXPECT_FALSE(db->Execute("UPDATE payments SET status = 'kept' WHERE id = 5").ok());
  EXPECT_TRUE(db->QuickCheck().ok());
  Query fk = Must(db->Prepare("SELECT count(*) FROM pragma_foreign_key_check"), "fk check");
  ASSERT_TRUE(Must(fk.Next(), "row"));
  EXPECT_EQ(fk.Int(0), 0);
}

TEST(SqliteSchemaTest, QuickCheckPassesOnAFreshDatabase) {
  auto db = EmptyDb();
  EXPECT_TRUE(db->QuickCheck().ok());
  ASSERT_TRUE(Migrate(*db).ok());
  EXPECT_TRUE(db->QuickCheck().ok());
}

}  // namespace
}  // namespace mart::store
