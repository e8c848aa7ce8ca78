// The product specs' money arguments through ValidateParams: bounds are in
// cents and messages show amounts, so `--price 0` reads "not 0.00".
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "mart/commands/spec.h"
#include "util/spec.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Spec;

json NewProduct(json price) {
  return {{"name", "Premium Smartphone"}, {"category", "Electronics"}, {"price", price},
          {"quantity", 50}};
}

void ExpectInvalid(const Status& status, std::string_view message, std::string_view field) {
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();
  EXPECT_EQ(status.message(), message);
  EXPECT_EQ(status.details().value("field", ""), field) << status.details().dump();
}

TEST(ProductCommandsTest, PriceArgsAreMoneyWithCentBounds) {
  const CommandSpec& create = Spec("product.create");
  auto price = std::find_if(create.args.begin(), create.args.end(),
                            [](const ArgSpec& arg) { return arg.name == "price"; });
  ASSERT_NE(price, create.args.end());
  EXPECT_EQ(price->type, ArgType::kMoney);
  EXPECT_EQ(price->min, 1);              // one cent
  EXPECT_EQ(price->max, 1'000'000'000);  // 10,000,000.00
  EXPECT_TRUE(price->required);
}

TEST(ProductCommandsTest, SeedPricesAreAccepted) {
  const CommandSpec& create = Spec("product.create");
  for (json price : {json(899.99), json(249.99), json(179.99), json("899.99"), json(5)}) {
    EXPECT_TRUE(ValidateParams(create, NewProduct(price)).ok()) << price.dump();
  }
}

TEST(ProductCommandsTest, PriceBoundsAreInclusiveInCents) {
  const CommandSpec& create = Spec("product.create");
  EXPECT_TRUE(ValidateParams(create, NewProduct(0.01)).ok());
  EXPECT_TRUE(ValidateParams(create, NewProduct("10000000.00")).ok());
  EXPECT_TRUE(ValidateParams(create, NewProduct(10000000)).ok());
  ExpectInvalid(ValidateParams(create, NewProduct(0)),
                "price must be between 0.01 and 10000000.00, not 0.00", "price");
  ExpectInvalid(ValidateParams(create, NewProduct("0.00")),
                "price must be between 0.01 and 10000000.00, not 0.00", "price");
  ExpectInvalid(ValidateParams(create, NewProduct(-1)),
                "price must be between 0.01 and 10000000.00, not -1.00", "price");
  ExpectInvalid(ValidateParams(create, NewProduct("10000000.01")),
                "price must be between 0.01 and 10000000.00, not 10000000.01", "price");
}

TEST(ProductCommandsTest, MalformedPricesNameTheField) {
  const CommandSpec& create = Spec("product.create");
  ExpectInvalid(ValidateParams(create, NewProduct("1.999")),
                "price must be an amount with at most two decimals, not '1.999'", "price");
  ExpectInvalid(ValidateParams(create, NewProduct(1.999)),
                "price must be an amount with at most two decimals, not '1.999'", "price");
  ExpectInvalid(ValidateParams(create, NewProduct("abc")),
                "price must be an amount with at most two decimals, not 'abc'", "price");
  ExpectInvalid(ValidateParams(create, NewProduct(true)), "price must be a number", "price");
  json missing = NewProduct(1);
  missing.erase("price");
  ExpectInvalid(ValidateParams(create, missing), "price is required", "price");
}

TEST(ProductCommandsTest, UpdateTakesTheSamePriceBounds) {
  const CommandSpec& update = Spec("product.update");
  const std::string id = "66f1c0ffee0000000000abcd";
  EXPECT_TRUE(ValidateParams(update, {{"id", id}}).ok());  // price optional here
  EXPECT_TRUE(ValidateParams(update, {{"id", id}, {"price", "849.99"}}).ok());
  ExpectInvalid(ValidateParams(update, {{"id", id}, {"price", 0}}),
                "price must be between 0.01 and 10000000.00, not 0.00", "price");
}

TEST(ProductCommandsTest, ListPriceRangeAllowsZeroButNotNegative) {
  const CommandSpec& list = Spec("product.list");
  EXPECT_TRUE(ValidateParams(list, {{"min_price", 100}, {"max_price", "300"}}).ok());
  EXPECT_TRUE(ValidateParams(list, {{"min_price", 0}}).ok());
  ExpectInvalid(ValidateParams(list, {{"min_price", -0.01}}),
                "min_price must be between 0.00 and 10000000.00, not -0.01", "min_price");
  ExpectInvalid(ValidateParams(list, {{"max_price", "1.5.0"}}),
                "max_price must be an amount with at most two decimals, not '1.5.0'", "max_price");
}

TEST(ProductCommandsTest, QuantityAndThresholdAreNonNegative) {
  const CommandSpec& create = Spec("product.create");
  json params = NewProduct(1);
  params["quantity"] = 0;
  params["reorder_threshold"] = 0;
  EXPECT_TRUE(ValidateParams(create, params).ok());
  params["quantity"] = -1;
  EXPECT_EQ(ValidateParams(create, params).details().value("field", ""), "quantity");
  params["quantity"] = 1;
  params["reorder_threshold"] = -1;
  EXPECT_EQ(ValidateParams(create, params).details().value("field", ""), "reorder_threshold");
}

TEST(ProductCommandsTest, NameAndCategoryAreBounded) {
  const CommandSpec& create = Spec("product.create");
  json params = NewProduct(1);
  params["name"] = std::string(200, 'n');
  EXPECT_TRUE(ValidateParams(create, params).ok());
  params["name"] = std::string(201, 'n');
  ExpectInvalid(ValidateParams(create, params), "name is longer than 200 bytes", "name");
  params = NewProduct(1);
  params["category"] = std::string(101, 'c');
  ExpectInvalid(ValidateParams(create, params), "category is longer than 100 bytes", "category");
}

}  // namespace
}  // namespace mart
