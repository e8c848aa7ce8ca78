#pragma once
// Products. Creating one creates its inventory record in the same
// transaction, so there is never a product without inventory; deleting one
// deletes its inventory, holds and ledger with it (a hard delete). Emits
// product.created|updated|deleted. Runs on the store thread.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/domain/catalog.h"
#include "mart/status.h"
#include "services/context.h"
#include "services/inventory_service.h"
#include "stores/product_store.h"

namespace mart {

struct ProductFields {
  std::optional<std::string> name, description, category;
  std::optional<int64_t> price_cents;
};

// One product to create: its fields, initial stock and optional threshold.
struct NewProduct {
  ProductFields fields;
  int64_t quantity = 0;
  std::optional<int64_t> threshold;
};

// What a bulk import did: ids created, and the rows skipped with why.
struct ImportOutcome {
  std::vector<std::string> ids;
  std::vector<std::pair<size_t, Status>> failed;  // row index, error
};

class CatalogService {
 public:
  explicit CatalogService(const InventoryService& inventory) : inventory_(inventory) {}

  // name, category and price are required; quantity defaults to 0.
  Result<Product> Create(Tx& tx, const NewProduct& product, const Principal& actor) const;
  // Creates every row in this transaction. A bad row (given as its error)
  // fails the whole call with the row's index in the message and details,
  // unless keep_going: then each row runs in its own savepoint and bad rows
  // are skipped and reported.
  Result<ImportOutcome> Import(Tx& tx, const std::vector<Result<NewProduct>>& rows,
                               bool keep_going, const Principal& actor) const;
  Result<Product> Get(Tx& tx, std::string_view id) const;
  Result<std::vector<Product>> List(Tx& tx, const store::ProductFilter& filter) const;
  Result<Product> Update(Tx& tx, std::string_view id, const ProductFields& fields) const;
  Status Delete(Tx& tx, std::string_view id) const;
  Result<nlohmann::json> Categories(Tx& tx) const;

 private:
  const InventoryService& inventory_;
};

// A new product id: 4 bytes of the creation second, then 8 random bytes, as
// 24 lower-case hex characters (the shape of the seeds' ObjectIds).
std::string NewProductId(int64_t now_micros);
// INVALID_ARGUMENT unless `id` is 24 lower-case hex characters.
Status CheckProductId(std::string_view id, std::string_view field = "id");
// The same for any object with such ids: "<kind> id 'x' is not 24 hex characters".
Status CheckObjectId(std::string_view id, std::string_view kind, std::string_view field);

}  // namespace mart
