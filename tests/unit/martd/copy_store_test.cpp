// Copying a store across backends (martd --copy-store, backups of a PostgreSQL
// store). Runs on SQLite in memory, and in the pg run between PostgreSQL and SQLite.

#include "stores/copy_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "stores/schema.h"
#include "util/order_harness.h"
#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

int64_t Rows(Database& db, const std::string& table) {
  Query q = Must(db.PrepareText("SELECT count(*) FROM " + table), "count");
  EXPECT_TRUE(Must(q.Next(), "count row"));
  return q.Int(0);
}

std::unique_ptr<Store> SqliteInMemory() {
  return Must(Store::Open("", OpenMode::kMemory), "open in-memory store");
}

class CopyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Orders in every state the workers leave, payments, notifications.
    test::OrderHarness& h = harness_;
    Order placed = h.MustPlace(h.watch.id, 2);
    Order cancelled = h.MustPlace(h.watch.id, 1);
    h.Pump();
    Must(h.SetStatus(h.ann.principal, cancelled.id, "cancelled"), "cancel");
    h.Pump();
    first_order_ = placed.id;
  }

  test::OrderHarness harness_;
  std::string first_order_;
};

TEST_F(CopyStoreTest, CopiesEveryRowWithItsIdsThereAndBack) {
  Database& source = harness_.store().db();
  auto there = SqliteInMemory();
  auto copied = Must(CopyStore(source, there->db()), "copy there");
  ASSERT_EQ(copied.size(), CopiedTables().size());
  int64_t total = 0;
  for (const TableRows& table : copied) {
    EXPECT_EQ(table.rows, Rows(source, table.table)) << table.table;
    EXPECT_EQ(Rows(there->db(), table.table), table.rows) << table.table;
    total += table.rows;
  }
  EXPECT_GT(total, 20);
  EXPECT_GT(Rows(source, "orders"), 0);
  // The same ids, and the order a list shows them in.
  const Order original = Must(harness_.store().orders().Get(first_order_), "original");
  const Order copy = Must(there->orders().Get(first_order_), "copy");
  EXPECT_EQ(copy.status, original.status);
  EXPECT_EQ(copy.total_cents, original.total_cents);
  EXPECT_EQ(Must(there->db().IdHighWater("users"), "users high"),
            Must(source.IdHighWater("users"), "source users high"));

  // And back into a fresh store of the test's backend.
  auto back = test::OpenMemoryStore();
  Must(CopyStore(there->db(), back->db()), "copy back");
  for (const std::string& table : CopiedTables()) {
    EXPECT_EQ(Rows(back->db(), table), Rows(source, table)) << table;
  }
  EXPECT_EQ(Must(back->orders().Get(first_order_), "back").status, original.status);
}

TEST_F(CopyStoreTest, AnIdDeletedAtTheTopIsNotHandedOutAgainInTheCopy) {
  Database& source = harness_.store().db();
  const int64_t top = Must(source.IdHighWater("order_history"), "high");
  Must(source.Execute("DELETE FROM order_history WHERE id = " + std::to_string(top)), "delete");
  auto copy = SqliteInMemory();
  Must(CopyStore(source, copy->db()), "copy");
  EXPECT_EQ(Must(copy->db().IdHighWater("order_history"), "copy high"), top);
}

TEST_F(CopyStoreTest, ANonEmptyTargetIsRefusedAndLeftAlone) {
  auto target = SqliteInMemory();
  Must(CopyStore(harness_.store().db(), target->db()), "first copy");
  const int64_t users = Rows(target->db(), "users");
  auto again = CopyStore(harness_.store().db(), target->db());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("not empty"), std::string::npos);
  EXPECT_EQ(Rows(target->db(), "users"), users);
}

TEST_F(CopyStoreTest, AnOlderSchemaIsRefusedWithHowToMigrate) {
  auto target = SqliteInMemory();
  Must(target->db().SetSchemaVersion(LatestSchemaVersion() - 1), "older");
  auto copied = CopyStore(harness_.store().db(), target->db());
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(copied.status().message().find("migrate"), std::string::npos);
}

}  // namespace
}  // namespace mart::store
