// OrderService: placing orders — prices, lines, addresses, buyers. Who sees
// which orders and status changes are in order_service_status_test.cpp.
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

// Requests with only some fields set (designated initializers
// would trip -Wmissing-field-initializers).
PlaceOrder Request(json items) {
  PlaceOrder request;
  request.items = std::move(items);
  return request;
}

PlaceOrder Inline(json items, json address) {
  PlaceOrder request = Request(std::move(items));
  request.shipping_address = std::move(address);
  return request;
}

PlaceOrder Saved(json items, int64_t address_id) {
  PlaceOrder request = Request(std::move(items));
  request.address_id = address_id;
  return request;
}

class OrderServiceTest : public ::testing::Test {
 protected:
  using H = test::OrderHarness;

  // Places for ann and returns the error; nothing may have been written.
  Status Refused(json items) {
    auto placed = h_.Place(h_.ann.principal, std::move(items));
    EXPECT_FALSE(placed.ok()) << placed->id;
    return placed.status();
  }

  Status RefusedWith(const PlaceOrder& request, const Principal& who) {
    auto placed = h_.PlaceRequest(who, request);
    EXPECT_FALSE(placed.ok()) << placed->id;
    return placed.status();
  }

  std::vector<Order> List(const Principal& who) {
    Tx tx = h_.NewTx();
    return Must(h_.services().orders.List(tx, who, OrderQuery{}), "list");
  }

  Result<Address> AddAddress(const Principal& who, std::string line1, bool is_default) {
    AddressChange change;
    change.fields.line1 = std::move(line1);
    change.fields.city = "Springfield";
    change.fields.postal_code = "54321";
    change.fields.country = "US";
    change.is_default = is_default;
    Tx tx = h_.NewTx();
    return h_.accounts().AddAddress(tx, who, change);
  }

  test::OrderHarness h_;
};

TEST_F(OrderServiceTest, PlaceUsesCatalogPricesAndAnExactTotal) {
  json items = {H::Line(h_.headphones.id, 1), H::Line(h_.watch.id, 2)};
  Order order = Must(h_.Place(h_.ann.principal, items), "place");
  EXPECT_EQ(order.id.size(), 24u);
  EXPECT_EQ(order.user_id, h_.ann.user.id);
  EXPECT_EQ(order.status, OrderStatus::kPending);
  EXPECT_EQ(order.stock, StockState::kPending);
  EXPECT_EQ(order.total_cents, 60997);  // 249.99 + 2 x 179.99
  EXPECT_EQ(ToJson(order)["total_price"].dump(), "609.97");
  ASSERT_EQ(order.items.size(), 2u);
  EXPECT_EQ(order.items[0].product_id, h_.headphones.id);
  EXPECT_EQ(order.items[0].name, "Wireless Headphones");
  EXPECT_EQ(order.items[0].quantity, 1);
  EXPECT_EQ(order.items[0].price_cents, 24999);
  EXPECT_EQ(order.items[1].product_id, h_.watch.id);
  EXPECT_EQ(order.items[1].quantity, 2);
  EXPECT_EQ(order.items[1].price_cents, 17999);
  EXPECT_EQ(order.created_at, h_.clock().NowMicros());
  EXPECT_EQ(order.updated_at, order.created_at);
  EXPECT_FALSE(order.reason.has_value());

  auto events = h_.TakeEvents();
  ASSERT_EQ(H::Topics(events), (Names{"order.placed"}));
  EXPECT_EQ(json::parse(events[0].payload),
            (json{{"order_id", order.id},
                  {"user_id", h_.ann.user.id},
                  {"items", {{{"product_id", h_.headphones.id}, {"name", "Wireless Headphones"},
                              {"quantity", 1}, {"price", 249.99}},
                             {{"product_id", h_.watch.id}, {"name", "Smart Watch"},
                              {"quantity", 2}, {"price", 179.99}}}},
                  {"total_price", 609.97}}));

  std::vector<OrderChange> history = h_.History(order.id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_FALSE(history[0].from.has_value());
  EXPECT_EQ(history[0].to, OrderStatus::kPending);
  EXPECT_EQ(history[0].actor, "user " + std::to_string(h_.ann.user.id));
  EXPECT_EQ(history[0].reason, "placed");

  // Placing reserves nothing by itself: that is the inventory worker's job.
  EXPECT_EQ(h_.Stock(h_.watch.id).available, 75);
  EXPECT_EQ(h_.Stock(h_.watch.id).reserved, 0);
}

TEST_F(OrderServiceTest, LaterCatalogPriceChangesDoNotTouchPlacedOrders) {
  Order order = h_.MustPlace(h_.watch.id, 1);
  ProductFields cheaper;
  cheaper.price_cents = 15000;
  Tx tx = h_.NewTx();
  ASSERT_TRUE(h_.services().catalog.Update(tx, h_.watch.id, cheaper).ok());
  EXPECT_EQ(h_.Get(order.id).items[0].price_cents, 17999);
  EXPECT_EQ(h_.Get(order.id).total_cents, 17999);
  EXPECT_EQ(h_.MustPlace(h_.watch.id, 1).total_cents, 15000);
}

TEST_F(OrderServiceTest, LinesOfOneProductMergeInFirstAppearanceOrder) {
  json items = {H::Line(h_.watch.id, 1), H::Line(h_.headphones.id, 2), H::Line(h_.watch.id, 3),
                {{"product_id", h_.headphones.id}, {"quantity", 1}, {"price", 249.99}}};
  Order order = Must(h_.Place(h_.ann.principal, items), "place");
  ASSERT_EQ(order.items.size(), 2u);
  EXPECT_EQ(order.items[0].product_id, h_.watch.id);
  EXPECT_EQ(order.items[0].quantity, 4);
  EXPECT_EQ(order.items[1].product_id, h_.headphones.id);
  EXPECT_EQ(order.items[1].quantity, 3);
  EXPECT_EQ(order.total_cents, 4 * 17999 + 3 * 24999);
  json placed = json::parse(h_.TakeEvents().at(0).payload);
  EXPECT_EQ(placed["items"].size(), 2u);
  EXPECT_EQ(placed["items"][0]["quantity"], 4);
}

TEST_F(OrderServiceTest, OneProductAtTwoExpectedPricesIsInvalid) {
  Status status = Refused({{{"product_id", h_.watch.id}, {"quantity", 1}, {"price", 179.99}},
                           {{"product_id", h_.watch.id}, {"quantity", 1}, {"price", 170}}});
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.details()["product_id"], h_.watch.id);
}

TEST_F(OrderServiceTest, MatchingExpectedPricesAreAccepted) {
  for (json price : {json(249.99), json("249.99")}) {
    SCOPED_TRACE(price.dump());
    auto placed = h_.Place(h_.ann.principal,
                           {{{"product_id", h_.headphones.id}, {"quantity", 1}, {"price", price}}});
    ASSERT_TRUE(placed.ok()) << placed.status().ToString();
    EXPECT_EQ(placed->total_cents, 24999);
  }
}

TEST_F(OrderServiceTest, ADifferentExpectedPriceFailsNamingBothPrices) {
  Status status = Refused({H::Line(h_.watch.id, 1),
                           {{"product_id", h_.headphones.id}, {"quantity", 1}, {"price", 199.99}}});
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_NE(status.message().find(h_.headphones.id), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("199.99"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("249.99"), std::string::npos) << status.message();
  EXPECT_EQ(status.details()["product_id"], h_.headphones.id);
  EXPECT_EQ(status.details()["expected"].dump(), "199.99");
  EXPECT_EQ(status.details()["price"].dump(), "249.99");
  EXPECT_TRUE(h_.TakeEvents().empty());
  EXPECT_TRUE(List(h_.ann.principal).empty());
}

TEST_F(OrderServiceTest, BadLinesNameTheLineAndField) {
  const std::string& id = h_.headphones.id;
  struct Case {
    json items;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{{{"product_id", id}, {"quantity", 1}, {"colour", "red"}}}, "items[0].colour"},
      {{H::Line(id, 1), {{"quantity", 1}}}, "items[1].product_id"},
      {{{{"product_id", 42}, {"quantity", 1}}}, "items[0].product_id"},
      {{{{"product_id", "not-an-id"}, {"quantity", 1}}}, "items[0].product_id"},
      {{{{"product_id", "66F1C0FFEE0000000000ABCD"}, {"quantity", 1}}}, "items[0].product_id"},
      {{H::Line(id, 1), H::Line(h_.watch.id, 1), {{"product_id", id}}}, "items[2].quantity"},
      {{H::Line(id, 0)}, "items[0].quantity"},
      {{H::Line(id, -1)}, "items[0].quantity"},
      {{H::Line(id, 1'000'000'001)}, "items[0].quantity"},
      {{{{"product_id", id}, {"quantity", 1.5}}}, "items[0].quantity"},
      {{{{"product_id", id}, {"quantity", "2"}}}, "items[0].quantity"},
      {{{{"product_id", id}, {"quantity", true}}}, "items[0].quantity"},
      {{{{"product_id", id}, {"quantity", 18446744073709551615u}}}, "items[0].quantity"},
      {{{{"product_id", id}, {"quantity", 1}, {"price", 0}}}, "items[0].price"},
      {{{{"product_id", id}, {"quantity", 1}, {"price", -249.99}}}, "items[0].price"},
      {{{{"product_id", id}, {"quantity", 1}, {"price", 249.999}}}, "items[0].price"},
      {{{{"product_id", id}, {"quantity", 1}, {"price", "cheap"}}}, "items[0].price"},
      {json::array(), "items"},
      {json::object(), "items"},
      {{H::Line(id, 600'000'000), H::Line(id, 600'000'000)}, "items"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.items.dump());
    Status status = Refused(c.items);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();
    EXPECT_EQ(status.details()["field"], c.field) << status.ToString();
    // The message names the line, or for a malformed id the id itself.
    const std::string named = c.items.is_array() && c.items.size() == 1 &&
                                      c.items[0].value("product_id", json()).is_string() &&
                                      c.field == "items[0].product_id"
                                  ? c.items[0]["product_id"].get<std::string>()
                                  : c.field;
    if (c.field != "items") {
      EXPECT_NE(status.message().find(named), std::string::npos) << status.message();
    }
  }
  EXPECT_TRUE(h_.TakeEvents().empty());
  EXPECT_TRUE(List(h_.admin.principal).empty());
}

TEST_F(OrderServiceTest, UnknownProductIsNotFound) {
  Status status = Refused({H::Line(h_.watch.id, 1), H::Line("66f1c0ffee0000000000dead", 1)});
  EXPECT_EQ(status.code(), Code::kNotFound);
  EXPECT_NE(status.message().find("66f1c0ffee0000000000dead"), std::string::npos);
}

TEST_F(OrderServiceTest, ShipsToTheInlineAddress) {
  PlaceOrder request = Inline(json::array({H::Line(h_.watch.id, 1)}), {{"line1", " 1 Main St "}, {"city", "Springfield"},
                                   {"postal_code", "54321"}, {"country", "US"}});
  Order order = Must(h_.PlaceRequest(h_.ann.principal, request), "place");
  EXPECT_EQ(order.shipping_address.line1, "1 Main St");  // trimmed like saved addresses
  EXPECT_EQ(order.shipping_address.city, "Springfield");
  EXPECT_FALSE(order.shipping_address.line2.has_value());
  EXPECT_FALSE(order.shipping_address.state.has_value());
  EXPECT_EQ(h_.Get(order.id).shipping_address.postal_code, "54321");  // stored, not only replied
}

TEST_F(OrderServiceTest, BadInlineAddressesNameTheField) {
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"line1", "1 Main St"}, {"postal_code", "54321"}, {"country", "US"}},
       "shipping_address.city"},
      {{{"line1", "1 Main St"}, {"city", "X"}, {"postal_code", "54321"}, {"country", "US"},
        {"zip", "1"}},
       "shipping_address.zip"},
      {{{"line1", 7}, {"city", "X"}, {"postal_code", "54321"}, {"country", "US"}},
       "shipping_address.line1"},
      {{{"line1", "   "}, {"city", "X"}, {"postal_code", "54321"}, {"country", "US"}},
       "shipping_address.line1"},
  };
  for (const auto& [address, field] : cases) {
    SCOPED_TRACE(address.dump());
    PlaceOrder request = Inline(json::array({H::Line(h_.watch.id, 1)}), address);
    Status status = RefusedWith(request, h_.ann.principal);
    EXPECT_EQ(status.code(), Code::kInvalidArgument);
    EXPECT_EQ(status.details()["field"], field) << status.ToString();
  }
}

TEST_F(OrderServiceTest, ShipsToASavedAddressByIdOrTheDefault) {
  Address home = Must(AddAddress(h_.ann.principal, "1 Home Road", false), "home");  // default
  Address work = Must(AddAddress(h_.ann.principal, "2 Work Street", false), "work");
  ASSERT_TRUE(home.is_default);
  PlaceOrder by_id = Saved(json::array({H::Line(h_.watch.id, 1)}), work.id);
  EXPECT_EQ(Must(h_.PlaceRequest(h_.ann.principal, by_id), "by id").shipping_address.line1,
            "2 Work Street");
  PlaceOrder by_default = Request(json::array({H::Line(h_.watch.id, 1)}));
  EXPECT_EQ(Must(h_.PlaceRequest(h_.ann.principal, by_default), "default").shipping_address.line1,
            "1 Home Road");

  PlaceOrder both = Saved(json::array({H::Line(h_.watch.id, 1)}), work.id);
  both.shipping_address = H::InlineAddress();
  EXPECT_EQ(RefusedWith(both, h_.ann.principal).code(), Code::kInvalidArgument);
  // Bob cannot ship to ann's address: to him it does not exist.
  PlaceOrder bobs = Saved(json::array({H::Line(h_.watch.id, 1)}), work.id);
  EXPECT_EQ(RefusedWith(bobs, h_.bob.principal).code(), Code::kNotFound);
}

TEST_F(OrderServiceTest, NoAddressAndNoDefaultIsAFailedPrecondition) {
  PlaceOrder request = Request(json::array({H::Line(h_.watch.id, 1)}));
  Status status = RefusedWith(request, h_.bob.principal);
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_NE(status.message().find("default address"), std::string::npos) << status.message();
  EXPECT_TRUE(h_.TakeEvents().empty());
}

TEST_F(OrderServiceTest, TheOperatorMustNameTheBuyer) {
  Status status = h_.Place(test::ServiceHarness::Operator(), {H::Line(h_.watch.id, 1)}).status();
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.details()["field"], "user_id");

  Order order = Must(h_.Place(test::ServiceHarness::Operator(), {H::Line(h_.watch.id, 1)},
                              h_.bob.user.id),
                     "for bob");
  EXPECT_EQ(order.user_id, h_.bob.user.id);
  EXPECT_EQ(h_.History(order.id)[0].actor, "the local operator");
  EXPECT_EQ(List(h_.bob.principal).size(), 1u);  // bob sees the order placed for him
}

TEST_F(OrderServiceTest, AdminsMayPlaceForOthersUsersOnlyForThemselves) {
  EXPECT_EQ(Must(h_.Place(h_.admin.principal, {H::Line(h_.watch.id, 1)}), "own").user_id,
            h_.admin.user.id);
  EXPECT_EQ(Must(h_.Place(h_.admin.principal, {H::Line(h_.watch.id, 1)}, h_.ann.user.id), "ann")
                .user_id,
            h_.ann.user.id);
  EXPECT_EQ(Must(h_.Place(h_.ann.principal, {H::Line(h_.watch.id, 1)}, h_.ann.user.id), "self")
                .user_id,
            h_.ann.user.id);
  h_.TakeEvents();
  Status status = h_.Place(h_.ann.principal, {H::Line(h_.watch.id, 1)}, h_.bob.user.id).status();
  EXPECT_EQ(status.code(), Code::kPermissionDenied);
  EXPECT_TRUE(h_.TakeEvents().empty());
  EXPECT_TRUE(List(h_.bob.principal).empty());
  EXPECT_EQ(h_.Place(test::ServiceHarness::Operator(), {H::Line(h_.watch.id, 1)}, 9999)
                .status()
                .code(),
            Code::kNotFound);
}

TEST_F(OrderServiceTest, DeactivatedBuyersCannotOrder) {
  Tx tx = h_.NewTx();
  ASSERT_TRUE(h_.accounts().SetActive(tx, h_.bob.user.id, false).ok());
  Status status = h_.Place(test::ServiceHarness::Operator(), {H::Line(h_.watch.id, 1)},
                           h_.bob.user.id).status();
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace mart
