#include "queue/order_workers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "mart/commands/spec.h"
#include "util/order_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;
using Names = std::vector<std::string>;
using S = OrderStatus;

// The whole order flow: services place and change orders, Pump() lets the
// inventory and orders workers apply what those emitted, as the store thread
// does after each batch.
class OrderWorkersTest : public ::testing::Test {
 protected:
  using H = test::OrderHarness;
  using Holds = std::vector<std::pair<std::string, int64_t>>;

  Holds HoldsOf(const std::string& order_id) { return h_.HoldsOf(order_id); }

  std::vector<StockMovement> Ledger(const std::string& product_id) {
    Tx tx = h_.NewTx();
    return Must(h_.services().inventory.History(tx, product_id, 100, 0), "ledger");
  }

  // Ledger rows of one order's hold, oldest first.
  std::vector<StockMovement> OrderMovements(const std::string& product_id,
                                            const std::string& order_id) {
    std::vector<StockMovement> rows;
    for (const StockMovement& m : Ledger(product_id)) {
      if (m.reference == OrderHoldReference(order_id)) rows.insert(rows.begin(), m);
    }
    return rows;
  }

  std::vector<std::string> Types(const std::vector<StockMovement>& rows) {
    std::vector<std::string> types;
    for (const StockMovement& m : rows) types.push_back(m.type);
    return types;
  }

  std::vector<S> Statuses(const std::string& order_id) {
    std::vector<S> statuses;
    for (const OrderChange& change : h_.History(order_id)) statuses.push_back(change.to);
    return statuses;
  }

  json Queue(const std::string& worker) { return h_.QueueRow(worker); }
  json CheckReport() { return h_.CheckReport(); }

  static json Payload(const std::vector<store::EventRow>& events, std::string_view topic) {
    for (const auto& event : events) {
      if (event.topic == topic) return json::parse(event.payload);
    }
    return nullptr;
  }

  test::OrderHarness h_;
};

TEST_F(OrderWorkersTest, ReservationMovesStockAndTheOrderToProcessing) {
  Order order = Must(h_.Place(h_.ann.principal, {H::Line(h_.headphones.id, 2),
                                                 H::Line(h_.watch.id, 3)}),
                     "place");
  h_.TakeEvents();
  EXPECT_EQ(Queue("inventory")["lag"], 1);
  PumpOutcome outcome = h_.Pump();
  EXPECT_FALSE(outcome.more);
  EXPECT_FALSE(outcome.retry_at.has_value());

  Order processed = h_.Get(order.id);
  EXPECT_EQ(processed.status, S::kProcessing);
  EXPECT_EQ(processed.stock, StockState::kReserved);
  EXPECT_FALSE(processed.reason.has_value());
  EXPECT_EQ(h_.Stock(h_.headphones.id).available, 98);
  EXPECT_EQ(h_.Stock(h_.headphones.id).reserved, 2);
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 72);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 3);
  EXPECT_EQ(h_.Stock(h_.phone.id).available, 50);
  Holds holds = HoldsOf(order.id);
  std::sort(holds.begin(), holds.end());
  Holds expected = {{h_.headphones.id, 2}, {h_.watch.id, 3}};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(holds, expected);

  std::vector<StockMovement> moved = OrderMovements(h_.watch.id, order.id);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].type, "reserve");
  EXPECT_EQ(moved[0].available_before, 75);
  EXPECT_EQ(moved[0].available_after, 72);
  EXPECT_EQ(moved[0].reserved_after, 3);
  EXPECT_EQ(moved[0].actor, "the inventory worker");

  EXPECT_EQ(Statuses(order.id), (std::vector<S>{S::kPending, S::kProcessing}));
  EXPECT_EQ(h_.History(order.id)[1].actor, "the orders worker");

  auto events = h_.TakeEvents();
  // One event per fact: the answer carries each line's stock after it, with
  // no stock.updated beside it (version 2).
  EXPECT_EQ(H::Topics(events), (Names{"inventory.reserved", "order.status_changed"}));
  json reserved = Payload(events, "inventory.reserved");
  EXPECT_EQ(reserved["order_id"], order.id);
  ASSERT_EQ(reserved["items"].size(), 2u);
  for (const json& item : reserved["items"]) {
    InventoryRecord now = h_.Stock(item["product_id"].get<std::string>());
    EXPECT_EQ(item["available"], now.available) << item.dump();
    EXPECT_EQ(item["reserved"], now.reserved) << item.dump();
  }
  EXPECT_EQ(Payload(events, "order.status_changed")["to"], "processing");
  for (const char* worker : {"inventory", "orders"}) {
    EXPECT_EQ(Queue(worker)["lag"], 0) << worker;
    EXPECT_EQ(Queue(worker)["state"], "idle") << worker;
  }
  EXPECT_EQ(CheckReport()["ok"], true);
}

TEST_F(OrderWorkersTest, ShortStockCancelsWithAReasonAndReservesNothing) {
  Order order = Must(h_.Place(h_.ann.principal, {H::Line(h_.headphones.id, 1),
                                                 H::Line(h_.phone.id, 60),
                                                 H::Line(h_.watch.id, 80)}),
                     "place");
  h_.TakeEvents();
  h_.Pump();
  Order cancelled = h_.Get(order.id);
  EXPECT_EQ(cancelled.status, S::kCancelled);
  EXPECT_EQ(cancelled.stock, StockState::kFailed);
  ASSERT_TRUE(cancelled.reason.has_value());
  const std::string& reason = *cancelled.reason;
  EXPECT_EQ(reason, "insufficient stock: product " + h_.phone.id + " requested 60, available 50" +
                        "; product " + h_.watch.id + " requested 80, available 75");
  EXPECT_EQ(reason.find(h_.headphones.id), std::string::npos);  // that line was fine
  // All or nothing: the line that fitted was not reserved either.
  EXPECT_EQ(h_.Stock(h_.headphones.id).available, 100);
  EXPECT_EQ(h_.Stock(h_.headphones.id).reserved, 0);
  EXPECT_EQ(h_.Stock(h_.phone.id).available, 50);
  EXPECT_TRUE(HoldsOf(order.id).empty());
  EXPECT_EQ(Ledger(h_.headphones.id).size(), 1u);  // only the initial row

  std::vector<OrderChange> history = h_.History(order.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].to, S::kCancelled);
  EXPECT_EQ(history[1].actor, "the orders worker");
  EXPECT_EQ(history[1].reason, reason);

  auto events = h_.TakeEvents();
  EXPECT_EQ(H::Topics(events), (Names{"inventory.reservation_failed", "order.status_changed"}));
  EXPECT_EQ(Payload(events, "inventory.reservation_failed")["short"],
            (json{{{"product_id", h_.phone.id}, {"requested", 60}, {"available", 50}},
                  {{"product_id", h_.watch.id}, {"requested", 80}, {"available", 75}}}));
  EXPECT_EQ(CheckReport()["ok"], true);
}

TEST_F(OrderWorkersTest, RacingOrdersNeverOversell) {
  Product last = h_.CreateProduct("Limited Edition", 9999, 10);
  std::vector<std::string> ids;
  for (int i = 0; i < 15; ++i) ids.push_back(h_.MustPlace(last.id, 1).id);
  h_.Pump();
  int processing = 0, cancelled = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    Order order = h_.Get(ids[i]);
    if (order.status == S::kProcessing) ++processing;
    if (order.status == S::kCancelled) ++cancelled;
    // First placed, first served: the log is applied in order.
    EXPECT_EQ(order.status, i < 10 ? S::kProcessing : S::kCancelled) << i;
  }
  EXPECT_EQ(processing, 10);
  EXPECT_EQ(cancelled, 5);
  EXPECT_EQ(h_.Stock(last.id).available, 0);
  EXPECT_EQ(h_.Stock(last.id).reserved, 10);
  EXPECT_EQ(CheckReport()["ok"], true);
}

// The inventory worker reads a page's stock once, at its start; what it
// knows must follow its own changes through the page: the same product
// reserved by order after order, a release (an order cancelled before its
// reservation ran) and a shipment in between. The ledger is the proof: each
// row of a product starts where the one before it ended.
TEST_F(OrderWorkersTest, APageOfOrdersForOneProductKeepsItsLedgerChained) {
  Order shipped = h_.MustPlace(h_.watch.id, 2);
  h_.Pump();
  Must(h_.SetStatus(h_.admin.principal, shipped.id, "shipped"), "ship");
  ASSERT_TRUE(h_.SetPaused("inventory", true).ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(Must(h_.Place(h_.ann.principal, json::array({H::Line(h_.watch.id, 3),
                                                              H::Line(h_.headphones.id, 1)})),
                       "place")
                      .id);
    if (i == 2) Must(h_.SetStatus(h_.ann.principal, ids[1], "cancelled"), "cancel");
  }
  ASSERT_TRUE(h_.SetPaused("inventory", false).ok());
  h_.Pump();

  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(h_.Get(ids[i]).status, i == 1 ? S::kCancelled : S::kProcessing) << i;
  }
  EXPECT_TRUE(HoldsOf(ids[1]).empty());
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 75 - 2 - 5 * 3);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 5 * 3);
  EXPECT_EQ(h_.Stock(h_.watch.id).shipped, 2);
  EXPECT_EQ(h_.Stock(h_.headphones.id).reserved, 5);
  for (const std::string& product : {h_.watch.id, h_.headphones.id}) {
    std::vector<StockMovement> rows = Ledger(product);
    std::reverse(rows.begin(), rows.end());  // oldest first
    ASSERT_GE(rows.size(), 7u) << product;
    for (size_t i = 1; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].available_before, rows[i - 1].available_after) << product << " " << i;
      EXPECT_EQ(rows[i].reserved_before, rows[i - 1].reserved_after) << product << " " << i;
    }
  }
  EXPECT_EQ(CheckReport()["ok"], true);
}

TEST_F(OrderWorkersTest, CancelAfterReservationReleasesExactlyOnce) {
  Order order = h_.MustPlace(h_.watch.id, 3);
  h_.Pump();
  ASSERT_EQ(h_.Stock(h_.watch.id).reserved, 3);
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled", "changed my mind"), "cancel");
  h_.TakeEvents();
  h_.Pump();

  Order cancelled = h_.Get(order.id);
  EXPECT_EQ(cancelled.status, S::kCancelled);
  EXPECT_EQ(cancelled.stock, StockState::kReleased);
  EXPECT_EQ(cancelled.reason, "changed my mind");
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 75);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);
  EXPECT_TRUE(HoldsOf(order.id).empty());
  std::vector<StockMovement> moved = OrderMovements(h_.watch.id, order.id);
  EXPECT_EQ(Types(moved), (Names{"reserve", "release"}));
  EXPECT_EQ(moved[1].delta, 3);
  EXPECT_EQ(moved[1].actor, "the inventory worker");
  auto released = h_.TakeEvents();
  EXPECT_EQ(H::Topics(released), (Names{"inventory.released"}));
  EXPECT_EQ(Payload(released, "inventory.released")["items"],
            json::parse(R"([{"product_id":")" + h_.watch.id +
                        R"(","quantity":3,"available":75,"reserved":0}])"));
  EXPECT_EQ(Statuses(order.id), (std::vector<S>{S::kPending, S::kProcessing, S::kCancelled}));

  // Nothing releases it twice: not another pump, not a repeated cancel, not
  // the inventory service asked again.
  h_.Pump();
  EXPECT_TRUE(h_.SetStatus(h_.ann.principal, order.id, "cancelled").ok());
  h_.Pump();
  Tx tx = h_.NewTx();
  EXPECT_EQ(Must(h_.services().inventory.ReleaseOrder(tx, order.id, Principal::Worker("test")),
                 "release again"),
            0);
  EXPECT_TRUE(h_.TakeEvents().empty());
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 75);
  EXPECT_EQ(Types(OrderMovements(h_.watch.id, order.id)), (Names{"reserve", "release"}));
  EXPECT_EQ(CheckReport()["ok"], true);
}

TEST_F(OrderWorkersTest, AReservationThatArrivesAfterTheCancelIsReleased) {
  ASSERT_TRUE(h_.SetPaused("inventory", true).ok());
  Order order = h_.MustPlace(h_.watch.id, 3);
  h_.Pump();
  EXPECT_EQ(h_.Get(order.id).status, S::kPending);
  EXPECT_EQ(Queue("inventory")["lag"], 1);
  EXPECT_EQ(Queue("inventory")["state"], "paused");
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  EXPECT_EQ(h_.Get(order.id).stock, StockState::kPending);
  EXPECT_EQ(Queue("inventory")["lag"], 2);
  h_.TakeEvents();

  ASSERT_TRUE(h_.SetPaused("inventory", false).ok());
  h_.Pump();
  Order after = h_.Get(order.id);
  EXPECT_EQ(after.status, S::kCancelled);  // never resurrected
  EXPECT_EQ(after.stock, StockState::kReleased);
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 75);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);
  EXPECT_TRUE(HoldsOf(order.id).empty());
  EXPECT_EQ(Types(OrderMovements(h_.watch.id, order.id)), (Names{"reserve", "release"}));
  EXPECT_EQ(Statuses(order.id), (std::vector<S>{S::kPending, S::kCancelled}));
  for (const std::string& topic : H::Topics(h_.TakeEvents())) {
    EXPECT_NE(topic, "order.status_changed");  // the workers changed no status
  }
  EXPECT_EQ(CheckReport()["ok"], true);
}

TEST_F(OrderWorkersTest, ACancelBetweenReservationAndTheOrdersWorkerStillReleases) {
  ASSERT_TRUE(h_.SetPaused("orders", true).ok());
  Order order = h_.MustPlace(h_.watch.id, 2);
  h_.Pump();
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 2);  // reserved, but the order does not know yet
  EXPECT_EQ(h_.Get(order.id).status, S::kPending);
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.Pump();
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);  // the inventory worker released at once
  ASSERT_TRUE(h_.SetPaused("orders", false).ok());
  h_.Pump();
  Order after = h_.Get(order.id);
  EXPECT_EQ(after.status, S::kCancelled);
  EXPECT_EQ(after.stock, StockState::kReleased);
  EXPECT_EQ(Statuses(order.id), (std::vector<S>{S::kPending, S::kCancelled}));
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 75);
  EXPECT_EQ(CheckReport()["ok"], true);
}

TEST_F(OrderWorkersTest, ShippingConsumesTheReservation) {
  Order order = h_.MustPlace(h_.watch.id, 2);
  h_.Pump();
  Must(h_.SetStatus(h_.admin.principal, order.id, "shipped"), "ship");
  h_.TakeEvents();
  h_.Pump();
  InventoryRecord stock = h_.Stock(h_.watch.id);
  EXPECT_EQ(stock.available, 73);
  EXPECT_EQ(stock.reserved, 0);
  EXPECT_EQ(stock.shipped, 2);
  EXPECT_TRUE(HoldsOf(order.id).empty());
  EXPECT_EQ(h_.Get(order.id).stock, StockState::kShipped);
  std::vector<StockMovement> moved = OrderMovements(h_.watch.id, order.id);
  EXPECT_EQ(Types(moved), (Names{"reserve", "ship"}));
  EXPECT_EQ(moved[1].delta, 0);  // available does not change when shipping
  EXPECT_EQ(moved[1].reserved_before, 2);
  EXPECT_EQ(moved[1].reserved_after, 0);
  auto shipped = h_.TakeEvents();
  EXPECT_EQ(H::Topics(shipped), (Names{"inventory.shipped"}));
  EXPECT_EQ(Payload(shipped, "inventory.shipped")["items"][0]["reserved"], 0);

  // Refunding after delivery gives nothing back to stock: the units are gone.
  Must(h_.SetStatus(h_.admin.principal, order.id, "delivered"), "deliver");
  Must(h_.SetStatus(h_.admin.principal, order.id, "refunded", "arrived broken"), "refund");
  h_.Pump();
  stock = h_.Stock(h_.watch.id);
  EXPECT_EQ(stock.available, 73);
  EXPECT_EQ(stock.shipped, 2);
  EXPECT_EQ(h_.Get(order.id).stock, StockState::kShipped);
  EXPECT_EQ(CheckReport()["ok"], true);
}

TEST_F(OrderWorkersTest, RefundBeforeShippingReleases) {
  Order paid = h_.MustPlace(h_.watch.id, 4);
  Order processing = h_.MustPlace(h_.watch.id, 1);
  h_.Pump();
  Must(h_.SetStatus(h_.admin.principal, paid.id, "paid"), "pay");
  Must(h_.SetStatus(h_.admin.principal, paid.id, "refunded", "customer request"), "refund");
  Must(h_.SetStatus(h_.admin.principal, processing.id, "refunded"), "refund");
  h_.Pump();
  for (const Order& order : {paid, processing}) {
    Order after = h_.Get(order.id);
    EXPECT_EQ(after.status, S::kRefunded);
    EXPECT_EQ(after.stock, StockState::kReleased);
    EXPECT_TRUE(HoldsOf(order.id).empty());
  }
  EXPECT_EQ(h_.Get(paid.id).reason, "customer request");
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 75);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);
  EXPECT_EQ(h_.Stock(h_.watch.id).shipped, 0);
  EXPECT_EQ(CheckReport()["ok"], true);
}

TEST_F(OrderWorkersTest, AProductGoneBeforeReservationFailsTheOrderCleanly) {
  ASSERT_TRUE(h_.SetPaused("inventory", true).ok());
  Order order = Must(h_.Place(h_.ann.principal, {H::Line(h_.watch.id, 1),
                                                 H::Line(h_.phone.id, 1)}),
                     "place");
  h_.Pump();
  // The catalog refuses this (next test); the store does not, as a database
  // restored from an older backup or a future bug might.
  ASSERT_TRUE(h_.store().products().Delete(h_.phone.id).ok());
  ASSERT_TRUE(h_.SetPaused("inventory", false).ok());
  h_.Pump();
  Order after = h_.Get(order.id);
  EXPECT_EQ(after.status, S::kCancelled);
  EXPECT_EQ(after.stock, StockState::kFailed);
  EXPECT_EQ(after.reason, "insufficient stock: product " + h_.phone.id +
                              " (no longer sold) requested 1, available 0");
  EXPECT_EQ(after.items.size(), 2u);  // the order stays readable
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);
  json inventory = Queue("inventory");
  EXPECT_EQ(inventory["dead"], 0);
  EXPECT_EQ(inventory["failed"], 0);
  EXPECT_EQ(inventory["state"], "idle");
}

TEST_F(OrderWorkersTest, TheCatalogKeepsProductsThatOpenOrdersNeed) {
  auto delete_watch = [&] {
    Tx tx = h_.NewTx();
    return h_.services().catalog.Delete(tx, h_.watch.id);
  };
  Order order = h_.MustPlace(h_.watch.id, 1);
  for (const char* stage : {"pending", "processing", "paid"}) {
    SCOPED_TRACE(stage);
    if (std::string(stage) == "processing") h_.Pump();
    if (std::string(stage) == "paid") Must(h_.SetStatus(h_.admin.principal, order.id, "paid"), "pay");
    ASSERT_EQ(OrderStatusName(h_.Get(order.id).status), stage);
    Status refused = delete_watch();
    EXPECT_EQ(refused.code(), Code::kFailedPrecondition);
    EXPECT_EQ(refused.details()["product_id"], h_.watch.id);
  }
  Must(h_.SetStatus(h_.admin.principal, order.id, "shipped"), "ship");
  h_.Pump();
  EXPECT_TRUE(delete_watch().ok());  // a shipped order no longer needs it
  EXPECT_EQ(h_.Get(order.id).items[0].name, "Smart Watch");
}

TEST_F(OrderWorkersTest, ACancelledOrderNoLongerBlocksDeletion) {
  Order order = h_.MustPlace(h_.phone.id, 1);
  h_.Pump();
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.Pump();
  Tx tx = h_.NewTx();
  EXPECT_TRUE(h_.services().catalog.Delete(tx, h_.phone.id).ok());
}

// Regression: a shipped or cancelled order is not open, but until the
// inventory worker reaches its status change it still holds stock; deleting
// the product then dropped the hold and left the order's stock 'reserved'.
TEST_F(OrderWorkersTest, AHoldAwaitingTheInventoryWorkerBlocksDeletion) {
  Order shipped = h_.MustPlace(h_.phone.id, 1);
  h_.Pump();
  Must(h_.SetPaused("inventory", true), "pause");
  Must(h_.SetStatus(h_.admin.principal, shipped.id, "shipped"), "ship");
  {
    Tx tx = h_.NewTx();
    Status refused = h_.services().catalog.Delete(tx, h_.phone.id);
    EXPECT_EQ(refused.code(), Code::kFailedPrecondition) << refused.ToString();
  }
  Must(h_.SetPaused("inventory", false), "resume");
  h_.Pump();
  EXPECT_TRUE(h_.HoldsOf(shipped.id).empty());
  Tx tx = h_.NewTx();
  EXPECT_TRUE(h_.services().catalog.Delete(tx, h_.phone.id).ok());
}

// worker pause/resume and dlq --worker offer the names as choices (for help
// and completion); they must be exactly the workers the daemon runs.
// Export sinks are named by the operator (martd --export …&name=N), so the
// registry takes any worker name and the daemon checks it, naming what it runs.
TEST_F(OrderWorkersTest, TheDaemonChecksWorkerNamesAndSaysWhichItRuns) {
  for (const char* method : {"worker.pause", "worker.resume", "dlq.list", "dlq.purge"}) {
    const CommandSpec* spec = FindCommand(method);
    ASSERT_NE(spec, nullptr) << method;
    auto arg = std::find_if(spec->args.begin(), spec->args.end(),
                            [](const ArgSpec& a) { return a.name == "worker"; });
    ASSERT_NE(arg, spec->args.end()) << method;
    EXPECT_EQ(arg->type, ArgType::kString) << method;
    EXPECT_TRUE(arg->choices.empty()) << method;
  }
  Tx tx = h_.NewTx();
  auto unknown = h_.services().queues.SetPaused(tx, "shipping", true);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  for (const Consumer* consumer : h_.services().queues.consumers()) {
    EXPECT_NE(unknown.status().message().find(consumer->name()), std::string::npos)
        << unknown.status().message();
  }
}

TEST_F(OrderWorkersTest, ManualHoldsCannotUseOrderReferences) {
  Tx tx = h_.NewTx();
  const Principal op = test::ServiceHarness::Operator();
  for (const char* reference : {"order:66f1c0ffee0000000000beef", "order:", " order:x"}) {
    auto reserved = h_.services().inventory.Reserve(tx, h_.watch.id, 1, reference, op);
    ASSERT_FALSE(reserved.ok()) << reference;
    EXPECT_EQ(reserved.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(reserved.status().details()["field"], "reference");
    EXPECT_EQ(h_.services().inventory.Release(tx, h_.watch.id, 1, reference, op).status().code(),
              Code::kInvalidArgument);
  }
  EXPECT_TRUE(h_.services().inventory.Reserve(tx, h_.watch.id, 1, "orders-desk", op).ok());
}

// "Order:ERP-1234" is not an order's reference (the prefix is "order:" in
// that case exactly): a manual hold, which is allowed and which does not keep
// its product from being deleted as an open order's hold would.
TEST_F(OrderWorkersTest, AManualHoldInAnotherCaseThanOrderHoldsIsManualEverywhere) {
  Tx tx = h_.NewTx();
  const Principal op = test::ServiceHarness::Operator();
  EXPECT_FALSE(store::IsOrderHoldReference("Order:ERP-1234"));
  EXPECT_TRUE(store::IsOrderHoldReference(OrderHoldReference("66f1c0ffee0000000000beef")));
  ASSERT_TRUE(h_.services().inventory.Reserve(tx, h_.watch.id, 1, "Order:ERP-1234", op).ok());
  EXPECT_TRUE(h_.services().catalog.Delete(tx, h_.watch.id).ok());
}

// martd's own order.placed merges its lines; a payload that repeats a
// product (an older or hand-written one) still reserves their sum under one
// hold, one update and one ledger row, and its event has the line once.
TEST_F(OrderWorkersTest, APayloadThatRepeatsAProductReservesTheSumOnce) {
  Order order = h_.MustPlace(h_.headphones.id, 1);  // placed, not yet reserved
  h_.TakeEvents();
  const InventoryRecord before = h_.Stock(h_.watch.id);
  Tx tx = h_.NewTx();
  auto reserved = h_.services().inventory.ReserveOrder(
      tx, order.id, {{h_.watch.id, 2}, {h_.phone.id, 1}, {h_.watch.id, 3}},
      Principal::Worker("inventory"));
  ASSERT_TRUE(reserved.ok()) << reserved.status().ToString();
  EXPECT_TRUE(*reserved);
  const InventoryRecord after = h_.Stock(h_.watch.id);
  EXPECT_EQ(after.available, before.available - 5);
  EXPECT_EQ(after.reserved, before.reserved + 5);
  auto holds = Must(tx.store.inventory().HoldsFor(OrderHoldReference(order.id)), "holds");
  std::sort(holds.begin(), holds.end());
  std::vector<std::pair<std::string, int64_t>> want = {{h_.watch.id, 5}, {h_.phone.id, 1}};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(holds, want);
  std::vector<StockMovement> moved = OrderMovements(h_.watch.id, order.id);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].available_before, before.available);
  EXPECT_EQ(moved[0].available_after, before.available - 5);
  json event = Payload(h_.TakeEvents(), "inventory.reserved");
  ASSERT_EQ(event["items"].size(), 2u) << event.dump();
  EXPECT_EQ(event["items"][0]["product_id"], h_.watch.id);  // in the order's order
  EXPECT_EQ(event["items"][0]["quantity"], 5);
  EXPECT_EQ(event["items"][0]["available"], after.available);
}

TEST_F(OrderWorkersTest, AnOrderIsNeverReservedTwice) {
  Order order = h_.MustPlace(h_.watch.id, 2);
  h_.Pump();
  Tx tx = h_.NewTx();
  auto again = h_.services().inventory.ReserveOrder(tx, order.id, {{h_.watch.id, 2}},
                                                    Principal::Worker("inventory"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 2);
}

}  // namespace
}  // namespace mart
