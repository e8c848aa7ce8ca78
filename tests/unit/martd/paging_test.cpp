// Paged lists over the wire (PROTOCOL.md §3, `next`): a page that has rows
// after it says so with a cursor, the cursor continues exactly after the
// page's last row (keyset: rows added meanwhile neither repeat nor push rows
// out), the last page has no cursor, and a bad cursor is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "mart/commands/spec.h"
#include "util/test_dispatch.h"

namespace mart::rpc {
namespace {

using nlohmann::json;

class PagingTest : public ::testing::Test {
 protected:
  const std::string op_ = test::ServiceHarness::CookieAuth();

  json Ok(std::string_view method, json params) {
    Reply reply = harness_.Call(method, std::move(params), op_);
    EXPECT_TRUE(reply.status.ok()) << method << ": " << reply.status.ToString();
    return reply.result;
  }

  std::string CreateProduct(const std::string& name, const std::string& price) {
    return Ok("product.create", {{"name", name}, {"category", "Tools"}, {"price", price},
                                 {"quantity", 50}})["id"];
  }

  // Every page of `method` at `limit` rows, following `next`: the pages' sizes.
  std::vector<size_t> PageSizes(std::string_view method, json params, int limit,
                                json* rows) {
    std::vector<size_t> sizes;
    params["limit"] = limit;
    for (int guard = 0; guard < 100; ++guard) {
      Reply page = harness_.Call(method, params, op_);
      EXPECT_TRUE(page.status.ok()) << page.status.ToString();
      if (!page.status.ok()) break;
      sizes.push_back(page.result.size());
      for (const json& row : page.result) rows->push_back(row);
      if (page.next.empty()) break;
      params["cursor"] = page.next;
    }
    return sizes;
  }

  // The pages at `limit` rows hold exactly the rows of one big page, in order.
  void ExpectPagesMatchOneList(std::string_view method, json params, int limit,
                               std::vector<size_t> expected_sizes) {
    json all_params = params;
    all_params["limit"] = 1000;
    json whole = Ok(method, all_params);
    json paged = json::array();
    EXPECT_EQ(PageSizes(method, params, limit, &paged), expected_sizes) << method;
    EXPECT_EQ(paged, whole) << method;
  }

  test::DispatchHarness harness_;
};

TEST_F(PagingTest, ProductsPageInEverySortAndDirection) {
  for (int i = 0; i < 7; ++i) {
    CreateProduct("Item " + std::string(1, static_cast<char>('G' - i)), std::to_string(10 + i % 3));
  }
  for (const char* sort : {"created", "name", "price"}) {
    for (bool desc : {false, true}) {
      SCOPED_TRACE(std::string(sort) + (desc ? " desc" : " asc"));
      ExpectPagesMatchOneList("product.list", {{"sort", sort}, {"desc", desc}}, 3, {3, 3, 1});
    }
  }
}

TEST_F(PagingTest, AFullLastPageHasNoCursor) {
  for (int i = 0; i < 4; ++i) CreateProduct("P" + std::to_string(i), "1.50");
  Reply first = harness_.Call("product.list", {{"limit", 2}}, op_);
  ASSERT_TRUE(first.status.ok());
  EXPECT_FALSE(first.next.empty());
  EXPECT_EQ(first.next, first.result[1]["id"]);  // the page's last row
  Reply last = harness_.Call("product.list", {{"limit", 2}, {"cursor", first.next}}, op_);
  ASSERT_TRUE(last.status.ok());
  EXPECT_EQ(last.result.size(), 2u);
  EXPECT_TRUE(last.next.empty());
  Reply all = harness_.Call("product.list", {{"limit", 4}}, op_);
  EXPECT_TRUE(all.next.empty());
}

TEST_F(PagingTest, RowsAddedBetweenPagesNeitherRepeatNorPushRowsOut) {
  std::set<std::string> created;
  for (int i = 0; i < 4; ++i) {
    created.insert(CreateProduct("Old " + std::to_string(i), "2.00"));
    harness_.clock().AdvanceSeconds(1);
  }
  Reply first = harness_.Call("product.list", {{"limit", 2}}, op_);  // newest first
  ASSERT_TRUE(first.status.ok());
  CreateProduct("Newer", "3.00");  // lands before the cursor: not on later pages
  Reply second = harness_.Call("product.list", {{"limit", 2}, {"cursor", first.next}}, op_);
  ASSERT_TRUE(second.status.ok());
  std::set<std::string> seen;
  for (const Reply* page : {&first, &second}) {
    for (const json& row : page->result) EXPECT_TRUE(seen.insert(row["id"]).second);
  }
  EXPECT_EQ(seen, created);
  EXPECT_TRUE(second.next.empty());
}

TEST_F(PagingTest, UsersInventoryAndLedgerPage) {
  for (int i = 0; i < 4; ++i) harness_.SignUp("user" + std::to_string(i) + "@example.com");
  ExpectPagesMatchOneList("user.list", json::object(), 2, {2, 2});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(CreateProduct("Stock " + std::to_string(i), "4.25"));
  ExpectPagesMatchOneList("inventory.list", json::object(), 2, {2, 2, 1});
  for (int i = 1; i <= 4; ++i) {
    Ok("inventory.adjust", {{"product_id", ids[0]}, {"delta", -i}, {"reason", "counted again"}});
  }
  ExpectPagesMatchOneList("inventory.history", {{"product_id", ids[0]}}, 2, {2, 2, 1});
}

TEST_F(PagingTest, OrdersPageNewestFirst) {
  const std::string product = CreateProduct("Widget", "9.99");
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  const json address = {{"line1", "1 Main St"}, {"city", "Springfield"}, {"postal_code", "12345"},
                        {"country", "US"}};
  for (int i = 0; i < 5; ++i) {
    Reply placed = harness_.Call(
        "order.place",
        {{"items", json::array({{{"product_id", product}, {"quantity", 1}}})},
         {"shipping_address", address}},
        ann.access_token(), "key-" + std::to_string(i));
    ASSERT_TRUE(placed.status.ok()) << placed.status.ToString();
  }
  ExpectPagesMatchOneList("order.list", json::object(), 2, {2, 2, 1});
  ExpectPagesMatchOneList("payment.list", json::object(), 2, {0});
}

TEST_F(PagingTest, ABadCursorIsRefusedNamingTheField) {
  for (const char* method : {"user.list", "inventory.list", "notification.list", "payment.list",
                             "dlq.list"}) {
    Reply reply = harness_.Call(method, {{"cursor", "abc"}}, op_);
    EXPECT_EQ(reply.status.code(), Code::kInvalidArgument) << method;
    EXPECT_EQ(reply.status.details().value("field", ""), "cursor") << method;
  }
  Reply order = harness_.Call("order.list", {{"cursor", "not-an-id"}}, op_);
  EXPECT_EQ(order.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(order.status.details().value("field", ""), "cursor");
  Reply gone = harness_.Call("order.list", {{"cursor", "66f1c0ffee0000000000beef"}}, op_);
  EXPECT_EQ(gone.status.code(), Code::kNotFound);
  Reply product = harness_.Call("product.list", {{"cursor", "66f1c0ffee0000000000beef"}}, op_);
  EXPECT_EQ(product.status.code(), Code::kNotFound);
}

// A list method without a cursor would stop at its limit without a word.
TEST(PagingRegistryTest, EveryListWithALimitTakesACursor) {
  int paged = 0;
  for (const CommandSpec& spec : AllCommands()) {
    const bool has_limit = std::any_of(spec.args.begin(), spec.args.end(),
                                       [](const ArgSpec& arg) { return arg.name == "limit"; });
    // events.read pages by sequence number (`after`, `next_after` in its result).
    if (!has_limit || spec.method == "events.read") continue;
    EXPECT_TRUE(IsPaged(spec)) << spec.method;
    paged += IsPaged(spec) ? 1 : 0;
  }
  EXPECT_EQ(paged, 8);
}

}  // namespace
}  // namespace mart::rpc
