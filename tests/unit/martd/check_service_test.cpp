#include "services/check_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stores/schema.h"
#include "util/order_harness.h"
#include "util/temp_dir.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

class CheckServiceTest : public ::testing::Test {
 protected:
  json Run() {
    Tx tx = h_.NewTx();
    return Must(h_.services().checks.Run(tx), "check");
  }

  json CheckNamed(const std::string& name) {
    json report = Run();
    for (const json& check : report["checks"]) {
      if (check["name"] == name) return check;
    }
    return nullptr;
  }

  // Tampering as someone editing the database file by hand would.
  void Sql(const std::string& sql) { Must(h_.store().db().Execute(sql), sql); }

  static std::string Problems(const json& check) { return check["problems"].dump(); }

  test::OrderHarness h_;
};

TEST_F(CheckServiceTest, ACleanStoreIsOk) {
  json report = Run();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
  std::vector<std::string> names;
  for (const json& check : report["checks"]) {
    names.push_back(check["name"]);
    EXPECT_EQ(check["ok"], true) << check.dump();
    EXPECT_TRUE(check["problems"].empty());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"integrity", "stock", "events", "orders", "payments"}));
  EXPECT_EQ(CheckNamed("stock")["checked"], 3);  // the three products
}

TEST_F(CheckServiceTest, EveryOrderPathLeavesTheInvariantsIntact) {
  Order shipped = h_.MustPlace(h_.watch.id, 2);
  Order cancelled = h_.MustPlace(h_.watch.id, 1);
  Order refunded = h_.MustPlace(h_.headphones.id, 3);
  Order kept = h_.MustPlace(h_.phone.id, 1);
  Order short_of_stock = h_.MustPlace(h_.phone.id, 500);
  h_.Pump();
  const Principal admin = h_.admin.principal;
  Must(h_.SetStatus(admin, shipped.id, "shipped"), "ship");
  Must(h_.SetStatus(h_.ann.principal, cancelled.id, "cancelled"), "cancel");
  Must(h_.SetStatus(admin, refunded.id, "refunded"), "refund");
  h_.Pump();
  ASSERT_EQ(h_.Get(short_of_stock.id).status, OrderStatus::kCancelled);
  ASSERT_EQ(h_.Get(kept.id).stock, StockState::kReserved);
  json report = Run();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
  EXPECT_EQ(CheckNamed("orders")["checked"], 5);
}

TEST_F(CheckServiceTest, StockThatDisagreesWithItsLedgerNamesTheProduct) {
  Sql("UPDATE inventory SET available = available + 1 WHERE product_id = '" + h_.watch.id + "'");
  json report = Run();
  EXPECT_EQ(report["ok"], false);
  json stock = CheckNamed("stock");
  EXPECT_EQ(stock["ok"], false);
  ASSERT_EQ(stock["problems"].size(), 1u) << Problems(stock);
  const std::string problem = stock["problems"][0];
  EXPECT_NE(problem.find(h_.watch.id), std::string::npos) << problem;
  EXPECT_NE(problem.find("available 76"), std::string::npos) << problem;
  EXPECT_NE(problem.find("!= 75 from the ledger"), std::string::npos) << problem;
  EXPECT_NE(problem.find("newest ledger row"), std::string::npos) << problem;
  EXPECT_EQ(CheckNamed("orders")["ok"], true);  // only the broken rule is reported
}

TEST_F(CheckServiceTest, ReservedStockWithoutAHoldIsReported) {
  Sql("UPDATE inventory SET available = available - 2, reserved = reserved + 2 "
      "WHERE product_id = '" + h_.phone.id + "'");
  json stock = CheckNamed("stock");
  ASSERT_EQ(stock["problems"].size(), 1u) << Problems(stock);
  EXPECT_NE(stock["problems"][0].get<std::string>().find("reserved != 0 held"), std::string::npos)
      << Problems(stock);
}

TEST_F(CheckServiceTest, AHoldLeftForACancelledOrderIsReportedOnceWorkersAreIdle) {
  Order order = h_.MustPlace(h_.watch.id, 2);
  h_.Pump();
  ASSERT_EQ(h_.Get(order.id).stock, StockState::kReserved);
  EXPECT_EQ(Run()["ok"], true);
  // Cancelled behind the service's back: no event, so nothing releases the hold.
  Sql("UPDATE orders SET status = 'cancelled' WHERE id = '" + order.id + "'");
  json orders = CheckNamed("orders");
  EXPECT_EQ(orders["ok"], false);
  const std::string problems = Problems(orders);
  EXPECT_NE(problems.find("hold order:" + order.id + " of 2 of product " + h_.watch.id +
                          " belongs to an order that is cancelled"),
            std::string::npos)
      << problems;
  EXPECT_NE(problems.find("order " + order.id + " is cancelled with stock reserved"),
            std::string::npos)
      << problems;
  EXPECT_EQ(CheckNamed("stock")["ok"], true);  // the stock itself still adds up
}

// One rule decides which holds are orders': the reference starts with
// "order:" exactly (store::IsOrderHoldReference). An operator's "Order:ERP-1234"
// is a manual hold like any other, for the checks as for everything else.
TEST_F(CheckServiceTest, AManualHoldNamedLikeAnOrderInAnotherCaseIsNotAnOrderHold) {
  const Principal op = test::ServiceHarness::Operator();
  Tx tx = h_.NewTx();
  for (const char* reference : {"Order:ERP-1234", "ORDER:66f1c0ffee0000000000beef"}) {
    Must(h_.services().inventory.Reserve(tx, h_.watch.id, 1, reference, op), reference);
  }
  json report = Run();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
  EXPECT_EQ(CheckNamed("orders")["ok"], true) << Problems(CheckNamed("orders"));
}

TEST_F(CheckServiceTest, AHoldUnderAnOrderReferenceWithoutItsOrderIsReported) {
  Sql("INSERT INTO inventory_holds (product_id, reference, quantity) VALUES ('" + h_.watch.id +
      "', 'order:66f1c0ffee0000000000beef', 1)");
  const std::string problems = Problems(CheckNamed("orders"));
  EXPECT_NE(problems.find("hold order:66f1c0ffee0000000000beef of 1 of product " + h_.watch.id +
                          " has no order"),
            std::string::npos)
      << problems;
}

TEST_F(CheckServiceTest, AProcessingOrderMissingItsHoldIsReported) {
  Order order = h_.MustPlace(h_.headphones.id, 4);
  h_.Pump();
  Sql("DELETE FROM inventory_holds WHERE reference = 'order:" + order.id + "'");
  json orders = CheckNamed("orders");
  EXPECT_NE(Problems(orders).find("should hold 4 of product " + h_.headphones.id + " but holds 0"),
            std::string::npos)
      << Problems(orders);
  EXPECT_EQ(CheckNamed("stock")["ok"], false);  // reserved 4, held 0
}

TEST_F(CheckServiceTest, TheOrdersCheckWaitsForBusyWorkers) {
  ASSERT_TRUE(h_.SetPaused("inventory", true).ok());
  Order order = h_.MustPlace(h_.watch.id, 1);
  h_.Pump();
  json orders = CheckNamed("orders");
  EXPECT_EQ(orders["ok"], true);
  EXPECT_EQ(orders["checked"], 0);
  EXPECT_NE(orders["note"].get<std::string>().find("inventory"), std::string::npos)
      << orders.dump();
  // Once no worker has anything left, an order still pending is a problem
  // (its placement was dead-lettered, say).
  Sql("UPDATE consumers SET paused = 0, cursor = (SELECT max(seq) FROM events) "
      "WHERE name = 'inventory'");
  orders = CheckNamed("orders");
  EXPECT_EQ(orders["ok"], false);
  EXPECT_NE(Problems(orders).find("order " + order.id + " is pending with stock pending"),
            std::string::npos)
      << Problems(orders);
}

TEST_F(CheckServiceTest, GapsInTheLogAndCursorsPastItsEndAreReported) {
  h_.MustPlace(h_.watch.id, 1);
  h_.Pump();
  EXPECT_EQ(CheckNamed("events")["ok"], true);
  const int64_t last = Must(h_.store().events().LastSeq(), "last");
  ASSERT_GE(last, 3);
  Sql("UPDATE consumers SET cursor = " + std::to_string(last + 7) + " WHERE name = 'orders'");
  json events = CheckNamed("events");
  EXPECT_EQ(events["ok"], false);
  EXPECT_NE(Problems(events).find("worker orders is at seq " + std::to_string(last + 7) +
                                  ", past the end of the log"),
            std::string::npos)
      << Problems(events);
  Sql("UPDATE consumers SET cursor = " + std::to_string(last) + " WHERE name = 'orders'");
  Sql("DELETE FROM events WHERE seq = 2");
  events = CheckNamed("events");
  EXPECT_EQ(events["ok"], false);
  EXPECT_NE(Problems(events).find("has " + std::to_string(last - 1) + " events but its last seq is " +
                                  std::to_string(last)),
            std::string::npos)
      << Problems(events);
}

// Writes a card payment of `cents` for `order_id` straight into the store, in
// `status`, as a daemon without refunds left it; returns its id.
int64_t InsertPayment(test::OrderHarness& h, const Order& order, std::string_view status) {
  Must(h.store().db().Execute(
           "INSERT INTO payments (order_id, user_id, amount_cents, method, status, card_last4, "
           "created_at, updated_at) VALUES ('" + order.id + "', " + std::to_string(order.user_id) +
           ", " + std::to_string(order.total_cents) + ", 'card', '" + std::string(status) +
           "', '4242', 0, 0)"),
       "insert payment");
  return test::LastId(h.store().db(), "payments");
}

TEST_F(CheckServiceTest, MoneyKeptForACancelledOrRefundedOrderIsReported) {
  Order cancelled = h_.MustPlace(h_.watch.id, 1);
  Order refunded = h_.MustPlace(h_.headphones.id, 2);
  h_.Pump();
  Must(h_.SetStatus(h_.ann.principal, cancelled.id, "cancelled"), "cancel");
  Must(h_.SetStatus(h_.admin.principal, refunded.id, "refunded"), "refund");
  h_.Pump();
  ASSERT_EQ(CheckNamed("payments")["ok"], true);
  const int64_t first = InsertPayment(h_, cancelled, "succeeded");
  const int64_t second = InsertPayment(h_, refunded, "succeeded");
  json payments = CheckNamed("payments");
  EXPECT_EQ(payments["ok"], false);
  EXPECT_EQ(payments["problems"],
            json::array({"payment " + std::to_string(first) + " (card, 179.99) of order " +
                             cancelled.id + " succeeded but the order is cancelled: the money "
                             "was kept (pay it back: martctl payment refund " +
                             std::to_string(first) + ")",
                         "payment " + std::to_string(second) + " (card, 499.98) of order " +
                             refunded.id + " succeeded but the order is refunded: the money "
                             "was kept (pay it back: martctl payment refund " +
                             std::to_string(second) + ")"}));
  EXPECT_EQ(Run()["ok"], false);
}

TEST_F(CheckServiceTest, RefundsThatDisagreeWithTheirPaymentsAreReported) {
  Order order = h_.MustPlace(h_.watch.id, 1);
  h_.Pump();
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.Pump();
  const int64_t bare = InsertPayment(h_, order, "refunded");
  const int64_t owed = InsertPayment(h_, order, "refunding");
  Sql("INSERT INTO refunds (payment_id, order_id, user_id, amount_cents, status, reason, actor, "
      "created_at, refunded_at) VALUES (" + std::to_string(owed) + ", '" + order.id + "', " +
      std::to_string(order.user_id) + ", 100, 'succeeded', 'r', 'a', 0, 0)");
  json payments = CheckNamed("payments");
  EXPECT_EQ(payments["ok"], false);
  const std::string refund = std::to_string(test::LastId(h_.store().db(), "refunds"));
  EXPECT_EQ(payments["problems"],
            json::array({"payment " + std::to_string(bare) + " is refunded but has no refund",
                         "refund " + refund + " of payment " + std::to_string(owed) +
                             " is succeeded but the payment is refunding",
                         "refund " + refund + " of payment " + std::to_string(owed) +
                             " is for 1.00 but the payment captured 179.99"}));
}

// `admin verify` audits backups of any schema this martd knows: one taken
// before refunds existed (schema 7) has no refunds table, and its money kept
// for a cancelled order is still found.
TEST(CheckAuditTest, ABackupFromBeforeRefundsIsAuditedWithoutThem) {
  test::TempDir dir;
  const std::string path = dir.Sub("v7.db");
  {
    auto db = Must(store::Database::Open(path, store::OpenMode::kReadWrite), "create");
    for (const store::Migration& migration : store::AllMigrations()) {
      if (migration.version > 7) break;
      Must(db->Execute(migration.sql), "migrate");
    }
    Must(db->Execute(
             "PRAGMA user_version = 7;"
             "INSERT INTO users (id, email, email_norm, password_hash, first_name, last_name, "
             " role, created_at, updated_at) VALUES (1, 'a@x.org', 'a@x.org', 'h', 'A', 'L', "
             " 'user', 0, 0);"
             "INSERT INTO orders (id, user_id, status, stock, total_cents, shipping_address, "
             " created_at, updated_at) VALUES ('66f1c0ffee0000000000beef', 1, 'cancelled', "
             " 'released', 2499, '{}', 0, 0);"
             "INSERT INTO payments (id, order_id, user_id, amount_cents, method, status, "
             " created_at, updated_at) VALUES (4, '66f1c0ffee0000000000beef', 1, 2499, 'card', "
             " 'succeeded', 0, 0);"),
         "fill");
  }
  auto backup = Must(store::Store::Open(path, store::OpenMode::kReadOnly), "open backup");
  FakeClock clock;
  QueueService queues(clock);
  CheckService checks(queues);
  json audit = Must(checks.Audit(*backup), "audit");
  json payments;
  for (const json& check : audit["checks"]) {
    if (check["name"] == "payments") payments = check;
  }
  EXPECT_EQ(payments["problems"],
            json::array({"payment 4 (card, 24.99) of order 66f1c0ffee0000000000beef succeeded "
                         "but the order is cancelled: the money was kept (pay it back: martctl "
                         "payment refund 4)"}))
      << audit.dump(2);
}

// CheckStore on its own: the audit rows behind the report.
TEST(CheckStoreTest, StockMismatchesCarryTheNumbers) {
  test::OrderHarness h;
  auto& checks = h.store().checks();
  EXPECT_TRUE(Must(checks.StockMismatches(10), "audit").empty());
  EXPECT_TRUE(Must(checks.Integrity(10), "integrity").empty());
  EXPECT_EQ(Must(checks.ProductCount(), "products"), 3);
  Must(h.store().db().Execute("UPDATE inventory SET shipped = 3 WHERE product_id = '" +
                              h.headphones.id + "'"),
       "tamper");
  auto rows = Must(checks.StockMismatches(10), "audit");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].product_id, h.headphones.id);
  EXPECT_EQ(rows[0].available, 100);
  EXPECT_EQ(rows[0].shipped, 3);
  EXPECT_EQ(rows[0].ledger_total, 100);
  EXPECT_EQ(rows[0].ledger_shipped, 0);
  EXPECT_EQ(rows[0].held, 0);
  EXPECT_EQ(rows[0].last_available, 100);
  EXPECT_EQ(Must(checks.StockMismatches(0), "limited").size(), 0u);  // the limit holds
}

TEST(CheckStoreTest, EventCountsAndOrderCount) {
  test::OrderHarness h;
  auto [count, last] = Must(h.store().checks().EventCounts(), "counts");
  EXPECT_EQ(count, last);
  h.MustPlace(h.watch.id, 1);
  EXPECT_EQ(Must(h.store().checks().OrderCount(), "orders"), 1);
  auto [after, after_last] = Must(h.store().checks().EventCounts(), "counts");
  EXPECT_EQ(after, count + 1);
  EXPECT_EQ(after_last, last + 1);
}

}  // namespace
}  // namespace mart
