// The order workers when events fail: malformed payloads are retried, then
// dead-lettered, and a dead letter retried late (after the order moved on)
// neither holds stock for it nor rewinds its stock state. Faults are injected
// with SQL triggers that make one worker's writes fail.
#include "queue/order_workers.h"

#include <gtest/gtest.h>

#include <functional>
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

// Three placements in one page of the inventory worker, the middle one's
// write failing through a trigger `fault` on `table` whose WHEN is
// condition(failing order): the page is undone and runs again one event at a
// time, so the failure lands on its own event: the order before it goes on,
// the failing one is retried and the one behind it waits for it; once the
// fault is fixed, both go on.
void ExpectAPageEndFailureFoundEventByEvent(
    test::OrderHarness& h, const std::string& fault, const std::string& table,
    const std::string& message, const std::function<std::string(const Order&)>& condition) {
  Order first = h.MustPlace(h.watch.id, 1);
  Order failing = h.MustPlace(h.phone.id, 1);
  Order behind = h.MustPlace(h.headphones.id, 1);
  h.InjectFault(fault, "BEFORE INSERT", table, message, condition(failing));
  PumpOutcome outcome = h.Pump();  // one page of three placements for the inventory worker
  EXPECT_TRUE(outcome.retry_at.has_value());
  json inventory = h.QueueRow("inventory");
  EXPECT_EQ(inventory["state"], "retrying");
  EXPECT_NE(inventory["last_error"].get<std::string>().find(message), std::string::npos)
      << inventory.dump();
  EXPECT_EQ(h.Get(first.id).status, S::kProcessing);
  EXPECT_EQ(h.Get(failing.id).status, S::kPending);
  EXPECT_EQ(h.Get(behind.id).status, S::kPending);
  EXPECT_TRUE(h.HoldsOf(failing.id).empty());
  EXPECT_TRUE(h.HoldsOf(behind.id).empty());

  h.FixFault(fault, table);
  h.clock().AdvanceSeconds(60);
  h.Pump();
  EXPECT_EQ(h.Get(failing.id).status, S::kProcessing);
  EXPECT_EQ(h.Get(behind.id).status, S::kProcessing);
  EXPECT_EQ(h.QueueRow("inventory")["dead"], 0);
  json report = h.CheckReport();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

// A page's ledger rows are written together at its end; here one order's fails.
TEST_F(OrderWorkersRetryTest, ARowWrittenAtThePagesEndThatFailsIsFoundEventByEvent) {
  ExpectAPageEndFailureFoundEventByEvent(
      h_, "test_ledger_fail", "inventory_movements", "ledger trouble",
      [&](const Order&) { return "NEW.product_id = '" + h_.phone.id + "'"; });
}

// A page's events wait for its end too (EventStore::DeferWrites); here the
// answer to one order fails.
TEST_F(OrderWorkersRetryTest, AnEventWrittenAtThePagesEndThatFailsIsFoundEventByEvent) {
  ExpectAPageEndFailureFoundEventByEvent(
      h_, "test_answer_fail", "events", "log trouble", [](const Order& failing) {
        return "NEW.topic = 'inventory.reserved' AND NEW.payload LIKE '%" + failing.id + "%'";
      });
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
