#include "rest/translate.h"

#include <gtest/gtest.h>

namespace mart::rest {
namespace {

using nlohmann::json;

Result<TranslatedParams> Translate(std::string_view method, const HttpRequest& request,
                                   const std::map<std::string, std::string>& path = {}) {
  return TranslateRequest(*FindCommand(method), RuleFor(method), request, path);
}

TEST(TranslateTest, LoginFormBecomesEmailAndPassword) {
  HttpRequest request{.method = "POST", .path = "/api/v1/auth/login",
                      .params = {{"username", "customer@example.com"},
                                 {"password", "Password123"}, {"grant_type", "password"}},
                      .content_type = "application/x-www-form-urlencoded"};
  Result<TranslatedParams> out = Translate("auth.login", request);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->params, json({{"email", "customer@example.com"}, {"password", "Password123"}}));
  EXPECT_EQ(out->sources.at("email"), "body");
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
                                 {"skip", "5"}, {"limit", "10"}, {"unknown", "x"}}};
  Result<TranslatedParams> out = Translate("product.list", request);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->params, json({{"category", "Electronics"}, {"min_price", "100"},
                               {"offset", 5}, {"limit", 10}, {"sort", "created"},
                               {"desc", false}}));
  EXPECT_EQ(out->sources.at("offset"), "query");
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
  EXPECT_EQ(out->sources.at("id"), "path");
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
  json order = {{"_id", "o"}, {"user_id", 1}};
  EXPECT_EQ(ShapeResult(RuleFor("order.get"), order)["user_id"], "1");
  EXPECT_EQ(ShapeResult(RuleFor("order.list"), json::array({order}))[0]["user_id"], "1");
  EXPECT_EQ(ShapeResult(RuleFor("product.get"), order)["user_id"], 1);
}

TEST(TranslateTest, BearerTokenOnly) {
  EXPECT_EQ(BearerToken("Bearer abc.def"), "abc.def");
  EXPECT_EQ(BearerToken("bearer  abc "), "abc");
  EXPECT_EQ(BearerToken("Basic Zm9vOmJhcg=="), "");
  EXPECT_EQ(BearerToken(""), "");
}

}  // namespace
}  // namespace mart::rest
