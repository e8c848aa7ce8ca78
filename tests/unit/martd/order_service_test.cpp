#include "services/order_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "util/order_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;
using Names = std::vector<std::string>;

// Requests and queries with only some fields set (designated initializers
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
                  {"items", {{{"product_id", h_.headphones.id}, {"quantity", 1}, {"price", 249.99}},
                             {{"product_id", h_.watch.id}, {"quantity", 2}, {"price", 179.99}}}},
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
       "line1"},
  };
  for (const auto& [address, field] : cases) {
    SCOPED_TRACE(address.dump());
    PlaceOrder request = Inline(json::array({H::Line(h_.watch.id, 1)}), address);
    Status status = RefusedWith(request, h_.ann.principal);
    EXPECT_EQ(status.code(), Code::kInvalidArgument);
    EXPECT_NE(status.details()["field"].get<std::string>().find(field), std::string::npos)
        << status.ToString();
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

TEST_F(OrderServiceTest, UsersSeeOnlyTheirOwnOrders) {
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

TEST_F(OrderServiceTest, ListIsNewestFirst) {
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

TEST_F(OrderServiceTest, ListShowsUsersTheirOwnAndAdminsEveryonesByFilter) {
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

TEST_F(OrderServiceTest, ListFiltersByStatusAndTime) {
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

TEST_F(OrderServiceTest, RefusedTransitionsNameWhatIsAllowed) {
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

TEST_F(OrderServiceTest, FinalStatusesSayNothingIsAllowed) {
  Order order = OrderIn(OrderStatus::kCancelled);
  auto refused = h_.SetStatus(h_.admin.principal, order.id, "processing");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().details()["allowed"], json::array());
  EXPECT_NE(refused.status().message().find("final"), std::string::npos)
      << refused.status().message();
}

TEST_F(OrderServiceTest, SettingTheCurrentStatusIsANoOp) {
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

TEST_F(OrderServiceTest, OwnersMayCancelButNotSetOtherStatuses) {
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

TEST_F(OrderServiceTest, NobodyCancelsAfterShipping) {
  Order order = OrderIn(OrderStatus::kShipped);
  for (const Principal& who : {h_.ann.principal, h_.admin.principal}) {
    auto refused = h_.SetStatus(who, order.id, "cancelled");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  }
  EXPECT_EQ(h_.Get(order.id).status, OrderStatus::kShipped);
}

TEST_F(OrderServiceTest, UnknownStatusesAndLongReasonsAreInvalid) {
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

TEST_F(OrderServiceTest, ShippingIsRefusedUntilStockIsReserved) {
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

TEST_F(OrderServiceTest, EveryChangeIsRecordedWithActorAndReason) {
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
