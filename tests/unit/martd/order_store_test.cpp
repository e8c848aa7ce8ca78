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
