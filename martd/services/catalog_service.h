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

// One row of a bulk import: a product to create, under `id` when given.
struct ImportRow {
  std::string id;  // "" for a new id
  NewProduct product;
};

// What a bulk import did: ids created, products updated or already equal to
// their row, and the rows skipped with why.
struct ImportOutcome {
  std::vector<std::string> ids;
  size_t updated = 0;
  size_t unchanged = 0;
  std::vector<std::pair<size_t, Status>> failed;  // row index, error
};

class CatalogService {
 public:
  explicit CatalogService(const InventoryService& inventory) : inventory_(inventory) {}

  // name, category and price are required; quantity defaults to 0.
  Result<Product> Create(Tx& tx, const NewProduct& product, const Principal& actor) const;
  // Creates every row in this transaction. A row with an id updates that
  // product's name, description, category and price (its stock is left
  // alone; a row equal to the product changes nothing), or creates the
  // product under that id when none has it. A bad row (given as its error)
  // fails the whole call with the row's index in the message and details,
  // unless keep_going: then each row runs in its own savepoint and bad rows
  // are skipped and reported.
  Result<ImportOutcome> Import(Tx& tx, const std::vector<Result<ImportRow>>& rows,
                               bool keep_going, const Principal& actor) const;
  Result<Product> Get(Tx& tx, std::string_view id) const;
  Result<std::vector<Product>> List(Tx& tx, const store::ProductFilter& filter) const;
  Result<Product> Update(Tx& tx, std::string_view id, const ProductFields& fields) const;
  Status Delete(Tx& tx, std::string_view id) const;
  Result<nlohmann::json> Categories(Tx& tx) const;

 private:
  Result<Product> CreateWithId(Tx& tx, std::string id, const NewProduct& request,
                               const Principal& actor) const;
  enum class ImportEffect { kCreated, kUpdated, kUnchanged };
  // One import row; *created_id is set for a created product.
  Result<ImportEffect> ImportOne(Tx& tx, const ImportRow& row, const Principal& actor,
                                 std::string* created_id) const;

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
