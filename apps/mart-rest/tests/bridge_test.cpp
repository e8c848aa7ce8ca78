#include "rest/bridge.h"

#include <gtest/gtest.h>

namespace mart::rest {
namespace {

using nlohmann::json;

struct Recorded {
  std::string method;
  json params;
  CallOptions options;
};

class BridgeTest : public ::testing::Test {
 protected:
  BridgeTest()
      : bridge_(BuildRoutes(AllCommands()).value(),
                [this](std::string_view method, const json& params, const CallOptions& options)
                    -> Result<json> {
                  calls_.push_back({std::string(method), params, options});
                  if (!next_error_.ok()) return next_error_;
                  if (options.answered != nullptr) *options.answered = answered_by_;
                  if (options.result_text != nullptr && !next_text_.empty()) {
                    *options.result_text = next_text_;
                    return json();
                  }
                  return next_result_;
                }) {}

  std::vector<Recorded> calls_;
  json next_result_ = json::object();
  std::string next_text_;  // when set, the result as martd's text (CallOptions::result_text)
  Status next_error_;
  std::string answered_by_ = "ipc:///run/b.sock";  // the endpoint the fake "answers" from
  Bridge bridge_;
};

// A page of products is not parsed: the bridge asks for martd's text and
// renames the ids in it; routes that reshape more take the value.
TEST_F(BridgeTest, ProductPagesAreShapedFromTheDaemonsText) {
  next_text_ = R"([{"category":"Home","id":"p1","name":"Lamp"},{"id":"p2"}])";
  HttpReply list = bridge_.Handle({.method = "GET", .path = "/api/v1/products/"});
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body, R"([{"_id":"p1","category":"Home","name":"Lamp"},{"_id":"p2"}])");
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_NE(calls_[0].options.result_text, nullptr);
  next_text_.clear();
  next_result_ = {{"id", "o1"}, {"user_id", 7}};
  HttpReply order = bridge_.Handle({.method = "GET", .path = "/api/v1/orders/o1",
                                    .authorization = "Bearer t"});
  EXPECT_EQ(order.status, 200);
  EXPECT_EQ(order.body, R"({"_id":"o1","user_id":"7"})");
  EXPECT_EQ(calls_.back().options.result_text, nullptr);
}

TEST_F(BridgeTest, UnknownRouteIs404AndWrongMethod405) {
  HttpReply missing = bridge_.Handle({.method = "GET", .path = "/nope"});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"detail":"Not Found"})");
  EXPECT_EQ(missing.route, "unmatched");
  HttpReply wrong = bridge_.Handle({.method = "PATCH", .path = "/api/v1/products/"});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.body, R"({"detail":"Method Not Allowed"})");
  EXPECT_TRUE(calls_.empty());
}

TEST_F(BridgeTest, MissingTokenIs401WithoutCallingTheDaemon) {
  HttpReply reply = bridge_.Handle({.method = "GET", .path = "/api/v1/users/me"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(BridgeTest, TheOperatorCookieIsNeverForwarded) {
  HttpReply reply = bridge_.Handle({.method = "GET", .path = "/api/v1/users/me",
                                    .authorization = "Bearer cookie:0123abcd"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(BridgeTest, ForwardsTheCallersTokenAndIdempotencyKey) {
  next_result_ = {{"id", 1}};
  HttpReply reply = bridge_.Handle({.method = "GET", .path = "/api/v1/users/me",
                                    .authorization = "Bearer tok", .idempotency_key = "k1"});
  EXPECT_EQ(reply.status, 200);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].method, "profile.show");
  EXPECT_EQ(calls_[0].options.auth, "tok");
  EXPECT_EQ(calls_[0].options.idempotency_key, "k1");
  EXPECT_EQ(reply.route, "/api/v1/users/me");
}

// martd limits failed logins per client address: the bridge passes the HTTP
// peer's, so that one client's failures do not lock out the others.
TEST_F(BridgeTest, ForwardsTheClientAddressForTheLoginLimits) {
  next_result_ = {{"access_token", "a"}, {"token_type", "bearer"}};
  HttpReply reply = bridge_.Handle({.method = "POST", .path = "/api/v1/auth/login",
                                    .params = {{"username", "ann@example.com"},
                                               {"password", "Password123"}},
                                    .content_type = "application/x-www-form-urlencoded",
                                    .body = "username=ann%40example.com&password=Password123",
                                    .client_address = "203.0.113.9"});
  ASSERT_EQ(calls_.size(), 1u) << reply.body;
  EXPECT_EQ(calls_[0].method, "auth.login");
  EXPECT_EQ(calls_[0].options.forwarded_for, "203.0.113.9");
}

TEST_F(BridgeTest, CreateIs201AndCancelIs204WithoutBody) {
  next_result_ = {{"id", "p1"}, {"price", 899.99}};
  HttpReply created = bridge_.Handle({.method = "POST", .path = "/api/v1/products/",
                                      .content_type = "application/json",
                                      .authorization = "Bearer t", .body = R"({"name":"x"})"});
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(json::parse(created.body), json({{"_id", "p1"}, {"price", 899.99}}));
  HttpReply cancelled = bridge_.Handle({.method = "DELETE", .path = "/api/v1/orders/abc",
                                        .authorization = "Bearer t"});
  EXPECT_EQ(cancelled.status, 204);
  EXPECT_TRUE(cancelled.body.empty());
  EXPECT_EQ(calls_.back().method, "order.cancel");
  EXPECT_EQ(calls_.back().params, json({{"id", "abc"}}));
}

TEST_F(BridgeTest, DaemonErrorsMapThroughTheTable) {
  next_error_ = FailedPrecondition("order abc cannot go from shipped to cancelled");
  HttpReply conflict = bridge_.Handle({.method = "DELETE", .path = "/api/v1/orders/abc",
                                       .authorization = "Bearer t"});
  EXPECT_EQ(conflict.status, 409);
  next_error_ = InvalidArgument("limit must be at most 1000", {{"field", "limit"}});
  HttpReply invalid = bridge_.Handle({.method = "GET", .path = "/api/v1/products/",
                                      .params = {{"limit", "5000"}}});
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(json::parse(invalid.body)["detail"][0]["loc"], json({"query", "limit"}));
  next_error_ = Unavailable("daemon unavailable at ipc:///x");
  HttpReply down = bridge_.Handle({.method = "GET", .path = "/health"});
  EXPECT_EQ(down.status, 503);
}

TEST_F(BridgeTest, HealthSaysWhichMartdAnswered) {
  next_result_ = {{"ready", true}, {"pid", 42}};
  json plain = json::parse(bridge_.Handle({.method = "GET", .path = "/health"}).body);
  EXPECT_EQ(plain["ready"], true);
  EXPECT_EQ(plain["martd"], json({{"endpoint", "ipc:///run/b.sock"}}));
  // The instance martd reports, as it reports it; one that is no object is left out.
  next_result_["instance"] = {{"id", "i-2"}, {"host", "b"}};
  json named = json::parse(bridge_.Handle({.method = "GET", .path = "/health"}).body);
  EXPECT_EQ(named["martd"],
            json({{"endpoint", "ipc:///run/b.sock"}, {"instance", {{"id", "i-2"}, {"host", "b"}}}}));
  next_result_["instance"] = "i-2";
  json odd = json::parse(bridge_.Handle({.method = "GET", .path = "/health"}).body);
  EXPECT_FALSE(odd["martd"].contains("instance"));
}

TEST_F(BridgeTest, ValidationErrorsPointAtThePathParam) {
  next_error_ = InvalidArgument("order id 'xyz' is not 24 hex characters", {{"field", "id"}});
  HttpReply reply = bridge_.Handle({.method = "GET", .path = "/api/v1/orders/xyz",
                                    .authorization = "Bearer t"});
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(json::parse(reply.body)["detail"][0]["loc"], json({"path", "order_id"}));
}

TEST_F(BridgeTest, NestedFieldErrorsPointAtTheirBodyField) {
  next_error_ = InvalidArgument("items[0].quantity must be an integer",
                                {{"field", "items[0].quantity"}});
  HttpReply reply = bridge_.Handle({.method = "POST", .path = "/api/v1/orders/",
                                    .content_type = "application/json",
                                    .authorization = "Bearer t", .body = R"({"items":[]})"});
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(json::parse(reply.body)["detail"][0]["loc"], json({"body", "items", 0, "quantity"}));
}

// Issue 17 item 12: a martd 422 names the field as the client sent it.
TEST_F(BridgeTest, ValidationErrorsNameTheFieldTheClientSent) {
  next_error_ = InvalidArgument("delta must be between -1000000000 and 1000000000",
                                {{"field", "delta"}});
  HttpReply reply = bridge_.Handle({.method = "POST", .path = "/api/v1/inventory/adjust",
                                    .content_type = "application/json",
                                    .authorization = "Bearer t",
                                    .body = R"({"product_id":"p1","quantity_change":-5000000000})"});
  EXPECT_EQ(reply.status, 422);
  const json item = json::parse(reply.body)["detail"][0];
  EXPECT_EQ(item["loc"], json({"body", "quantity_change"}));
  EXPECT_EQ(item["msg"], "quantity_change must be between -1000000000 and 1000000000");
}

TEST_F(BridgeTest, OneAddressOfTheCaller) {
  next_result_ = json::array({{{"id", 4}, {"city", "A"}}, {{"id", 9}, {"city", "B"}}});
  HttpReply found = bridge_.Handle({.method = "GET", .path = "/api/v1/users/me/addresses/9",
                                    .authorization = "Bearer t"});
  EXPECT_EQ(found.status, 200);
  EXPECT_EQ(json::parse(found.body), json({{"id", 9}, {"city", "B"}}));
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].method, "address.list");
  EXPECT_EQ(calls_[0].params, json::object());
  EXPECT_EQ(found.route, "/api/v1/users/me/addresses/{id}");
  HttpReply missing = bridge_.Handle({.method = "GET", .path = "/api/v1/users/me/addresses/5",
                                      .authorization = "Bearer t"});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["detail"], "address 5 not found");
  HttpReply bad = bridge_.Handle({.method = "GET", .path = "/api/v1/users/me/addresses/x",
                                  .authorization = "Bearer t"});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(calls_.size(), 2u);
}

TEST_F(BridgeTest, InventoryCheckSaysWhetherTheQuantityIsAvailable) {
  next_result_ = {{"product_id", "p1"}, {"available_quantity", 3}, {"reserved_quantity", 0}};
  HttpReply reply = bridge_.Handle({.method = "GET", .path = "/api/v1/inventory/check",
                                    .params = {{"product_id", "p1"}, {"quantity", "4"}},
                                    .authorization = "Bearer t"});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body), json({{"product_id", "p1"}, {"quantity", 4},
                                           {"available", false}, {"available_quantity", 3}}));
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].method, "inventory.get");
  EXPECT_EQ(calls_[0].params, json({{"product_id", "p1"}}));
}

TEST_F(BridgeTest, CategoryListIsAListOfStrings) {
  next_result_ = json::array({{{"category", "Audio"}, {"products", 1}}});
  HttpReply reply = bridge_.Handle({.method = "GET", .path = "/api/v1/products/category/list"});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"(["Audio"])");
}

TEST_F(BridgeTest, UserOrdersListThatUsersOrders) {
  next_result_ = json::array({{{"id", "o1"}, {"user_id", 3}}});
  HttpReply reply = bridge_.Handle({.method = "GET", .path = "/api/v1/orders/user/3",
                                    .params = {{"start_date", "2025-05-01"}},
                                    .authorization = "Bearer t"});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body), json::parse(R"([{"_id":"o1","user_id":"3"}])"));
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].method, "order.list");
  EXPECT_EQ(calls_[0].params, json({{"user_id", 3}, {"since", "2025-05-01"}}));
}

TEST_F(BridgeTest, MalformedJsonIs422BeforeAnyCall) {
  HttpReply reply = bridge_.Handle({.method = "POST", .path = "/api/v1/auth/register",
                                    .content_type = "application/json", .body = "{oops"});
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(json::parse(reply.body)["detail"][0]["type"], "json_invalid");
  EXPECT_TRUE(calls_.empty());
}

TEST_F(BridgeTest, CreatingInventoryThatExistsIs409NamingTheProduct) {
  next_result_ = {{"product_id", "p1"}, {"available_quantity", 5}};
  HttpReply reply = bridge_.Handle({.method = "POST", .path = "/api/v1/inventory/",
                                    .content_type = "application/json",
                                    .authorization = "Bearer tok",
                                    .body = R"({"product_id": "p1", "available_quantity": 100})"});
  EXPECT_EQ(reply.status, 409);
  EXPECT_EQ(json::parse(reply.body)["detail"],
            "Inventory for product p1 already exists: mart creates it with the product. "
            "Change it with PUT /api/v1/inventory/p1");
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].method, "inventory.get");
  EXPECT_EQ(calls_[0].params["product_id"], "p1");
}

TEST_F(BridgeTest, CreatingInventoryForAMissingProductIs404) {
  next_error_ = NotFound("product p9 not found");
  HttpReply reply = bridge_.Handle({.method = "POST", .path = "/api/v1/inventory",
                                    .content_type = "application/json",
                                    .authorization = "Bearer tok",
                                    .body = R"({"product_id": "p9"})"});
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(json::parse(reply.body)["detail"], "product p9 not found");
}

}  // namespace
}  // namespace mart::rest
