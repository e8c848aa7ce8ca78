#include "rest/shape_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rest/translate.h"

namespace mart::rest {
namespace {

using nlohmann::json;

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The text path must write the bytes the value path writes: what clients saw
// before it existed, for every shape it takes.
void ExpectSameAsValuePath(std::string_view method, const json& result) {
  const RouteRule& rule = RuleFor(method);
  ASSERT_TRUE(ShapesText(rule)) << method;
  EXPECT_EQ(ShapeResultText(rule, Dump(result)), Dump(ShapeResult(rule, result).value()))
      << method << ": " << Dump(result);
}

TEST(ShapeTextTest, ProductsMatchTheValuePathByteForByte) {
  const json product = {{"id", "65a1b2c3d4e5f60718293a4b"},
                        {"name", "Lamp \"deluxe\" {x} [y], \u00e9\\"},
                        {"description", "id: \"id\""},
                        {"category", "Home"},
                        {"price", 12.5},
                        {"stock", 3},
                        {"tags", json::array({"a", json::object({{"id", 1}})})},
                        {"attributes", {{"id", "nested ids stay"}, {"Z", nullptr}}},
                        {"Upper", true},
                        {"active", false}};
  ExpectSameAsValuePath("product.get", product);
  ExpectSameAsValuePath("product.list", json::array({product, product}));
  ExpectSameAsValuePath("product.list", json::array());
  ExpectSameAsValuePath("product.list", json::array({product, 5, "x", nullptr}));
  ExpectSameAsValuePath("product.get", json::object({{"name", "no id"}}));
  ExpectSameAsValuePath("product.get", json::object({{"id", "p"}, {"_id", "kept"}}));
  ExpectSameAsValuePath("product.get", json::object({{"id", "p"}}));
  ExpectSameAsValuePath("product.get", json::object({{"A", 1}, {"id", "p"}}));
  ExpectSameAsValuePath("product.get", json::object({{"A", 1}, {"id", "p"}, {"zz", -0.25}}));
}

TEST(ShapeTextTest, AsIsResultsPassThrough) {
  ExpectSameAsValuePath("inventory.get", json::object({{"product_id", "p"}, {"quantity", 3}}));
  EXPECT_EQ(ShapeResultText(RuleFor("inventory.get"), R"({"a":1})"), R"({"a":1})");
}

TEST(ShapeTextTest, RulesThatReshapeOrNameTheDaemonAreNotText) {
  EXPECT_FALSE(ShapesText(RuleFor("order.get")));
  EXPECT_FALSE(ShapesText(RuleFor("product.categories")));
  EXPECT_FALSE(ShapesText(RuleFor("daemon.status")));
}

}  // namespace
}  // namespace mart::rest
