// The order workers when events fail: malformed payloads are retried, then
// dead-lettered, and a dead letter retried late (after the order moved on)
// neither holds stock for it nor rewinds its stock state. Faults are injected
// with SQL triggers that make one worker's writes fail.
#include "queue/order_workers.h"

#include <gtest/gtest.h>

#include <string>

#include "util/order_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;
using S = OrderStatus;

class OrderWorkersRetryTest : public ::testing::Test {
 protected:
  test::OrderHarness h_;
};

TEST_F(OrderWorkersRetryTest, MalformedEventsAreRetriedNotFatal) {
  Must(h_.outbox().Emit("order.placed", {{"order", "no id here"}}), "emit");
  PumpOutcome outcome = h_.Pump();
  EXPECT_TRUE(outcome.retry_at.has_value());
  json inventory = h_.QueueRow("inventory");
  EXPECT_EQ(inventory["state"], "retrying");
  EXPECT_NE(inventory["last_error"].get<std::string>().find("order_id"), std::string::npos)
      << inventory.dump();
  // Work behind it waits for it (events apply in order) and the daemon goes on.
  Order order = h_.MustPlace(h_.watch.id, 1);
  h_.Pump();
  EXPECT_EQ(h_.Get(order.id).status, S::kPending);
  for (int i = 0; i < QueueService::kMaxAttempts; ++i) {
    h_.clock().AdvanceSeconds(60);
    h_.Pump();
  }
  EXPECT_EQ(h_.QueueRow("inventory")["dead"], 1);
  EXPECT_EQ(h_.Get(order.id).status, S::kProcessing);
}

// A page's ledger rows are written together at its end. When that fails
// (here: one order's row), the page is undone and runs again one event at a
// time, so the failure lands on its own event: the orders before it go on,
// the failing one is retried and the ones behind it wait for it.
TEST_F(OrderWorkersRetryTest, ARowWrittenAtThePagesEndThatFailsIsFoundEventByEvent) {
  h_.InjectFault("test_ledger_fail", "BEFORE INSERT", "inventory_movements", "ledger trouble",
                 "NEW.product_id = '" + h_.phone.id + "'");
  Order first = h_.MustPlace(h_.watch.id, 1);
  Order failing = h_.MustPlace(h_.phone.id, 1);
  Order behind = h_.MustPlace(h_.headphones.id, 1);
  PumpOutcome outcome = h_.Pump();  // one page of three placements for the inventory worker
  EXPECT_TRUE(outcome.retry_at.has_value());
  json inventory = h_.QueueRow("inventory");
  EXPECT_EQ(inventory["state"], "retrying");
  EXPECT_NE(inventory["last_error"].get<std::string>().find("ledger trouble"), std::string::npos)
      << inventory.dump();
  EXPECT_EQ(h_.Get(first.id).status, S::kProcessing);
  EXPECT_EQ(h_.Get(failing.id).status, S::kPending);
  EXPECT_EQ(h_.Get(behind.id).status, S::kPending);
  EXPECT_TRUE(h_.HoldsOf(failing.id).empty());
  EXPECT_TRUE(h_.HoldsOf(behind.id).empty());

  h_.FixFault("test_ledger_fail", "inventory_movements");
  h_.clock().AdvanceSeconds(60);
  h_.Pump();
  EXPECT_EQ(h_.Get(failing.id).status, S::kProcessing);
  EXPECT_EQ(h_.Get(behind.id).status, S::kProcessing);
  EXPECT_EQ(h_.QueueRow("inventory")["dead"], 0);
  json report = h_.CheckReport();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

// A page's events wait for its end too (EventStore::DeferWrites). When
// writing them fails (here: the answer to one order), the page is undone and
// runs again one event at a time: the failure lands on the event that caused
// it, and the orders before it go on.
TEST_F(OrderWorkersRetryTest, AnEventWrittenAtThePagesEndThatFailsIsFoundEventByEvent) {
  Order first = h_.MustPlace(h_.watch.id, 1);
  Order failing = h_.MustPlace(h_.phone.id, 1);
  Order behind = h_.MustPlace(h_.headphones.id, 1);
  h_.InjectFault("test_answer_fail", "BEFORE INSERT", "events", "log trouble",
                 "NEW.topic = 'inventory.reserved' AND NEW.payload LIKE '%" + failing.id + "%'");
  PumpOutcome outcome = h_.Pump();  // one page of three placements for the inventory worker
  EXPECT_TRUE(outcome.retry_at.has_value());
  json inventory = h_.QueueRow("inventory");
  EXPECT_EQ(inventory["state"], "retrying");
  EXPECT_NE(inventory["last_error"].get<std::string>().find("log trouble"), std::string::npos)
      << inventory.dump();
  EXPECT_EQ(h_.Get(first.id).status, S::kProcessing);
  EXPECT_EQ(h_.Get(failing.id).status, S::kPending);
  EXPECT_EQ(h_.Get(behind.id).status, S::kPending);
  EXPECT_TRUE(h_.HoldsOf(failing.id).empty());
  EXPECT_TRUE(h_.HoldsOf(behind.id).empty());

  h_.FixFault("test_answer_fail", "events");
  h_.clock().AdvanceSeconds(60);
  h_.Pump();
  EXPECT_EQ(h_.Get(failing.id).status, S::kProcessing);
  EXPECT_EQ(h_.Get(behind.id).status, S::kProcessing);
  json report = h_.CheckReport();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

// What no event causes fails the page whatever way it runs: here the
// worker's cursor cannot be saved. The pump fails with the page undone (on
// PostgreSQL, where the save is written behind, after the one-event replay
// failed the same way), and nothing of it is kept until the fault is gone.
TEST_F(OrderWorkersRetryTest, APageThatFailsAgainInItsReplayIsUndoneWhole) {
  Order order = h_.MustPlace(h_.watch.id, 2);
  h_.InjectFault("test_cursor_fail", "BEFORE UPDATE", "consumers", "cursor trouble",
                 "NEW.name = 'inventory'");
  auto pumped = h_.services().queues.Pump(h_.store(), h_.outbox(), 100000);
  ASSERT_FALSE(pumped.ok());
  EXPECT_NE(pumped.status().ToString().find("cursor trouble"), std::string::npos)
      << pumped.status().ToString();
  EXPECT_EQ(h_.Get(order.id).status, S::kPending);
  EXPECT_TRUE(h_.HoldsOf(order.id).empty());
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);

  h_.FixFault("test_cursor_fail", "consumers");
  h_.Pump();
  EXPECT_EQ(h_.Get(order.id).status, S::kProcessing);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 2);
  json report = h_.CheckReport();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

TEST_F(OrderWorkersRetryTest, ADeadLetteredPlacementRetriedAfterTheCancelHoldsNoStock) {
  // A fault only the reservation meets (a full disk, say): holds cannot be written.
  h_.InjectFault("test_holds_fail", "BEFORE INSERT", "inventory_holds");
  Order order = h_.MustPlace(h_.watch.id, 2);
  for (int i = 0; i < QueueService::kMaxAttempts; ++i) {
    h_.Pump();
    h_.clock().AdvanceSeconds(60);
  }
  ASSERT_EQ(h_.QueueRow("inventory")["dead"], 1);
  EXPECT_EQ(h_.Get(order.id).status, S::kPending);
  // The customer gives up waiting; nothing is held, so nothing is released.
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.Pump();
  h_.FixFault("test_holds_fail", "inventory_holds");

  // Once the fault is fixed the operator retries every dead letter.
  Tx list = h_.NewTx();
  json letters = Must(h_.services().queues.DeadLetters(list, "inventory", 10, 0), "letters");
  ASSERT_EQ(letters.size(), 1u);
  Tx retry = h_.NewTx();
  ASSERT_TRUE(h_.services().queues.RetryDeadLetter(retry, letters[0]["id"].get<int64_t>()).ok());
  h_.Pump();

  Order after = h_.Get(order.id);
  EXPECT_EQ(after.status, S::kCancelled);
  EXPECT_NE(after.stock, StockState::kReserved);
  EXPECT_TRUE(h_.HoldsOf(order.id).empty());
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 75);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);
  json report = h_.CheckReport();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

TEST_F(OrderWorkersRetryTest, AStaleReservationAnswerRetriedLateDoesNotReviveTheStockState) {
  // A fault only the orders worker meets: it cannot record an order's stock.
  h_.InjectFault("test_stock_fail", "BEFORE UPDATE OF stock", "orders");
  Order order = h_.MustPlace(h_.watch.id, 2);
  for (int i = 0; i < QueueService::kMaxAttempts; ++i) {
    h_.Pump();
    h_.clock().AdvanceSeconds(60);
  }
  ASSERT_EQ(h_.QueueRow("orders")["dead"], 1);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 2);  // the inventory worker did its part
  h_.FixFault("test_stock_fail", "orders");
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.Pump();
  ASSERT_EQ(h_.Get(order.id).stock, StockState::kReleased);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);

  // The operator retries the dead inventory.reserved after all that.
  Tx list = h_.NewTx();
  json letters = Must(h_.services().queues.DeadLetters(list, "orders", 10, 0), "letters");
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0]["topic"], "inventory.reserved");
  Tx retry = h_.NewTx();
  ASSERT_TRUE(h_.services().queues.RetryDeadLetter(retry, letters[0]["id"].get<int64_t>()).ok());
  h_.Pump();

  Order after = h_.Get(order.id);
  EXPECT_EQ(after.status, S::kCancelled);
  EXPECT_EQ(after.stock, StockState::kReleased);  // still what the stock really is
  json report = h_.CheckReport();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

}  // namespace
}  // namespace mart
