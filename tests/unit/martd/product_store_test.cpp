#include "stores/product_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

constexpr int64_t kT0 = 1747308600000000;

// 3 -> "000000000000000000000003": valid ids that sort as their number.
std::string Id(int n) {
  char id[25];
  std::snprintf(id, sizeof id, "%024d", n);
  return id;
}

Product MakeProduct(std::string id, std::string name, std::string category,
                    int64_t price_cents) {
  Product p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.category = std::move(category);
  p.price_cents = price_cents;
  return p;
}

ProductFilter Filter(ProductSort sort = ProductSort::kCreated, bool descending = true) {
  ProductFilter filter;
  filter.sort = sort;
  filter.descending = descending;
  return filter;
}

ProductFilter Page(ProductSort sort, int64_t limit, int64_t offset) {
  ProductFilter filter = Filter(sort);
  filter.limit = limit;
  filter.offset = offset;
  return filter;
}

class ProductStoreTest : public ::testing::Test {
 protected:
  ProductStore& products() { return harness_.store().products(); }
  InventoryStore& inventory() { return harness_.store().inventory(); }

  // A product and its inventory row, as CatalogService::Create writes them.
  void Add(int n, std::string name, std::string category, int64_t price_cents,
           int64_t created_at, int64_t available = 10) {
    Product p = MakeProduct(Id(n), std::move(name), std::move(category), price_cents);
    p.created_at = p.updated_at = created_at;
    Must(products().Insert(p), "insert product");
    InventoryRecord r{.product_id = p.id, .available = available, .reorder_threshold = 5,
                      .created_at = created_at, .updated_at = created_at};
    Must(inventory().Insert(r), "insert inventory");
  }

  // The seed walkthrough plus a few more, created one second apart.
  void AddCatalog() {
    Add(1, "Premium Smartphone", "Electronics", 89999, kT0 + 1'000'000, 50);
    Add(2, "Wireless Headphones", "Electronics", 24999, kT0 + 2'000'000, 100);
    Add(3, "Smart Watch", "Electronics", 17999, kT0 + 3'000'000, 75);
    Add(4, "Running Shoes", "Sports", 9999, kT0 + 4'000'000);
    Add(5, "smartphone case", "Accessories", 1999, kT0 + 5'000'000);
  }

  std::vector<std::string> Ids(const ProductFilter& filter) {
    std::vector<std::string> ids;
    for (const Product& p : Must(products().List(filter), "list")) ids.push_back(p.id);
    return ids;
  }

  test::StoreHarness harness_;
};

TEST_F(ProductStoreTest, GetJoinsTheAvailableQuantity) {
  AddCatalog();
  Product p = Must(products().Get(Id(2)), "get");
  EXPECT_EQ(p.name, "Wireless Headphones");
  EXPECT_EQ(p.category, "Electronics");
  EXPECT_EQ(p.price_cents, 24999);
  EXPECT_EQ(p.quantity, 100);
  EXPECT_EQ(p.created_at, kT0 + 2'000'000);
  auto after = Must(inventory().ApplyDelta(Id(2), {.available = -30, .reserved = 30}, kT0), "reserve");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->available, 70);
  EXPECT_EQ(after->reserved, 30);
  EXPECT_FALSE(Must(inventory().ApplyDelta(Id(2), {.available = -71}, kT0), "too many").has_value());
  EXPECT_EQ(Must(products().Get(Id(2)), "get").quantity, 70);  // what is available
}

// A list of ids goes out padded to the next power of two with its last id
// repeated (InListSql): each product still comes back once, a missing one
// not at all.
TEST_F(ProductStoreTest, ManyAtOnceReturnsEachFoundProductOnce) {
  AddCatalog();
  std::vector<std::string> ids = {Id(3), Id(9), Id(1)};  // 3 ids, sent as 4
  std::vector<std::string> got;
  for (const CatalogPrice& p : Must(products().Prices(ids), "prices")) got.push_back(p.id);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{Id(1), Id(3)}));
  got.clear();
  for (const InventoryRecord& r : Must(inventory().GetMany(ids), "stock")) {
    got.push_back(r.product_id);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{Id(1), Id(3)}));
  EXPECT_TRUE(Must(products().Prices({}), "none").empty());
}

// Prices read ahead for a batch (Store::ReadAhead) answer without a statement
// while every product asked is among them, missing ones included; a list with
// one more goes to the table, and a statement that changes products forgets
// them.
TEST_F(ProductStoreTest, PricesReadAheadAnswerUntilAProductChanges) {
  AddCatalog();
  ASSERT_TRUE(harness_.store().ReadAhead({.products = {Id(1), Id(3), Id(9)}}).ok());
  uint64_t before = StatementsExecuted();
  std::vector<CatalogPrice> prices = Must(products().Prices({Id(3), Id(9)}), "read ahead");
  EXPECT_EQ(StatementsExecuted(), before);
  ASSERT_EQ(prices.size(), 1u);
  EXPECT_EQ(prices[0].name, "Smart Watch");
  EXPECT_EQ(prices[0].price_cents, 17999);
  EXPECT_EQ(Must(products().Prices({Id(3), Id(4)}), "one more").size(), 2u);
  EXPECT_GT(StatementsExecuted(), before);
  Product watch = Must(products().Get(Id(3)), "watch");
  watch.price_cents = 18999;
  ASSERT_TRUE(products().Update(watch).ok());
  EXPECT_EQ(Must(products().Prices({Id(3)}), "changed")[0].price_cents, 18999);
  harness_.store().ForgetReadAhead();
}

// On PostgreSQL a list of more than 8 is one array parameter (InListSql): an
// id the array's text form would read otherwise (a quote, a backslash, a
// comma, a brace, a space) is still matched as itself and only as itself.
TEST_F(ProductStoreTest, ManyAtOnceMatchesIdsWithArraySyntaxInThemExactly) {
  auto id = [](std::string_view text) {  // the 24 characters the table asks for
    std::string padded(24, '0');
    padded.replace(0, text.size(), text);
    return padded;
  };
  auto insert = [&](const std::string& product_id, const std::string& name) {
    Must(products().Insert(MakeProduct(product_id, name, "Odd", 100)), "insert product");
    Must(inventory().Insert({.product_id = product_id, .created_at = kT0, .updated_at = kT0}),
         "insert inventory");
  };
  const std::vector<std::string> odd = {id("a\"b"), id("c\\d"), id("e,f}"), id("{g"), id(" h ")};
  for (const std::string& p : odd) insert(p, "odd");
  const std::string two_backslashes = id("c\\\\d");
  insert(two_backslashes, "two backslashes");
  std::vector<std::string> want = odd;
  std::vector<std::string> asked = odd;  // more than 8: an array on PostgreSQL
  for (const char* missing : {"x", "y", "z", "NULL"}) asked.push_back(id(missing));
  std::vector<std::string> got;
  for (const CatalogPrice& p : Must(products().Prices(asked), "prices")) got.push_back(p.id);
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  got.clear();
  asked = {id("a"), two_backslashes};  // "c\\d" is not "c\d", in an array too
  for (const char* missing : {"x", "y", "z", "u", "v", "w", "t"}) asked.push_back(id(missing));
  for (const CatalogPrice& p : Must(products().Prices(asked), "prices")) got.push_back(p.name);
  EXPECT_EQ(got, (std::vector<std::string>{"two backslashes"}));
}

// The update without a condition is for callers that checked the record;
// should one be wrong, the table's CHECK still refuses a negative and
// nothing changes.
TEST_F(ProductStoreTest, AnUnconditionalStockUpdateStillNeverGoesBelowZero) {
  AddCatalog();
  Status refused = inventory().AddDelta(Id(2), {.available = -101, .reserved = 101}, kT0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), Code::kInternal) << refused.ToString();
  InventoryRecord now = Must(inventory().Get(Id(2)), "get");
  EXPECT_EQ(now.available, 100);
  EXPECT_EQ(now.reserved, 0);
  Must(inventory().AddDelta(Id(2), {.available = -100, .reserved = 100}, kT0 + 1), "all of it");
  now = Must(inventory().Get(Id(2)), "get");
  EXPECT_EQ(now.available, 0);
  EXPECT_EQ(now.reserved, 100);
}

// A worker's page leaves its orders' holds for its end, written 64 to a
// statement; reading or changing holds writes what waits first, so a page
// that reserves and then releases an order finds the hold it made.
TEST_F(ProductStoreTest, HoldsLeftForThePagesEndAreThereForEveryReadOfHolds) {
  AddCatalog();
  harness_.store().DeferWrites();
  for (int n = 1; n <= 5; ++n) {
    Must(inventory().AddHolds("order:" + std::to_string(n), {{Id(n), n}, {Id(n % 5 + 1), 10 * n}}),
         "hold");
  }
  const uint64_t before = StatementsExecuted();
  const auto held = Must(inventory().HoldsFor("order:2"), "holds for");  // writes the ten first
  EXPECT_EQ(StatementsExecuted() - before, 3u);  // 10 holds: 8 and 2, then the read
  EXPECT_EQ(held, (std::vector<std::pair<std::string, int64_t>>{{Id(2), 2}, {Id(3), 20}}));
  Must(inventory().AddHolds("order:6", {{Id(1), 6}}), "hold");
  EXPECT_EQ(Must(inventory().Held(Id(1), "order:6"), "held"), 6);
  Must(inventory().AddHolds("order:7", {{Id(1), 7}}), "hold");
  EXPECT_EQ(Must(inventory().Holding({"order:7", "order:8"}), "holding"),
            (std::vector<std::string>{"order:7"}));
  Must(inventory().AddHolds("order:8", {{Id(1), 8}}), "hold");
  harness_.store().StopDeferring();  // the page was undone: order 8's hold is dropped
  EXPECT_TRUE(Must(inventory().HoldsFor("order:8"), "holds for").empty());
}

// A page's stock changes are added up per product and written in one
// statement at its end; a read of stock, the products' reads that join it
// too, writes them first.
TEST_F(ProductStoreTest, StockChangesLeftForThePagesEndAreAddedUpPerProduct) {
  AddCatalog();  // Id(1) has 50 available, Id(2) 100
  harness_.store().DeferWrites();
  Must(inventory().AddDelta(Id(1), {.available = -2, .reserved = 2}, kT0 + 1), "reserve");
  Must(inventory().AddDelta(Id(2), {.available = -5, .reserved = 5}, kT0 + 2), "reserve");
  Must(inventory().AddDelta(Id(1), {.available = -3, .reserved = 3}, kT0 + 3), "reserve");
  Must(inventory().AddDelta(Id(1), {.reserved = -1, .shipped = 1}, kT0 + 4), "ship");
  const uint64_t before = StatementsExecuted();
  const Product product = Must(products().Get(Id(1)), "product");  // writes the sums first
  EXPECT_EQ(StatementsExecuted() - before, 2u);  // one update of two products, then the read
  EXPECT_EQ(product.quantity, 45);
  const InventoryRecord one = Must(inventory().Get(Id(1)), "one");
  EXPECT_EQ(one.available, 45);
  EXPECT_EQ(one.reserved, 4);
  EXPECT_EQ(one.shipped, 1);
  EXPECT_EQ(one.updated_at, kT0 + 4);
  const InventoryRecord two = Must(inventory().Get(Id(2)), "two");
  EXPECT_EQ(two.available, 95);
  EXPECT_EQ(two.reserved, 5);
  Must(inventory().AddDelta(Id(2), {.available = -1, .reserved = 1}, kT0 + 5), "reserve");
  harness_.store().StopDeferring();  // the page was undone: the change is dropped
  EXPECT_EQ(Must(inventory().Get(Id(2)), "two").available, 95);
}

TEST_F(ProductStoreTest, MissingProductIsNotFound) {
  EXPECT_EQ(products().Get(Id(9)).status().code(), Code::kNotFound);
  EXPECT_EQ(products().Delete(Id(9)).code(), Code::kNotFound);
  Product ghost = MakeProduct(Id(9), "x", "y", 1);
  EXPECT_EQ(products().Update(ghost).code(), Code::kNotFound);
}

TEST_F(ProductStoreTest, DefaultListIsNewestFirst) {
  AddCatalog();
  EXPECT_EQ(Ids(Filter()), (std::vector<std::string>{Id(5), Id(4), Id(3), Id(2), Id(1)}));
}

TEST_F(ProductStoreTest, CategoryIsAnExactMatch) {
  AddCatalog();
  ProductFilter f = Filter(ProductSort::kCreated, false);
  f.category = "Electronics";
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(1), Id(2), Id(3)}));
  f.category = "electronics";
  EXPECT_TRUE(Ids(f).empty());
  f.category = "Electro";
  EXPECT_TRUE(Ids(f).empty());
}

TEST_F(ProductStoreTest, PriceRangeIsInclusive) {
  AddCatalog();
  ProductFilter f = Filter(ProductSort::kCreated, false);
  f.min_price_cents = 10000;
  f.max_price_cents = 30000;
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(2), Id(3)}));  // the seeds' 100-300 range
  f.min_price_cents = 17999;
  f.max_price_cents = 24999;
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(2), Id(3)}));
  f.min_price_cents = 18000;
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(2)}));
  f.min_price_cents = std::nullopt;
  f.max_price_cents = 9999;
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(4), Id(5)}));
}

TEST_F(ProductStoreTest, NameIsACaseInsensitiveSubstring) {
  AddCatalog();
  ProductFilter f = Filter(ProductSort::kCreated, false);
  f.name_contains = "SMARTPHONE";
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(1), Id(5)}));
  f.name_contains = "art";
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(1), Id(3), Id(5)}));
  f.name_contains = "watch smart";
  EXPECT_TRUE(Ids(f).empty());
  // LIKE wildcards are plain characters here.
  f.name_contains = "%";
  EXPECT_TRUE(Ids(f).empty());
  f.name_contains = "_";
  EXPECT_TRUE(Ids(f).empty());
}

TEST_F(ProductStoreTest, FiltersCombine) {
  AddCatalog();
  ProductFilter f = Filter(ProductSort::kCreated, false);
  f.category = "Electronics";
  f.min_price_cents = 10000;
  f.name_contains = "smart";
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(1), Id(3)}));
  f.max_price_cents = 50000;
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(3)}));
  f.category = "Accessories";
  EXPECT_TRUE(Ids(f).empty());
}

TEST_F(ProductStoreTest, SortByNameIgnoresCase) {
  AddCatalog();
  ProductFilter f = Filter(ProductSort::kName, false);
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(1), Id(4), Id(3), Id(5), Id(2)}));
  f.descending = true;
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(2), Id(5), Id(3), Id(4), Id(1)}));
}

TEST_F(ProductStoreTest, SortByPrice) {
  AddCatalog();
  ProductFilter f = Filter(ProductSort::kPrice, false);
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(5), Id(4), Id(3), Id(2), Id(1)}));
  f.descending = true;
  EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(1), Id(2), Id(3), Id(4), Id(5)}));
}

TEST_F(ProductStoreTest, TiesBreakOnIdInTheSortDirection) {
  // Inserted out of id order, with equal keys, so only the tie-break orders them.
  for (int n : {3, 1, 4, 2}) Add(n, "Same", "Cat", 500, kT0);
  for (ProductSort sort : {ProductSort::kCreated, ProductSort::kName, ProductSort::kPrice}) {
    ProductFilter f = Filter(sort, false);
    EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(1), Id(2), Id(3), Id(4)}));
    f.descending = true;
    EXPECT_EQ(Ids(f), (std::vector<std::string>{Id(4), Id(3), Id(2), Id(1)}));
  }
}

TEST_F(ProductStoreTest, LimitAndOffsetPageThroughEverythingOnce) {
  for (int n = 1; n <= 23; ++n) Add(n, "Item", n % 2 ? "Odd" : "Even", 100 + n % 3, kT0 + n % 4);
  for (ProductSort sort : {ProductSort::kCreated, ProductSort::kName, ProductSort::kPrice}) {
    ProductFilter all = Filter(sort);
    std::vector<std::string> expected = Ids(all);
    ASSERT_EQ(expected.size(), 23u);
    std::vector<std::string> paged;
    for (int64_t offset = 0;; offset += 5) {
      ProductFilter page = Page(sort, 5, offset);
      std::vector<std::string> ids = Ids(page);
      paged.insert(paged.end(), ids.begin(), ids.end());
      if (ids.size() < 5) break;
    }
    EXPECT_EQ(paged, expected);
  }
  EXPECT_EQ(Ids(Page(ProductSort::kCreated, 1, 0)).size(), 1u);
  EXPECT_TRUE(Ids(Page(ProductSort::kCreated, 100, 23)).empty());
}

TEST_F(ProductStoreTest, CategoriesWithCountsInNameOrder) {
  EXPECT_TRUE(Must(products().Categories(), "categories").empty());
  AddCatalog();
  auto categories = Must(products().Categories(), "categories");
  using Row = std::pair<std::string, int64_t>;
  EXPECT_EQ(categories,
            (std::vector<Row>{{"Accessories", 1}, {"Electronics", 3}, {"Sports", 1}}));
  Must(products().Delete(Id(4)), "delete");
  categories = Must(products().Categories(), "categories");
  EXPECT_EQ(categories, (std::vector<Row>{{"Accessories", 1}, {"Electronics", 3}}));
}

TEST_F(ProductStoreTest, UpdateChangesTheRow) {
  AddCatalog();
  Product p = Must(products().Get(Id(1)), "get");
  p.name = "Premium Smartphone 2";
  p.price_cents = 84999;
  p.category = "Phones";
  p.updated_at = kT0 + 9'000'000;
  Must(products().Update(p), "update");
  Product after = Must(products().Get(Id(1)), "get");
  EXPECT_EQ(after.name, "Premium Smartphone 2");
  EXPECT_EQ(after.price_cents, 84999);
  EXPECT_EQ(after.category, "Phones");
  EXPECT_EQ(after.created_at, kT0 + 1'000'000);
  EXPECT_EQ(after.updated_at, kT0 + 9'000'000);
}

TEST_F(ProductStoreTest, DeleteCascadesInventoryHoldsAndLedger) {
  AddCatalog();
  Must(inventory().SetHeld(Id(1), "TICKET-7", 2), "hold");
  StockMovement m{.product_id = Id(1), .type = "reserve", .delta = -2, .available_before = 50,
                  .available_after = 48, .reserved_before = 0, .reserved_after = 2,
                  .reference = "TICKET-7", .actor = "the local operator", .created_at = kT0};
  Must(inventory().AppendMovement(m), "ledger");
  ASSERT_EQ(Must(inventory().History(Id(1), 10, 0), "history").size(), 1u);

  Must(products().Delete(Id(1)), "delete");
  EXPECT_EQ(products().Get(Id(1)).status().code(), Code::kNotFound);
  EXPECT_EQ(inventory().Get(Id(1)).status().code(), Code::kNotFound);
  EXPECT_EQ(Must(inventory().Held(Id(1), "TICKET-7"), "held"), 0);
  EXPECT_TRUE(Must(inventory().History(Id(1), 10, 0), "history").empty());
  // The other products keep theirs.
  EXPECT_EQ(Must(inventory().Get(Id(2)), "inventory").available, 100);
  EXPECT_EQ(Must(inventory().List(false, 100, 0), "list").size(), 4u);
}

TEST_F(ProductStoreTest, SchemaRefusesWhatTheServicesNeverWrite) {
  Product free = MakeProduct(Id(1), "Free", "C", 0);
  EXPECT_FALSE(products().Insert(free).ok());
  Product short_id = MakeProduct("abc", "Short", "C", 1);
  EXPECT_FALSE(products().Insert(short_id).ok());
  Add(2, "Real", "C", 1, kT0, 3);
  Product twice = MakeProduct(Id(2), "Again", "C", 1);
  EXPECT_FALSE(products().Insert(twice).ok());
  InventoryRecord second{.product_id = Id(2), .available = 1};
  EXPECT_FALSE(inventory().Insert(second).ok());  // one inventory row per product
  InventoryRecord orphan{.product_id = Id(7), .available = 1};
  EXPECT_FALSE(inventory().Insert(orphan).ok());  // never inventory without a product
}

// SQLite's plan for ProductStore::List, one line per step.
std::string Plan(Database& db, const ProductFilter& filter) {
  Query q = Must(db.PrepareText("EXPLAIN QUERY PLAN " + ProductListSql(filter)), "explain");
  std::string plan;
  while (Must(q.Next(), "step")) plan.append(q.Text(3)).append("\n");
  return plan;
}

// The default order (newest first) walks an index in order and stops at the
// limit: no sort of every product in a price range (migration 7).
TEST_F(ProductStoreTest, SqlitesPlanForNewestFirstWithAPriceRangeWalksAnIndexInOrder) {
  ProductFilter filter = Filter();
  filter.min_price_cents = 100;
  filter.max_price_cents = 200;
  std::string plan = Plan(harness_.store().db(), filter);
  EXPECT_NE(plan.find("USING INDEX products_created"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  filter.category = "Phones";
  plan = Plan(harness_.store().db(), filter);
  EXPECT_NE(plan.find("USING INDEX products_category_created"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  // Sorted by price, the range is an index range.
  filter.sort = ProductSort::kPrice;
  plan = Plan(harness_.store().db(), filter);
  EXPECT_NE(plan.find("products_category_price (category=? AND price_cents>? AND price_cents<?)"),
            std::string::npos)
      << plan;
}

}  // namespace
}  // namespace mart::store
