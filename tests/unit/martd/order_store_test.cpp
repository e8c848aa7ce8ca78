#include "stores/order_store.h"

#include <gtest/gtest.h>

#include <string>

#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

class OrderStoreTest : public ::testing::Test {
 protected:
  OrderStoreTest() {
    User user;
    user.email = "ann@example.com";
    user.first_name = "Ann";
    user.last_name = "Lee";
    user.role = "user";
    user.is_active = true;
    user_id_ = Must(harness_.store().users().Insert(user, "ann@example.com", "hash"), "user");
  }

  OrderStore& orders() { return harness_.store().orders(); }

  Order ThreeLines() {
    Order order;
    order.id = "66f1c0ffee0000000000beef";
    order.user_id = user_id_;
    order.total_cents = 1'050;
    order.shipping_address.line1 = "1 Main St";
    order.shipping_address.city = "Springfield";
    order.shipping_address.postal_code = "12345";
    order.shipping_address.country = "US";
    order.items = {{"p1", "Lamp", 1, 500}, {"p2", "Mug \"big\"", 2, 250}, {"p1", "Lamp", 1, 50}};
    order.created_at = order.updated_at = 1'000;
    return order;
  }

  test::StoreHarness harness_;
  int64_t user_id_ = 0;
};

// The lines go in as one statement: each comes back in its place, with its
// own values (a binding off by one would shift them).
TEST_F(OrderStoreTest, InsertKeepsEveryLineInOrder) {
  const Order placed = ThreeLines();
  ASSERT_TRUE(orders().Insert(placed).ok());
  const Order read = Must(orders().Get(placed.id), "get");
  ASSERT_EQ(read.items.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(read.items[i].product_id, placed.items[i].product_id) << i;
    EXPECT_EQ(read.items[i].name, placed.items[i].name) << i;
    EXPECT_EQ(read.items[i].quantity, placed.items[i].quantity) << i;
    EXPECT_EQ(read.items[i].price_cents, placed.items[i].price_cents) << i;
  }
  EXPECT_EQ(read.shipping_address.city, "Springfield");
}

// What the workers read: the order's state, without its lines or address.
TEST_F(OrderStoreTest, HeadIsTheOrdersStateAlone) {
  const Order placed = ThreeLines();
  ASSERT_TRUE(orders().Insert(placed).ok());
  const Order head = Must(orders().Head(placed.id), "head");
  EXPECT_EQ(head.id, placed.id);
  EXPECT_EQ(head.user_id, user_id_);
  EXPECT_EQ(head.status, OrderStatus::kPending);
  EXPECT_EQ(head.stock, StockState::kPending);
  EXPECT_EQ(head.total_cents, 1'050);
  EXPECT_TRUE(head.items.empty());
  EXPECT_TRUE(head.shipping_address.city.empty());
  EXPECT_EQ(orders().Head("66f1c0ffee000000000000aa").status().code(), Code::kNotFound);
}

// A worker's page leaves its history rows for its end: nothing is written
// until then, unless the history is read (it writes what waits first); then
// up to 64 rows go in one statement, each in its place with its own values;
// a page undone drops what still waits.
TEST_F(OrderStoreTest, HistoryRowsLeftForThePagesEndAreWrittenTogetherInOrder) {
  const Order placed = ThreeLines();
  ASSERT_TRUE(orders().Insert(placed).ok());
  auto change = [&](int i) {
    return OrderChange{.order_id = placed.id, .from = OrderStatus::kPending,
                       .to = i % 2 == 0 ? OrderStatus::kProcessing : OrderStatus::kCancelled,
                       .actor = "actor " + std::to_string(i),
                       .reason = i % 3 == 0 ? std::nullopt
                                            : std::optional<std::string>("r" + std::to_string(i)),
                       .at = 2'000 + i};
  };
  harness_.store().DeferWrites();
  for (int i = 0; i < 99; ++i) ASSERT_TRUE(orders().AppendChange(change(i)).ok());
  const uint64_t before = StatementsExecuted();
  ASSERT_TRUE(harness_.store().WriteDeferred().ok());
  EXPECT_EQ(StatementsExecuted() - before, 4u);  // 99 rows: 64, 32, 2 and 1
  ASSERT_TRUE(orders().AppendChange(change(99)).ok());
  const auto history = Must(orders().History(placed.id), "history");  // writes change 99 first
  ASSERT_EQ(history.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    const OrderChange& c = history[static_cast<size_t>(i)];
    const OrderChange want = change(i);
    EXPECT_EQ(c.to, want.to) << i;
    EXPECT_EQ(c.from, want.from) << i;
    EXPECT_EQ(c.actor, want.actor) << i;
    EXPECT_EQ(c.reason, want.reason) << i;
    EXPECT_EQ(c.at, want.at) << i;
  }
  ASSERT_TRUE(orders().AppendChange(change(100)).ok());
  harness_.store().StopDeferring();  // the page was undone: change 100 is dropped
  EXPECT_EQ(Must(orders().History(placed.id), "history").size(), 100u);
  ASSERT_TRUE(orders().AppendChange(change(101)).ok());  // not deferring: written now
  EXPECT_EQ(Must(orders().History(placed.id), "history").size(), 101u);
}

// In a worker's page the orders' status changes wait for its end and go in
// one statement, each to its own order; a read of orders writes them first,
// and a second change of an order that waits writes the first one before it.
TEST_F(OrderStoreTest, StatusChangesLeftForThePagesEndLandOnTheirOwnOrders) {
  const std::vector<std::string> ids = {"66f1c0ffee0000000000be01", "66f1c0ffee0000000000be02",
                                        "66f1c0ffee0000000000be03"};
  for (const std::string& id : ids) {
    Order order = ThreeLines();
    order.id = id;
    ASSERT_TRUE(orders().Insert(order).ok());
  }
  ASSERT_TRUE(orders().SetStatus(ids[2], OrderStatus::kPending, StockState::kPending,
                                 std::string("kept"), 1'500).ok());
  harness_.store().DeferWrites();
  ASSERT_TRUE(orders().SetStatus(ids[0], OrderStatus::kProcessing, StockState::kReserved,
                                 std::nullopt, 2'000).ok());
  ASSERT_TRUE(orders().SetStatus(ids[1], OrderStatus::kCancelled, StockState::kFailed,
                                 std::string("no stock"), 2'001).ok());
  ASSERT_TRUE(orders().SetStatus(ids[2], OrderStatus::kProcessing, StockState::kReserved,
                                 std::nullopt, 2'002).ok());
  const uint64_t before = StatementsExecuted();
  const Order first = Must(orders().Head(ids[0]), "head");  // writes the three first
  EXPECT_EQ(StatementsExecuted() - before, 3u);  // updates of 2 and 1, then the read
  EXPECT_EQ(first.status, OrderStatus::kProcessing);
  EXPECT_EQ(first.stock, StockState::kReserved);
  EXPECT_EQ(first.updated_at, 2'000);
  const Order second = Must(orders().Head(ids[1]), "head");
  EXPECT_EQ(second.status, OrderStatus::kCancelled);
  EXPECT_EQ(second.stock, StockState::kFailed);
  EXPECT_EQ(second.reason, "no stock");
  const Order third = Must(orders().Head(ids[2]), "head");
  EXPECT_EQ(third.status, OrderStatus::kProcessing);
  EXPECT_EQ(third.reason, "kept");  // no new reason keeps the old
  EXPECT_EQ(third.updated_at, 2'002);
  // Twice for one order in a page: in their order.
  ASSERT_TRUE(orders().SetStatus(ids[0], OrderStatus::kPaid, StockState::kReserved,
                                 std::string("paid"), 3'000).ok());
  ASSERT_TRUE(orders().SetStatus(ids[0], OrderStatus::kShipped, StockState::kShipped,
                                 std::nullopt, 3'001).ok());
  ASSERT_TRUE(harness_.store().WriteDeferred().ok());
  harness_.store().StopDeferring();
  const Order twice = Must(orders().Head(ids[0]), "head");
  EXPECT_EQ(twice.status, OrderStatus::kShipped);
  EXPECT_EQ(twice.stock, StockState::kShipped);
  EXPECT_EQ(twice.reason, "paid");
  EXPECT_EQ(twice.updated_at, 3'001);
}

TEST_F(OrderStoreTest, SetStatusWritesTheStockStateWithIt) {
  const Order placed = ThreeLines();
  ASSERT_TRUE(orders().Insert(placed).ok());
  ASSERT_TRUE(orders()
                  .SetStatus(placed.id, OrderStatus::kProcessing, StockState::kReserved,
                             std::nullopt, 2'000)
                  .ok());
  Order head = Must(orders().Head(placed.id), "head");
  EXPECT_EQ(head.status, OrderStatus::kProcessing);
  EXPECT_EQ(head.stock, StockState::kReserved);
  EXPECT_EQ(head.updated_at, 2'000);
  EXPECT_FALSE(head.reason.has_value());
  ASSERT_TRUE(orders()
                  .SetStatus(placed.id, OrderStatus::kCancelled, StockState::kReserved,
                             std::string("changed my mind"), 3'000)
                  .ok());
  head = Must(orders().Head(placed.id), "head");
  EXPECT_EQ(head.reason, "changed my mind");
  // For an order its caller read: an unknown id writes nothing.
  EXPECT_TRUE(orders()
                  .SetStatus("66f1c0ffee000000000000aa", OrderStatus::kPaid, StockState::kReserved,
                             std::nullopt, 4'000)
                  .ok());
  EXPECT_EQ(orders().Head("66f1c0ffee000000000000aa").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace mart::store
