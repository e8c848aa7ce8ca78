#include "mart/domain/order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mart/text.h"

namespace mart {
namespace {

using nlohmann::json;
using S = OrderStatus;

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

constexpr int64_t kPlaced = 1747309500123456;  // 2025-05-15T11:45:00.123456Z

// DESIGN.md §4, written out again by hand so the table cannot drift from it.
const std::vector<std::pair<S, S>>& DesignTransitions() {
  static const std::vector<std::pair<S, S>> kAllowed = {
      {S::kPending, S::kProcessing},   {S::kPending, S::kPaid},
      {S::kPending, S::kCancelled},    {S::kProcessing, S::kPaid},
      {S::kProcessing, S::kShipped},   {S::kProcessing, S::kCancelled},
      {S::kProcessing, S::kRefunded},  {S::kPaid, S::kProcessing},
      {S::kPaid, S::kShipped},         {S::kPaid, S::kCancelled},
      {S::kPaid, S::kRefunded},        {S::kShipped, S::kDelivered},
      {S::kShipped, S::kRefunded},     {S::kDelivered, S::kRefunded},
  };
  return kAllowed;
}

TEST(OrderStatusTest, NamesRoundTrip) {
  const std::vector<std::pair<S, std::string>> kNames = {
      {S::kPending, "pending"},     {S::kProcessing, "processing"}, {S::kPaid, "paid"},
      {S::kShipped, "shipped"},     {S::kDelivered, "delivered"},   {S::kCancelled, "cancelled"},
      {S::kRefunded, "refunded"}};
  ASSERT_EQ(AllOrderStatuses().size(), kNames.size());
  for (size_t i = 0; i < kNames.size(); ++i) {
    const auto& [status, name] = kNames[i];
    EXPECT_EQ(AllOrderStatuses()[i], status) << name;  // in the design's order
    EXPECT_EQ(OrderStatusName(status), name);
    EXPECT_EQ(ParseOrderStatus(name), status);
  }
}

TEST(OrderStatusTest, UnknownNamesAreRefused) {
  for (const char* name : {"", "Pending", "PENDING", "canceled", " pending", "pending ", "new"}) {
    EXPECT_EQ(ParseOrderStatus(name), std::nullopt) << "'" << name << "'";
  }
}

TEST(StockStateTest, NamesRoundTrip) {
  for (StockState state : {StockState::kPending, StockState::kReserved, StockState::kFailed,
                           StockState::kReleased, StockState::kShipped}) {
    EXPECT_EQ(ParseStockState(StockStateName(state)), state) << StockStateName(state);
  }
  EXPECT_EQ(StockStateName(StockState::kReserved), "reserved");
  EXPECT_EQ(StockStateName(StockState::kReleased), "released");
  EXPECT_EQ(ParseStockState("held"), std::nullopt);
}

TEST(OrderTransitionsTest, ExactlyTheDesignTable) {
  const auto& allowed = DesignTransitions();
  for (S from : AllOrderStatuses()) {
    for (S to : AllOrderStatuses()) {
      bool listed = std::find(allowed.begin(), allowed.end(), std::pair{from, to}) != allowed.end();
      EXPECT_EQ(CanTransition(from, to), listed)
          << OrderStatusName(from) << " -> " << OrderStatusName(to);
    }
  }
  size_t rows = 0;
  for (const auto& [from, targets] : OrderTransitions()) rows += targets.size();
  EXPECT_EQ(rows, allowed.size());
}

TEST(OrderTransitionsTest, SameStatusIsNotATransition) {
  for (S status : AllOrderStatuses()) {
    EXPECT_FALSE(CanTransition(status, status)) << OrderStatusName(status);
  }
}

TEST(OrderTransitionsTest, SampleOfRefusedChanges) {
  EXPECT_FALSE(CanTransition(S::kPending, S::kShipped));  // nothing reserved yet
  EXPECT_FALSE(CanTransition(S::kPending, S::kDelivered));
  EXPECT_FALSE(CanTransition(S::kPending, S::kRefunded));  // nothing paid
  EXPECT_FALSE(CanTransition(S::kProcessing, S::kPending));
  EXPECT_FALSE(CanTransition(S::kProcessing, S::kDelivered));
  EXPECT_FALSE(CanTransition(S::kShipped, S::kCancelled));  // too late to cancel
  EXPECT_FALSE(CanTransition(S::kShipped, S::kProcessing));
  EXPECT_FALSE(CanTransition(S::kDelivered, S::kCancelled));
  EXPECT_FALSE(CanTransition(S::kDelivered, S::kShipped));
  for (S to : AllOrderStatuses()) {  // cancelled and refunded are final
    EXPECT_FALSE(CanTransition(S::kCancelled, to)) << OrderStatusName(to);
    EXPECT_FALSE(CanTransition(S::kRefunded, to)) << OrderStatusName(to);
  }
}

TEST(OrderTransitionsTest, CanEventuallyReachFollowsChains) {
  EXPECT_TRUE(CanEventuallyReach(S::kPending, S::kPending));  // already there
  EXPECT_TRUE(CanEventuallyReach(S::kPending, S::kDelivered));  // via processing, shipped
  EXPECT_TRUE(CanEventuallyReach(S::kPending, S::kRefunded));
  EXPECT_TRUE(CanEventuallyReach(S::kPaid, S::kProcessing));
  EXPECT_TRUE(CanEventuallyReach(S::kProcessing, S::kProcessing));
  EXPECT_TRUE(CanEventuallyReach(S::kShipped, S::kRefunded));
  EXPECT_FALSE(CanEventuallyReach(S::kShipped, S::kCancelled));
  EXPECT_FALSE(CanEventuallyReach(S::kShipped, S::kPaid));
  EXPECT_FALSE(CanEventuallyReach(S::kDelivered, S::kShipped));
  EXPECT_FALSE(CanEventuallyReach(S::kProcessing, S::kPending));
  EXPECT_FALSE(CanEventuallyReach(S::kCancelled, S::kRefunded));
  EXPECT_FALSE(CanEventuallyReach(S::kRefunded, S::kDelivered));
}

TEST(OrderTransitionsTest, JsonRowsForEveryStatus) {
  json rows = TransitionsJson();
  ASSERT_TRUE(rows.is_array());
  ASSERT_EQ(rows.size(), AllOrderStatuses().size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(Keys(rows[i]), (std::set<std::string>{"from", "to"}));
    EXPECT_EQ(rows[i]["from"], OrderStatusName(AllOrderStatuses()[i]));
    ASSERT_TRUE(rows[i]["to"].is_array());
  }
  EXPECT_EQ(rows[0]["to"], (json{"processing", "paid", "cancelled"}));
  EXPECT_EQ(rows[1]["to"], (json{"paid", "shipped", "cancelled", "refunded"}));
  EXPECT_EQ(rows[3], (json{{"from", "shipped"}, {"to", {"delivered", "refunded"}}}));
  EXPECT_EQ(rows[5], (json{{"from", "cancelled"}, {"to", json::array()}}));
}

Order SeedOrder() {
  Order o;
  o.id = "66f1c0ffee0000000000beef";
  o.user_id = 1;
  o.items = {{"66f1c0ffee0000000000abcd", "Wireless Headphones", 1, 24999},
             {"66f1c0ffee0000000000abce", "Smart Watch", 2, 17999}};
  o.total_cents = 60997;
  o.status = S::kPending;
  o.stock = StockState::kPending;
  o.shipping_address = {"123 Example Street", "Apt 4B", "Example City", "EX", "12345",
                        "Example Country"};
  o.created_at = kPlaced;
  o.updated_at = kPlaced + 1000000;
  return o;
}

TEST(OrderJsonTest, SeedFieldNamesAndTypes) {
  json j = ToJson(SeedOrder());
  EXPECT_EQ(Keys(j), (std::set<std::string>{"id", "user_id", "items", "total_price", "status",
                                            "stock", "reason", "shipping_address", "created_at",
                                            "updated_at"}));
  EXPECT_EQ(j["id"], "66f1c0ffee0000000000beef");
  ASSERT_TRUE(j["user_id"].is_number_integer());  // users have integer ids in mart
  EXPECT_EQ(j["user_id"], 1);
  ASSERT_TRUE(j["total_price"].is_number());  // a number, as in the seeds
  EXPECT_EQ(j["total_price"].dump(), "609.97");
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["stock"], "pending");
  EXPECT_TRUE(j["reason"].is_null());
  EXPECT_EQ(j["created_at"], "2025-05-15T11:45:00.123456+00:00");
  EXPECT_EQ(j["updated_at"], FormatTimestamp(kPlaced + 1000000));

  ASSERT_EQ(j["items"].size(), 2u);
  const json& item = j["items"][1];
  EXPECT_EQ(Keys(item), (std::set<std::string>{"product_id", "name", "quantity", "price"}));
  EXPECT_EQ(item["product_id"], "66f1c0ffee0000000000abce");
  EXPECT_EQ(item["name"], "Smart Watch");
  ASSERT_TRUE(item["quantity"].is_number_integer());
  EXPECT_EQ(item["quantity"], 2);
  ASSERT_TRUE(item["price"].is_number());
  EXPECT_EQ(item["price"].dump(), "179.99");
  EXPECT_EQ(j["items"][0]["price"].dump(), "249.99");
}

TEST(OrderJsonTest, ShippingAddressHasTheSeedFieldsWithNullOptionals) {
  Order o = SeedOrder();
  EXPECT_EQ(ToJson(o)["shipping_address"],
            (json{{"line1", "123 Example Street"}, {"line2", "Apt 4B"}, {"city", "Example City"},
                  {"state", "EX"}, {"postal_code", "12345"}, {"country", "Example Country"}}));
  o.shipping_address.line2.reset();
  o.shipping_address.state.reset();
  json address = ToJson(o)["shipping_address"];
  EXPECT_TRUE(address.contains("line2"));  // present, null
  EXPECT_TRUE(address["line2"].is_null());
  EXPECT_TRUE(address["state"].is_null());
}

TEST(OrderJsonTest, CancelledOrderShowsItsReasonAndStock) {
  Order o = SeedOrder();
  o.status = S::kCancelled;
  o.stock = StockState::kFailed;
  o.reason = "insufficient stock";
  json j = ToJson(o);
  EXPECT_EQ(j["status"], "cancelled");
  EXPECT_EQ(j["stock"], "failed");
  EXPECT_EQ(j["reason"], "insufficient stock");
}

TEST(OrderChangeJsonTest, PlacementHasNoFromStatus) {
  OrderChange placed{.id = 1, .order_id = "66f1c0ffee0000000000beef", .from = std::nullopt,
                     .to = S::kPending, .actor = "user 3", .reason = "placed", .at = kPlaced};
  json j = ToJson(placed);
  EXPECT_EQ(Keys(j), (std::set<std::string>{"id", "order_id", "from", "to", "actor", "reason",
                                            "at"}));
  EXPECT_TRUE(j["from"].is_null());
  EXPECT_EQ(j["to"], "pending");
  EXPECT_EQ(j["actor"], "user 3");
  EXPECT_EQ(j["at"], FormatTimestamp(kPlaced));

  OrderChange cancel{.id = 2, .order_id = placed.order_id, .from = S::kProcessing,
                     .to = S::kCancelled, .actor = "the local operator", .reason = std::nullopt,
                     .at = kPlaced};
  EXPECT_EQ(ToJson(cancel)["from"], "processing");
  EXPECT_TRUE(ToJson(cancel)["reason"].is_null());
}

}  // namespace
}  // namespace mart
