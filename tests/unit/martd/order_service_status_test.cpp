// OrderService: who sees which orders, listing with filters, and status
// changes through the one transition table (second file of order_service_test).
#include "services/order_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/order_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;
using Names = std::vector<std::string>;

// Queries with only some fields set (designated initializers would trip
// -Wmissing-field-initializers).
OrderQuery ForUser(int64_t user_id) {
  OrderQuery query;
  query.user_id = user_id;
  return query;
}

OrderQuery InStatus(std::string status) {
  OrderQuery query;
  query.status = std::move(status);
  return query;
}

OrderQuery Between(std::optional<std::string> since, std::optional<std::string> until) {
  OrderQuery query;
  query.since = std::move(since);
  query.until = std::move(until);
  return query;
}

OrderQuery Page(int64_t limit, int64_t offset) {
  OrderQuery query;
  query.limit = limit;
  query.offset = offset;
  return query;
}

class OrderQueriesTest : public ::testing::Test {
 protected:
  using H = test::OrderHarness;

  std::vector<Order> List(const Principal& who, OrderQuery query = {}) {
    Tx tx = h_.NewTx();
    return Must(h_.services().orders.List(tx, who, query), "list");
  }

  Result<std::vector<Order>> TryList(const Principal& who, OrderQuery query) {
    Tx tx = h_.NewTx();
    return h_.services().orders.List(tx, who, query);
  }

  Result<Order> GetAs(const Principal& who, const std::string& id) {
    Tx tx = h_.NewTx();
    return h_.services().orders.Get(tx, who, id);
  }

  // An order of ann's in `status`, taken there the way it happens for real.
  Order OrderIn(OrderStatus status) {
    Order order = h_.MustPlace(h_.headphones.id, 1);
    if (status == OrderStatus::kPending) {
      h_.TakeEvents();
      return order;
    }
    h_.Pump();  // reserved: processing
    const Principal admin = h_.admin.principal;
    const std::string& id = order.id;
    switch (status) {
      case OrderStatus::kPaid: Must(h_.SetStatus(admin, id, "paid"), "paid"); break;
      case OrderStatus::kShipped: Must(h_.SetStatus(admin, id, "shipped"), "shipped"); break;
      case OrderStatus::kDelivered:
        Must(h_.SetStatus(admin, id, "shipped"), "shipped");
        h_.Pump();
        Must(h_.SetStatus(admin, id, "delivered"), "delivered");
        break;
      case OrderStatus::kCancelled: Must(h_.SetStatus(admin, id, "cancelled"), "cancel"); break;
      case OrderStatus::kRefunded: Must(h_.SetStatus(admin, id, "refunded"), "refund"); break;
      default: break;
    }
    h_.Pump();
    h_.TakeEvents();
    Order now = h_.Get(id);
    if (now.status != status) throw std::runtime_error("order did not reach the status");
    return now;
  }

  test::OrderHarness h_;
};

using OrderStatusTest = OrderQueriesTest;

TEST_F(OrderQueriesTest, UsersSeeOnlyTheirOwnOrders) {
  Order anns = h_.MustPlace(h_.watch.id, 1);
  auto seen = GetAs(h_.bob.principal, anns.id);
  ASSERT_FALSE(seen.ok());
  EXPECT_EQ(seen.status().code(), Code::kNotFound);  // not PERMISSION_DENIED: ids do not leak
  EXPECT_EQ(seen.status().message(), "order " + anns.id + " not found");
  Tx tx = h_.NewTx();
  EXPECT_EQ(h_.services().orders.History(tx, h_.bob.principal, anns.id).status().code(),
            Code::kNotFound);
  EXPECT_EQ(h_.SetStatus(h_.bob.principal, anns.id, "cancelled").status().code(),
            Code::kNotFound);
  EXPECT_EQ(h_.Get(anns.id).status, OrderStatus::kPending);  // bob's cancel did nothing

  EXPECT_TRUE(GetAs(h_.ann.principal, anns.id).ok());
  EXPECT_TRUE(GetAs(h_.admin.principal, anns.id).ok());
  EXPECT_EQ(GetAs(h_.ann.principal, "66f1c0ffee0000000000dead").status().code(), Code::kNotFound);
  EXPECT_EQ(GetAs(h_.ann.principal, "nope").status().code(), Code::kInvalidArgument);
}

TEST_F(OrderQueriesTest, ListIsNewestFirst) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(h_.MustPlace(h_.watch.id, 1).id);
    if (i == 0) h_.clock().AdvanceSeconds(60);  // the last two share a timestamp
  }
  std::vector<Order> listed = List(h_.ann.principal);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].id, ids[2]);
  EXPECT_EQ(listed[1].id, ids[1]);
  EXPECT_EQ(listed[2].id, ids[0]);
  EXPECT_EQ(listed[0].items.size(), 1u);  // lines come along

  std::vector<Order> page = List(h_.ann.principal, Page(1, 1));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, ids[1]);
}

TEST_F(OrderQueriesTest, ListShowsUsersTheirOwnAndAdminsEveryonesByFilter) {
  Order anns = h_.MustPlace(h_.watch.id, 1);
  Order bobs = Must(h_.Place(h_.bob.principal, {H::Line(h_.watch.id, 1)}), "bob");
  EXPECT_EQ(List(h_.ann.principal).size(), 1u);
  EXPECT_EQ(List(h_.ann.principal)[0].id, anns.id);
  EXPECT_EQ(List(h_.ann.principal, ForUser(h_.ann.user.id)).size(), 1u);
  EXPECT_EQ(List(h_.admin.principal).size(), 2u);
  std::vector<Order> only_bob = List(h_.admin.principal, ForUser(h_.bob.user.id));
  ASSERT_EQ(only_bob.size(), 1u);
  EXPECT_EQ(only_bob[0].id, bobs.id);
  EXPECT_EQ(List(test::ServiceHarness::Operator(), ForUser(h_.ann.user.id)).size(), 1u);

  auto denied = TryList(h_.ann.principal, ForUser(h_.bob.user.id));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), Code::kPermissionDenied);
}

TEST_F(OrderQueriesTest, ListFiltersByStatusAndTime) {
  // 2025-05-15T11:30:00Z is the fake clock's start.
  Order early = h_.MustPlace(h_.watch.id, 1);
  h_.clock().AdvanceSeconds(3600);  // 12:30
  Order later = h_.MustPlace(h_.watch.id, 1);
  Must(h_.SetStatus(h_.ann.principal, later.id, "cancelled"), "cancel");

  auto ids = [](const std::vector<Order>& orders) {
    std::vector<std::string> out;
    for (const Order& o : orders) out.push_back(o.id);
    return out;
  };
  const Principal& ann = h_.ann.principal;
  EXPECT_EQ(ids(List(ann, InStatus("cancelled"))), (Names{later.id}));
  EXPECT_EQ(ids(List(ann, InStatus("pending"))), (Names{early.id}));
  EXPECT_TRUE(List(ann, InStatus("shipped")).empty());
  EXPECT_EQ(ids(List(ann, Between("2025-05-15T12:00:00Z", std::nullopt))), (Names{later.id}));
  EXPECT_EQ(ids(List(ann, Between(std::nullopt, "2025-05-15T12:00:00Z"))), (Names{early.id}));
  // since is inclusive, until exclusive, offsets count.
  EXPECT_EQ(ids(List(ann, Between("2025-05-15T11:30:00Z", std::nullopt))), (Names{later.id, early.id}));
  EXPECT_EQ(ids(List(ann, Between(std::nullopt, "2025-05-15T11:30:00Z"))), Names{});
  EXPECT_EQ(ids(List(ann, Between("2025-05-15T13:30:00+02:00", std::nullopt))), (Names{later.id, early.id}));
  EXPECT_EQ(ids(List(ann, Between("2025-05-15", "2025-05-16"))),
            (Names{later.id, early.id}));
  EXPECT_TRUE(List(ann, Between("2025-05-16", std::nullopt)).empty());

  for (const char* field : {"since", "until"}) {
    OrderQuery query;
    (std::string(field) == "since" ? query.since : query.until) = "last tuesday";
    auto refused = TryList(ann, query);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(refused.status().details()["field"], field);
    EXPECT_NE(refused.status().message().find("last tuesday"), std::string::npos);
  }
}

TEST_F(OrderStatusTest, RefusedTransitionsNameWhatIsAllowed) {
  json table = TransitionsJson();
  for (OrderStatus from : AllOrderStatuses()) {
    SCOPED_TRACE(OrderStatusName(from));
    Order order = OrderIn(from);
    const size_t history = h_.History(order.id).size();
    json allowed;
    for (const json& row : table) {
      if (row["from"] == OrderStatusName(from)) allowed = row["to"];
    }
    for (OrderStatus to : AllOrderStatuses()) {
      if (to == from || CanTransition(from, to)) continue;
      SCOPED_TRACE(OrderStatusName(to));
      auto refused = h_.SetStatus(h_.admin.principal, order.id, OrderStatusName(to));
      ASSERT_FALSE(refused.ok());
      EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
      EXPECT_EQ(refused.status().details()["allowed"], allowed);
      EXPECT_EQ(refused.status().details()["from"], OrderStatusName(from));
      EXPECT_EQ(refused.status().details()["to"], OrderStatusName(to));
      EXPECT_EQ(refused.status().details()["order_id"], order.id);
    }
    EXPECT_EQ(h_.Get(order.id).status, from);
    EXPECT_EQ(h_.History(order.id).size(), history);
    EXPECT_TRUE(h_.TakeEvents().empty());
  }
}

TEST_F(OrderStatusTest, FinalStatusesSayNothingIsAllowed) {
  Order order = OrderIn(OrderStatus::kCancelled);
  auto refused = h_.SetStatus(h_.admin.principal, order.id, "processing");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().details()["allowed"], json::array());
  EXPECT_NE(refused.status().message().find("final"), std::string::npos)
      << refused.status().message();
}

TEST_F(OrderStatusTest, SettingTheCurrentStatusIsANoOp) {
  Order order = OrderIn(OrderStatus::kProcessing);
  const size_t history = h_.History(order.id).size();
  h_.clock().AdvanceSeconds(5);
  Order same = Must(h_.SetStatus(h_.admin.principal, order.id, "processing", "again"), "same");
  EXPECT_EQ(same.status, OrderStatus::kProcessing);
  EXPECT_EQ(same.updated_at, order.updated_at);
  EXPECT_EQ(h_.History(order.id).size(), history);
  EXPECT_TRUE(h_.TakeEvents().empty());
  // An owner's cancel of a cancelled order is the same no-op.
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.TakeEvents();
  const size_t cancelled_history = h_.History(order.id).size();
  EXPECT_TRUE(h_.SetStatus(h_.ann.principal, order.id, "cancelled").ok());
  EXPECT_EQ(h_.History(order.id).size(), cancelled_history);
  EXPECT_TRUE(h_.TakeEvents().empty());
}

TEST_F(OrderStatusTest, OwnersMayCancelButNotSetOtherStatuses) {
  Order order = OrderIn(OrderStatus::kProcessing);
  for (const char* status : {"paid", "shipped", "refunded", "processing", "pending", "delivered"}) {
    auto denied = h_.SetStatus(h_.ann.principal, order.id, status);
    ASSERT_FALSE(denied.ok()) << status;
    EXPECT_EQ(denied.status().code(), Code::kPermissionDenied) << status;
  }
  EXPECT_TRUE(h_.TakeEvents().empty());
  EXPECT_EQ(h_.History(order.id).size(), 2u);  // placed, processing

  h_.clock().AdvanceSeconds(10);
  Order cancelled =
      Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled", "  changed my mind "), "cancel");
  EXPECT_EQ(cancelled.status, OrderStatus::kCancelled);
  EXPECT_EQ(cancelled.reason, "changed my mind");
  EXPECT_EQ(cancelled.updated_at, h_.clock().NowMicros());
  auto events = h_.TakeEvents();
  ASSERT_EQ(H::Topics(events), (Names{"order.status_changed"}));
  const std::string actor = "user " + std::to_string(h_.ann.user.id);
  EXPECT_EQ(json::parse(events[0].payload),
            (json{{"order_id", order.id}, {"user_id", h_.ann.user.id}, {"from", "processing"},
                  {"to", "cancelled"}, {"reason", "changed my mind"}, {"actor", actor}}));
  std::vector<OrderChange> history = h_.History(order.id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[2].from, OrderStatus::kProcessing);
  EXPECT_EQ(history[2].to, OrderStatus::kCancelled);
  EXPECT_EQ(history[2].actor, actor);
  EXPECT_EQ(history[2].reason, "changed my mind");
  EXPECT_EQ(history[2].at, h_.clock().NowMicros());
}

TEST_F(OrderStatusTest, NobodyCancelsAfterShipping) {
  Order order = OrderIn(OrderStatus::kShipped);
  for (const Principal& who : {h_.ann.principal, h_.admin.principal}) {
    auto refused = h_.SetStatus(who, order.id, "cancelled");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  }
  EXPECT_EQ(h_.Get(order.id).status, OrderStatus::kShipped);
}

TEST_F(OrderStatusTest, UnknownStatusesAndLongReasonsAreInvalid) {
  Order order = h_.MustPlace(h_.watch.id, 1);
  auto unknown = h_.SetStatus(h_.admin.principal, order.id, "lost");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(unknown.status().details()["field"], "status");

  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "\xc3\xa9";  // 200 characters, 400 bytes
  EXPECT_TRUE(h_.SetStatus(h_.admin.principal, order.id, "paid", accented).ok());
  auto too_long = h_.SetStatus(h_.admin.principal, order.id, "cancelled", accented + "x");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(too_long.status().details()["field"], "reason");
  EXPECT_EQ(h_.Get(order.id).status, OrderStatus::kPaid);
}

TEST_F(OrderStatusTest, ShippingIsRefusedUntilStockIsReserved) {
  Order order = h_.MustPlace(h_.watch.id, 1);
  // pending -> paid is allowed before the inventory worker ran; shipping is not.
  Must(h_.SetStatus(h_.admin.principal, order.id, "paid"), "paid");
  h_.TakeEvents();
  auto refused = h_.SetStatus(h_.admin.principal, order.id, "shipped");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(refused.status().details()["stock"], "pending");
  EXPECT_NE(refused.status().message().find("not reserved"), std::string::npos);
  EXPECT_TRUE(h_.TakeEvents().empty());

  h_.Pump();
  Order reserved = h_.Get(order.id);
  EXPECT_EQ(reserved.status, OrderStatus::kPaid);  // a paid order stays paid
  EXPECT_EQ(reserved.stock, StockState::kReserved);
  EXPECT_TRUE(h_.SetStatus(h_.admin.principal, order.id, "shipped").ok());
}

TEST_F(OrderStatusTest, EveryChangeIsRecordedWithActorAndReason) {
  Order order = h_.MustPlace(h_.watch.id, 1);
  h_.Pump();  // the orders worker: pending -> processing
  h_.TakeEvents();
  Must(h_.SetStatus(h_.admin.principal, order.id, "paid", "card ending 4242"), "paid");
  Must(h_.SetStatus(test::ServiceHarness::Operator(), order.id, "shipped"), "shipped");
  h_.Pump();
  Must(h_.SetStatus(h_.admin.principal, order.id, "delivered", ""), "delivered");  // "" is none
  Must(h_.SetStatus(h_.admin.principal, order.id, "refunded", "broken screen"), "refunded");

  std::vector<OrderChange> history = h_.History(order.id);
  const std::string admin = "user " + std::to_string(h_.admin.user.id);
  struct Row {
    std::optional<OrderStatus> from;
    OrderStatus to;
    std::string actor;
    std::optional<std::string> reason;
  };
  using S = OrderStatus;
  const std::vector<Row> expected = {
      {std::nullopt, S::kPending, "user " + std::to_string(h_.ann.user.id), "placed"},
      {S::kPending, S::kProcessing, "the orders worker", "stock reserved"},
      {S::kProcessing, S::kPaid, admin, "card ending 4242"},
      {S::kPaid, S::kShipped, "the local operator", std::nullopt},
      {S::kShipped, S::kDelivered, admin, std::nullopt},
      {S::kDelivered, S::kRefunded, admin, "broken screen"},
  };
  ASSERT_EQ(history.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(history[i].order_id, order.id);
    EXPECT_EQ(history[i].from, expected[i].from);
    EXPECT_EQ(history[i].to, expected[i].to);
    EXPECT_EQ(history[i].actor, expected[i].actor);
    EXPECT_EQ(history[i].reason, expected[i].reason);
    if (i > 0) {
      EXPECT_GT(history[i].id, history[i - 1].id);
    }
  }
  Order refunded = h_.Get(order.id);
  EXPECT_EQ(refunded.status, OrderStatus::kRefunded);
  EXPECT_EQ(refunded.reason, "broken screen");  // the reason an order ended is kept on it

  int changes = 0;
  for (const auto& event : h_.TakeEvents()) {
    if (event.topic != "order.status_changed") continue;
    json data = json::parse(event.payload);
    EXPECT_EQ(data["order_id"], order.id);
    ++changes;
  }
  EXPECT_EQ(changes, 4);  // paid, shipped, delivered, refunded
}

}  // namespace
}  // namespace mart
