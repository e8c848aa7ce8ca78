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

TEST(SchemaTest, MigrationsAreNumberedOneByOne) {
  const auto& migrations = AllMigrations();
  ASSERT_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(migrations[i].description.empty());
    EXPECT_FALSE(migrations[i].sql.empty());
  }
  EXPECT_EQ(LatestSchemaVersion(), migrations.back().version);
}

TEST(SchemaTest, MigrateReachesTheLatestVersion) {
  auto db = EmptyDb();
  EXPECT_EQ(Must(SchemaVersion(*db), "version"), 0);
  ASSERT_TRUE(Migrate(*db).ok());
  EXPECT_EQ(Must(SchemaVersion(*db), "version"), LatestSchemaVersion());
  std::set<std::string> tables = Tables(*db);
  for (const char* table :
       {"users", "addresses", "sessions", "refresh_tokens", "idempotency_keys", "events"}) {
    EXPECT_EQ(tables.count(table), 1u) << table;
  }
}

TEST(SchemaTest, MigrateAgainIsANoOp) {
  auto db = EmptyDb();
  ASSERT_TRUE(Migrate(*db).ok());
  const std::string before = SchemaText(*db);
  ASSERT_TRUE(Migrate(*db).ok());  // would fail with "table already exists" if it re-ran
  EXPECT_EQ(SchemaText(*db), before);
  EXPECT_EQ(Must(SchemaVersion(*db), "version"), LatestSchemaVersion());
}

TEST(SchemaTest, MigrateAppliesOnlyTheMissingSteps) {
  auto db = EmptyDb();
  ASSERT_TRUE(db->Execute(AllMigrations().front().sql).ok());
  ASSERT_TRUE(db->Execute("PRAGMA user_version = 1").ok());
  ASSERT_TRUE(Migrate(*db).ok());
  EXPECT_EQ(Must(SchemaVersion(*db), "version"), LatestSchemaVersion());
  EXPECT_EQ(Tables(*db).count("events"), 1u);
}

TEST(SchemaTest, AFailingStepRollsBackAndKeepsTheVersion) {
  auto db = EmptyDb();
  ASSERT_TRUE(db->Execute(AllMigrations().front().sql).ok());
  ASSERT_TRUE(db->Execute("PRAGMA user_version = 1").ok());
  // Step 2 creates `events`; a table in the way makes it fail part-way.
  ASSERT_TRUE(db->Execute("CREATE TABLE events (x INTEGER)").ok());
  EXPECT_FALSE(Migrate(*db).ok());
  EXPECT_EQ(Must(SchemaVersion(*db), "version"), 1);
  EXPECT_EQ(Tables(*db).count("idempotency_keys"), 0u);  // created before the failure, undone
}

TEST(SchemaTest, NewerDatabaseIsRefused) {
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

TEST(SchemaTest, StoreOpenRefusesANewerDatabaseFile) {
  test::TempDir dir;
  const std::string path = dir.Sub("mart.db");
  {
    auto db = Must(Database::Open(path, OpenMode::kReadWrite), "create");
    ASSERT_TRUE(db->Execute("PRAGMA user_version = 999").ok());
  }
  EXPECT_EQ(Store::Open(path, OpenMode::kReadWrite).status().code(), Code::kFailedPrecondition);
}

TEST(SchemaTest, StoreOpenMigratesAFileOnceAndReopensIt) {
  test::TempDir dir;
  const std::string path = dir.Sub("mart.db");
  {
    auto store = Must(Store::Open(path, OpenMode::kReadWrite), "first open");
    EXPECT_EQ(Must(SchemaVersion(store->db()), "version"), LatestSchemaVersion());
  }
  auto again = Must(Store::Open(path, OpenMode::kReadWrite), "second open");
  EXPECT_EQ(Must(SchemaVersion(again->db()), "version"), LatestSchemaVersion());
  auto reader = Must(Store::Open(path, OpenMode::kReadOnly), "read-only open");
  EXPECT_EQ(Must(SchemaVersion(reader->db()), "version"), LatestSchemaVersion());
}

TEST(SchemaTest, QuickCheckPassesOnAFreshDatabase) {
  auto db = EmptyDb();
  EXPECT_TRUE(QuickCheck(*db).ok());
  ASSERT_TRUE(Migrate(*db).ok());
  EXPECT_TRUE(QuickCheck(*db).ok());
}

}  // namespace
}  // namespace mart::store
