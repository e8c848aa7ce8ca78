#pragma once
// Products. Rows come back with the inventory's available quantity joined in
// as `quantity`. Callers run inside the store thread's transaction.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mart/domain/catalog.h"
#include "mart/status.h"
#include "stores/database.h"
#include "stores/inventory_store.h"

namespace mart::store {

enum class ProductSort { kCreated, kName, kPrice };

struct ProductFilter {
  std::optional<std::string> category;  // exact
  std::optional<int64_t> min_price_cents, max_price_cents;  // inclusive
  std::optional<std::string> name_contains;  // case-insensitive (ASCII)
  ProductSort sort = ProductSort::kCreated;
  bool descending = true;
  int64_t limit = 100;
  int64_t offset = 0;
  // Keyset cursor: only products after this one in the chosen order.
  std::optional<std::string> after_id;
};

// What an order takes from the catalog for a line: the product's name and
// price (not its stock, which the inventory worker reserves later).
struct CatalogPrice {
  std::string id;
  std::string name;
  int64_t price_cents = 0;
};

// The statement ProductStore::List runs for `filter` (values are named
// placeholders); the plan tests read its EXPLAIN QUERY PLAN.
std::string ProductListSql(const ProductFilter& filter);

class ProductStore {
 public:
  // `inventory`: its stock changes that wait for a page's end are written
  // before a read here joins the stock.
  ProductStore(Database& db, InventoryStore& inventory) : db_(db), inventory_(inventory) {}

  Status Insert(const Product& product);
  Result<Product> Get(std::string_view id);
  // The name and price of each of these products that exists, in one
  // statement, in no set order; from the rows read ahead when all are there.
  Result<std::vector<CatalogPrice>> Prices(const std::vector<std::string>& ids);
  // A batch's orders' products, in one statement (Store::ReadAhead).
  Status ReadAheadPrices(const std::vector<std::string>& ids);
  void ForgetReadAhead() { ahead_.Forget(); }
  // Stable order: the sort key, then id.
  Result<std::vector<Product>> List(const ProductFilter& filter);
  Status Update(const Product& product);
  Status Delete(std::string_view id);
  // (category, number of products), by category.
  Result<std::vector<std::pair<std::string, int64_t>>> Categories();

 private:
  Result<std::vector<CatalogPrice>> ReadPrices(const std::vector<std::string>& ids,
                                               bool planned_each_time);

  Database& db_;
  InventoryStore& inventory_;
  ReadAheadRows<std::string, CatalogPrice> ahead_;
};

}  // namespace mart::store
