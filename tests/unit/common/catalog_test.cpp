#include "mart/domain/catalog.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "mart/text.h"

namespace mart {
namespace {

using nlohmann::json;

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

constexpr int64_t kCreated = 1747308600000000;  // 2025-05-15T11:30:00Z

TEST(DefaultReorderThresholdTest, TenPercentWithAFloorOfFive) {
  EXPECT_EQ(DefaultReorderThreshold(50), 5);
  EXPECT_EQ(DefaultReorderThreshold(100), 10);
  EXPECT_EQ(DefaultReorderThreshold(75), 7);  // rounds down
  EXPECT_EQ(DefaultReorderThreshold(0), 5);
  EXPECT_EQ(DefaultReorderThreshold(1), 5);
  EXPECT_EQ(DefaultReorderThreshold(59), 5);
  EXPECT_EQ(DefaultReorderThreshold(60), 6);
  EXPECT_EQ(DefaultReorderThreshold(1000), 100);
  EXPECT_EQ(DefaultReorderThreshold(1'000'000'000), 100'000'000);
}

// The seeds' field names, except the own id: `id` as every object's (the REST
// bridge shows it as the seeds' `_id`).
TEST(ProductJsonTest, SeedFieldNamesAndTypes) {
  Product p{.id = "66f1c0ffee0000000000abcd", .name = "Premium Smartphone",
            .description = "Latest model with advanced features", .category = "Electronics",
            .price_cents = 89999, .quantity = 50, .created_at = kCreated,
            .updated_at = kCreated + 1000000};
  json j = ToJson(p);
  EXPECT_EQ(Keys(j), (std::set<std::string>{"id", "name", "description", "category", "price",
                                            "quantity", "created_at", "updated_at"}));
  EXPECT_EQ(j["id"], "66f1c0ffee0000000000abcd");
  EXPECT_EQ(j["name"], "Premium Smartphone");
  EXPECT_EQ(j["description"], "Latest model with advanced features");
  EXPECT_EQ(j["category"], "Electronics");
  ASSERT_TRUE(j["price"].is_number());  // a number, as in the seeds, not a string
  EXPECT_EQ(j["price"].dump(), "899.99");
  ASSERT_TRUE(j["quantity"].is_number_integer());
  EXPECT_EQ(j["quantity"], 50);
  EXPECT_EQ(j["created_at"], FormatTimestamp(kCreated));
  EXPECT_EQ(j["updated_at"], FormatTimestamp(kCreated + 1000000));
  EXPECT_NE(j["created_at"], j["updated_at"]);
}

TEST(ProductJsonTest, WholeAmountsAreStillNumbers) {
  Product p;
  p.id = "66f1c0ffee0000000000abcd";
  p.price_cents = 500;
  json j = ToJson(p);
  ASSERT_TRUE(j["price"].is_number());
  EXPECT_DOUBLE_EQ(j["price"].get<double>(), 5.0);
  EXPECT_EQ(j["description"], "");  // present even when empty
}

InventoryRecord Record(int64_t available, int64_t threshold) {
  return {.id = 3, .product_id = "66f1c0ffee0000000000abcd", .available = available,
          .reserved = 2, .shipped = 4, .reorder_threshold = threshold, .created_at = kCreated,
          .updated_at = kCreated};
}

TEST(InventoryJsonTest, SeedFieldNamesAndTypes) {
  json j = ToJson(Record(50, 5));
  EXPECT_EQ(Keys(j), (std::set<std::string>{"id", "product_id", "available_quantity",
                                            "reserved_quantity", "shipped_quantity", "reorder_threshold",
                                            "is_low_stock", "created_at", "updated_at"}));
  EXPECT_EQ(j["id"], 3);
  EXPECT_EQ(j["product_id"], "66f1c0ffee0000000000abcd");
  EXPECT_EQ(j["available_quantity"], 50);
  EXPECT_EQ(j["reserved_quantity"], 2);
  EXPECT_EQ(j["shipped_quantity"], 4);
  EXPECT_EQ(j["reorder_threshold"], 5);
  EXPECT_EQ(j["is_low_stock"], false);
  EXPECT_EQ(j["created_at"], FormatTimestamp(kCreated));
}

TEST(InventoryJsonTest, LowStockIsAtOrBelowTheThreshold) {
  EXPECT_EQ(ToJson(Record(6, 5))["is_low_stock"], false);
  EXPECT_EQ(ToJson(Record(5, 5))["is_low_stock"], true);
  EXPECT_EQ(ToJson(Record(0, 5))["is_low_stock"], true);
  EXPECT_EQ(ToJson(Record(0, 0))["is_low_stock"], true);
  EXPECT_EQ(ToJson(Record(1, 0))["is_low_stock"], false);
}

TEST(InventoryJsonTest, LowStockFollowsTheQuantityNotTheAlertFlag) {
  InventoryRecord rearmed = Record(50, 5);
  rearmed.low_stock_alerted = true;
  EXPECT_EQ(ToJson(rearmed)["is_low_stock"], false);
  EXPECT_FALSE(ToJson(rearmed).contains("low_stock_alerted"));
}

TEST(StockMovementJsonTest, AllFieldsWithReferenceAndReason) {
  StockMovement m{.id = 9, .product_id = "66f1c0ffee0000000000abcd", .type = "reserve",
                  .delta = -2, .available_before = 50, .available_after = 48,
                  .reserved_before = 0, .reserved_after = 2, .reference = "TICKET-7",
                  .reason = "hold for a customer", .actor = "user 3", .created_at = kCreated};
  json j = ToJson(m);
  EXPECT_EQ(Keys(j), (std::set<std::string>{"id", "product_id", "type", "delta",
                                            "available_before", "available_after",
                                            "reserved_before", "reserved_after", "reference",
                                            "reason", "actor", "created_at"}));
  EXPECT_EQ(j["id"], 9);
  EXPECT_EQ(j["type"], "reserve");
  EXPECT_EQ(j["delta"], -2);
  EXPECT_EQ(j["available_before"], 50);
  EXPECT_EQ(j["available_after"], 48);
  EXPECT_EQ(j["reserved_before"], 0);
  EXPECT_EQ(j["reserved_after"], 2);
  EXPECT_EQ(j["reference"], "TICKET-7");
  EXPECT_EQ(j["reason"], "hold for a customer");
  EXPECT_EQ(j["actor"], "user 3");
  EXPECT_EQ(j["created_at"], FormatTimestamp(kCreated));
}

TEST(StockMovementJsonTest, MissingReferenceAndReasonAreNull) {
  StockMovement m{.product_id = "66f1c0ffee0000000000abcd", .type = "initial", .delta = 50,
                  .available_after = 50, .actor = "the local operator"};
  json j = ToJson(m);
  ASSERT_TRUE(j.contains("reference"));
  ASSERT_TRUE(j.contains("reason"));
  EXPECT_TRUE(j["reference"].is_null());
  EXPECT_TRUE(j["reason"].is_null());
  // An empty string is a value, not a missing one.
  m.reason = "";
  EXPECT_EQ(ToJson(m)["reason"], "");
}

// The text writer and the object agree byte for byte, tricky strings included.
TEST(ProductJsonTest, AppendJsonWritesWhatToJsonDumps) {
  const std::vector<std::string> texts = {
      "", "Smart Watch", "quote \" and backslash \\", "tab\tnew\nline\rcr\bbs\fff",
      std::string("nul\0and\x01\x1f", 10), "del \x7f", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac",
      "bad \xff byte", "truncated \xc3", "/slash/ <tag> &amp;"};
  const std::vector<int64_t> prices = {0, 1, 10, 99, 100, 1050, 123456789, 99999999999};
  const std::vector<int64_t> quantities = {0, -3, 7, 1000000000000};
  size_t i = 0;
  for (const std::string& text : texts) {
    Product p{.id = "65f0a1b2c3d4e5f601234567", .name = text, .description = texts[(i + 3) % texts.size()],
              .category = texts[(i + 5) % texts.size()], .price_cents = prices[i % prices.size()],
              .quantity = quantities[i % quantities.size()], .created_at = 1747308600123456 + int64_t(i),
              .updated_at = -86400000001};
    ++i;
    std::string written;
    AppendJson(&written, p);
    EXPECT_EQ(written, ToJson(p).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << text;
  }
}

}  // namespace
}  // namespace mart
