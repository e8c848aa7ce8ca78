#include "rest/translate.h"

#include <gtest/gtest.h>

namespace mart::rest {
namespace {

using nlohmann::json;

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = BuildRoutes(AllCommands()).value();
  return kRoutes;
}

// The route of `method` under its own rule, or the one with this pattern.
const Route& RouteOf(std::string_view method, std::string_view pattern = {}) {
  for (const Route& route : Routes()) {
    if (route.spec->method != method) continue;
    if (pattern.empty() ? route.rule == &RuleFor(method) : route.pattern == pattern) return route;
  }
  ADD_FAILURE() << "no route for " << method << " " << pattern;
  return Routes().front();
}

Result<TranslatedParams> Translate(std::string_view method, const HttpRequest& request,
                                   const std::map<std::string, std::string>& path = {}) {
  return TranslateRequest(RouteOf(method), request, path);
}

TEST(TranslateTest, LoginFormBecomesEmailAndPassword) {
  HttpRequest request{.method = "POST", .path = "/api/v1/auth/login",
                      .params = {{"username", "customer@example.com"},
                                 {"password", "Password123"}, {"grant_type", "password"}},
                      .content_type = "application/x-www-form-urlencoded"};
  Result<TranslatedParams> out = Translate("auth.login", request);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->params, json({{"email", "customer@example.com"}, {"password", "Password123"}}));
  EXPECT_EQ(out->sources.at("email").source, "body");
  EXPECT_EQ(out->sources.at("email").name, "username");
}

TEST(TranslateTest, LoginAlsoTakesJson) {
  HttpRequest request{.method = "POST", .content_type = "application/json",
                      .body = R"({"email":"a@b.c","password":"Pw123456"})"};
  Result<TranslatedParams> out = Translate("auth.login", request);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->params["email"], "a@b.c");
}

TEST(TranslateTest, QueryValuesTakeTheArgsTypesAndAliases) {
  HttpRequest request{.method = "GET",
                      .params = {{"category", "Electronics"}, {"min_price", "100"},
                                 {"skip", "5"}, {"limit", "10"}}};
  Result<TranslatedParams> out = Translate("product.list", request);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->params, json({{"category", "Electronics"}, {"min_price", "100"},
                               {"offset", 5}, {"limit", 10}, {"sort", "created"},
                               {"desc", false}}));
  EXPECT_EQ(out->sources.at("offset").source, "query");
}

TEST(TranslateTest, PaymentBodyTakesTheOrderIdAndSeed001Names) {
  HttpRequest request{.method = "POST", .content_type = "application/json",
                      .body = R"({"order_id":"66f1c0ffee0000000000beef","card_number":"4242",)"
                              R"("card_expiry":"12/30","card_cvv":"123"})"};
  Result<TranslatedParams> out = Translate("order.pay", request);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->params, json({{"id", "66f1c0ffee0000000000beef"}, {"card_number", "4242"},
                               {"expiry", "12/30"}, {"cvc", "123"}}));
  EXPECT_EQ(RuleFor("order.pay").success_status, 201);
}

TEST(TranslateTest, ProductsListOldestFirstUnlessAsked) {
  HttpRequest request{.method = "GET", .params = {{"sort", "price"}, {"desc", "true"}}};
  Result<TranslatedParams> out = Translate("product.list", request);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->params, json({{"sort", "price"}, {"desc", true}}));
}

TEST(TranslateTest, BadQueryIntegerIsA422OnTheQuery) {
  HttpRequest request{.method = "GET", .params = {{"limit", "ten"}}};
  Result<TranslatedParams> out = Translate("product.list", request);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(out.status().details()["loc"], json({"query", "limit"}));
  EXPECT_EQ(out.status().details()["type"], "int_parsing");
}

// Issue 17 item 12: the loc names what the client sent, not mart's param.
TEST(TranslateTest, BadQueryValueIsNamedAsTheClientSentIt) {
  HttpRequest request{.method = "GET", .params = {{"skip", "two"}}};
  Result<TranslatedParams> out = Translate("product.list", request);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().details()["loc"], json({"query", "skip"}));
  Result<TranslatedParams> path =
      TranslateRequest(RouteOf("address.list", "/api/v1/users/me/addresses/{id}"),
                       {.method = "GET"}, {{"id", "first"}});
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().details()["loc"], json({"path", "address_id"}));
}

TEST(TranslateTest, BoolQueryAliasForLowStock) {
  HttpRequest request{.method = "GET", .params = {{"low_stock_only", "true"}}};
  Result<TranslatedParams> out = Translate("inventory.list", request);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->params, json({{"low_stock", true}}));
}

TEST(TranslateTest, SeedOrderBodyConvertsTheStringUserId) {
  HttpRequest request{.method = "POST", .content_type = "application/json",
                      .body = R"({"user_id":"1","items":[{"product_id":"p","quantity":1,
                                  "price":899.99}],"shipping_address":{"line1":"1"}})"};
  Result<TranslatedParams> out = Translate("order.place", request);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->params["user_id"], 1);
  EXPECT_EQ(out->params["items"][0]["price"], 899.99);
}

TEST(TranslateTest, PathParamsOverrideTheBody) {
  HttpRequest request{.method = "PUT", .content_type = "application/json",
                      .body = R"({"id":"other","status":"paid"})"};
  Result<TranslatedParams> out = Translate("order.status", request, {{"id", "abc"}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->params, json({{"id", "abc"}, {"status", "paid"}}));
  EXPECT_EQ(out->sources.at("id").source, "path");
  EXPECT_EQ(out->sources.at("id").name, "order_id");
}

TEST(TranslateTest, MalformedJsonIsJsonInvalid) {
  HttpRequest request{.method = "POST", .content_type = "application/json", .body = "{\"a\": "};
  Result<TranslatedParams> out = Translate("product.create", request);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().details()["type"], "json_invalid");
}

// Found with the rest fuzz target (tests/fuzz/regressions/rest): a body
// nested 100000 deep overflowed the stack when its params were copied on the
// way to martd.
TEST(TranslateTest, DeeplyNestedBodyIsRefusedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  HttpRequest request{.method = "POST", .content_type = "application/json",
                      .body = R"({"items":)" + deep + "}"};
  Result<TranslatedParams> out = Translate("order.place", request);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(out.status().details()["type"], "json_invalid");
  request.body = R"({"items":[{"product_id":"66f1c0ffee0000000000abcd","quantity":1}]})";
  EXPECT_TRUE(Translate("order.place", request).ok());
}

TEST(TranslateTest, NonObjectBodyAndFormOnJsonRouteAreRefused) {
  HttpRequest array{.method = "POST", .content_type = "application/json", .body = "[1]"};
  EXPECT_EQ(Translate("product.create", array).status().details()["type"],
            "model_attributes_type");
  HttpRequest form{.method = "POST", .content_type = "application/x-www-form-urlencoded",
                   .body = "name=x"};
  EXPECT_EQ(Translate("product.create", form).status().code(), Code::kInvalidArgument);
}

TEST(TranslateTest, OrdersShowUserIdAsAString) {
  json order = {{"id", "o"}, {"user_id", 1}};
  EXPECT_EQ(ShapeResult(RuleFor("order.get"), order).value()["user_id"], "1");
  EXPECT_EQ(ShapeResult(RuleFor("order.list"), json::array({order})).value()[0]["user_id"], "1");
  EXPECT_EQ(ShapeResult(RuleFor("product.get"), order).value()["user_id"], 1);
}

// martd names every object's own id `id`; the seeds' products and orders say
// `_id` (seeds 000 and 004), so every route that answers with them renames it,
// in one object and in each element of a list, and nothing else.
TEST(TranslateTest, ProductsAndOrdersShowTheSeedsId) {
  const json product = {{"id", "p"}, {"name", "Lamp"}};
  const json order = {{"id", "o"}, {"user_id", 1},
                      {"items", json::array({{{"product_id", "p"}, {"quantity", 1}}})}};
  const json seed_product = {{"_id", "p"}, {"name", "Lamp"}};
  for (const char* method : {"product.create", "product.get", "product.update", "product.delete"}) {
    EXPECT_EQ(ShapeResult(RuleFor(method), product).value(), seed_product) << method;
  }
  EXPECT_EQ(ShapeResult(RuleFor("product.list"), json::array({product, product})).value(),
            json::array({seed_product, seed_product}));
  for (const char* method : {"order.place", "order.get", "order.status", "order.cancel"}) {
    json shaped = ShapeResult(RuleFor(method), order).value();
    EXPECT_EQ(shaped["_id"], "o") << method;
    EXPECT_FALSE(shaped.contains("id")) << method;
    EXPECT_EQ(shaped["items"], order["items"]) << "references keep their names";
  }
  EXPECT_EQ(ShapeResult(RuleFor("order.list"), json::array({order})).value()[0]["_id"], "o");
  for (const RouteRule& rule : ExtraRules()) {
    if (rule.method != "order.list") continue;
    EXPECT_EQ(ShapeResult(rule, json::array({order})).value()[0]["_id"], "o") << rule.rest;
  }
  // Every other object keeps its own `id`, as the seeds show users, addresses
  // and inventory records.
  const json record = {{"id", 1}, {"product_id", "p"}};
  for (const char* method : {"inventory.get", "profile.show", "address.add", "order.pay"}) {
    EXPECT_EQ(ShapeResult(RuleFor(method), record).value(), record) << method;
  }
}

// Issue 17 item 14: seed 000's clients hold stock for an order and adjust by
// quantity_change; mart's own names keep working.
TEST(TranslateTest, SeedInventoryBodiesMapToTheHoldAndTheDelta) {
  HttpRequest reserve{.method = "POST", .content_type = "application/json",
                      .body = R"({"product_id":"p1","quantity":2,"order_id":"o-7"})"};
  Result<TranslatedParams> out = Translate("inventory.reserve", reserve);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->params, json({{"product_id", "p1"}, {"quantity", 2}, {"reference", "o-7"}}));
  EXPECT_EQ(out->sources.at("reference").name, "order_id");
  reserve.body = R"({"product_id":"p1","quantity":2})";
  EXPECT_EQ(Translate("inventory.reserve", reserve)->params["reference"], "rest-api");
  EXPECT_EQ(Translate("inventory.release", reserve)->params["reference"], "rest-api");
  reserve.body = R"({"product_id":"p1","quantity":2,"reference":"TICKET-7"})";
  EXPECT_EQ(Translate("inventory.release", reserve)->params["reference"], "TICKET-7");
  HttpRequest adjust{.method = "POST", .content_type = "application/json",
                     .body = R"({"product_id":"p1","quantity_change":-3})"};
  out = Translate("inventory.adjust", adjust);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->params, json({{"product_id", "p1"}, {"delta", -3},
                               {"reason", "adjusted through the REST API"}}));
  adjust.body = R"({"product_id":"p1","delta":4,"reason":"recount"})";
  EXPECT_EQ(Translate("inventory.adjust", adjust)->params,
            json({{"product_id", "p1"}, {"delta", 4}, {"reason", "recount"}}));
}

TEST(TranslateTest, OrderListsHonourStartAndEndDates) {
  HttpRequest request{.method = "GET", .params = {{"start_date", "2025-05-15"},
                                                  {"end_date", "2025-05-16T10:00:00Z"}}};
  Result<TranslatedParams> out = Translate("order.list", request);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->params["since"], "2025-05-15");
  // The seeds keep an order placed exactly at end_date; mart's until is exclusive.
  EXPECT_EQ(out->params["until"], "2025-05-16T10:00:00.000001+00:00");
  request.params = {{"end_date", "yesterday"}};
  out = Translate("order.list", request);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().details()["loc"], json({"query", "end_date"}));
  // mart's own name stays exclusive.
  request.params = {{"until", "2025-05-16"}};
  EXPECT_EQ(Translate("order.list", request)->params["until"], "2025-05-16");
}

TEST(TranslateTest, UserOrdersTakeTheUserFromThePath) {
  const Route& route = RouteOf("order.list", "/api/v1/orders/user/{user_id}");
  HttpRequest request{.method = "GET", .params = {{"skip", "1"}, {"status", "paid"}}};
  Result<TranslatedParams> out = TranslateRequest(route, request, {{"user_id", "7"}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->params, json({{"user_id", 7}, {"offset", 1}, {"status", "paid"}}));
  EXPECT_EQ(ShapeResult(*route.rule, json::array({{{"user_id", 7}}})).value()[0]["user_id"], "7");
}

// An ignored filter returns the wrong rows: a list refuses what it does not take.
TEST(TranslateTest, ListsRefuseQueryParametersTheyDoNotTake) {
  HttpRequest request{.method = "GET", .params = {{"page", "2"}}};
  for (std::string_view method : {"product.list", "order.list", "inventory.list",
                                  "notification.list", "payment.list", "inventory.history"}) {
    Result<TranslatedParams> out = Translate(method, request, {{"product_id", "p1"}});
    ASSERT_FALSE(out.ok()) << method;
    EXPECT_EQ(out.status().details()["loc"], json({"query", "page"})) << method;
    EXPECT_EQ(out.status().details()["type"], "extra_forbidden") << method;
  }
  Result<TranslatedParams> orders = Translate("order.list", request);
  EXPECT_NE(orders.status().message().find("skip"), std::string::npos)
      << orders.status().message();
  EXPECT_NE(orders.status().message().find("start_date"), std::string::npos);
  // One object: an extra parameter filters nothing.
  EXPECT_TRUE(Translate("product.get", request, {{"id", "p1"}}).ok());
}

TEST(TranslateTest, AvailabilityCheckTakesAQuantity) {
  const Route& route = RouteOf("inventory.get", "/api/v1/inventory/check");
  HttpRequest request{.method = "GET", .params = {{"product_id", "p1"}, {"quantity", "5"}}};
  Result<TranslatedParams> out = TranslateRequest(route, request, {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->params, json({{"product_id", "p1"}}));
  EXPECT_EQ(out->own, json({{"quantity", 5}}));
  const json record = {{"product_id", "p1"}, {"available_quantity", 5},
                       {"reserved_quantity", 1}};
  EXPECT_EQ(ShapeResult(*route.rule, record, out->own).value(),
            json({{"product_id", "p1"}, {"quantity", 5}, {"available", true},
                  {"available_quantity", 5}}));
  EXPECT_EQ(ShapeResult(*route.rule, record, {{"quantity", 6}}).value()["available"], false);
  request.params = {{"product_id", "p1"}};
  out = TranslateRequest(route, request, {});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().details()["loc"], json({"query", "quantity"}));
  EXPECT_EQ(out.status().details()["type"], "missing");
  request.params = {{"product_id", "p1"}, {"quantity", "0"}};
  EXPECT_EQ(TranslateRequest(route, request, {}).status().details()["type"],
            "greater_than_equal");
}

TEST(TranslateTest, OneAddressOutOfTheList) {
  const RouteRule& rule = *RouteOf("address.list", "/api/v1/users/me/addresses/{id}").rule;
  const json addresses = json::array({{{"id", 1}, {"city", "A"}}, {{"id", 3}, {"city", "B"}}});
  EXPECT_EQ(ShapeResult(rule, addresses, {{"id", 3}}).value()["city"], "B");
  Result<json> missing = ShapeResult(rule, addresses, {{"id", 2}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "address 2 not found");
}

TEST(TranslateTest, CategoriesAreAListOfNames) {
  const json categories = json::array({{{"category", "Audio"}, {"products", 1}},
                                       {{"category", "Electronics"}, {"products", 2}}});
  EXPECT_EQ(ShapeResult(RuleFor("product.categories"), categories).value(),
            json({"Audio", "Electronics"}));
}

// Issue 17 item 12: a 422 from martd names the field the client sent.
TEST(TranslateTest, DaemonErrorsNameTheClientsField) {
  const Route& pay = RouteOf("order.pay");
  HttpRequest body{.method = "POST", .content_type = "application/json",
                   .body = R"({"order_id":"xyz","card_expiry":"13/99"})"};
  TranslatedParams params = TranslateRequest(pay, body, {}).value();
  Status bad_id = ForClient(InvalidArgument("id must be 24 hex characters", {{"field", "id"}}),
                            pay, params);
  EXPECT_EQ(bad_id.details()["loc"], json({"body", "order_id"}));
  EXPECT_EQ(bad_id.message(), "order_id must be 24 hex characters");
  EXPECT_EQ(ForClient(InvalidArgument("bad expiry", {{"field", "expiry"}}), pay, params)
                .details()["loc"],
            json({"body", "card_expiry"}));
  // Not sent at all: the seeds' name, where the client would have put it.
  Status missing = ForClient(InvalidArgument("cvc is required", {{"field", "cvc"}}), pay, params);
  EXPECT_EQ(missing.details()["loc"], json({"body", "card_cvv"}));
  EXPECT_EQ(missing.message(), "card_cvv is required");
  const Route& adjust = RouteOf("inventory.adjust");
  EXPECT_EQ(ForClient(InvalidArgument("delta is required", {{"field", "delta"}}), adjust, {})
                .details()["loc"],
            json({"body", "quantity_change"}));
  const Route& list = RouteOf("order.list");
  EXPECT_EQ(ForClient(InvalidArgument("bad", {{"field", "offset"}}), list, {}).details()["loc"],
            json({"query", "skip"}));
  EXPECT_EQ(ForClient(InvalidArgument("bad", {{"field", "since"}}), list, {}).details()["loc"],
            json({"query", "start_date"}));
  const Route& get = RouteOf("order.get");
  TranslatedParams path = TranslateRequest(get, {.method = "GET"}, {{"id", "xyz"}}).value();
  EXPECT_EQ(ForClient(InvalidArgument("bad id", {{"field", "id"}}), get, path).details()["loc"],
            json({"path", "order_id"}));
  // A nested field is split as FastAPI writes it; other codes pass as they are.
  EXPECT_EQ(ForClient(InvalidArgument("x", {{"field", "items[0].quantity"}}),
                      RouteOf("order.place"), {})
                .details()["loc"],
            json({"body", "items", 0, "quantity"}));
  EXPECT_EQ(ForClient(NotFound("order x not found"), get, path).details(), nullptr);
}

TEST(TranslateTest, BearerTokenOnly) {
  EXPECT_EQ(BearerToken("Bearer abc.def"), "abc.def");
  EXPECT_EQ(BearerToken("bearer  abc "), "abc");
  EXPECT_EQ(BearerToken("Basic Zm9vOmJhcg=="), "");
  EXPECT_EQ(BearerToken(""), "");
}

}  // namespace
}  // namespace mart::rest
