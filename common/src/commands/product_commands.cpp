#include "commands/domains.h"

namespace mart {
namespace {

constexpr int64_t kMaxPriceCents = 1'000'000'000;  // 10,000,000.00
constexpr int64_t kMaxQuantity = 1'000'000'000;
constexpr int64_t kMaxImportBatch = 5000;  // rows per call; a file is sent in batches

ArgSpec ProductId() {
  return {.name = "id", .help = "product id (24 hex characters)", .required = true,
          .positional = true, .max_length = 24};
}

std::vector<ArgSpec> ProductFields(bool create) {
  return {
      {.name = "name", .help = "product name", .required = create, .max_length = 200},
      {.name = "description", .help = "description", .max_length = 2000},
      {.name = "category", .help = "category (exact match in filters)", .required = create,
       .max_length = 100},
      {.name = "price", .type = ArgType::kMoney, .help = "unit price, e.g. 899.99",
       .required = create, .min = 1, .max = kMaxPriceCents},
  };
}

}  // namespace

std::vector<CommandSpec> ProductCommands() {
  const std::vector<std::string_view> kColumns = {"id", "name", "category", "price", "quantity"};
  std::vector<ArgSpec> create_args = ProductFields(true);
  create_args.push_back({.name = "quantity", .type = ArgType::kInt,
                         .help = "initial stock (default 0)", .min = 0, .max = kMaxQuantity});
  create_args.push_back({.name = "reorder_threshold", .type = ArgType::kInt,
                         .help = "low stock at or below this (default max(5, quantity/10))",
                         .min = 0, .max = kMaxQuantity});
  std::vector<ArgSpec> update_args = {ProductId()};
  for (ArgSpec& arg : ProductFields(false)) update_args.push_back(arg);
  return {
      {.method = "product.create",
       .summary = "add a product with its inventory record (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = create_args,
       .example = "martctl product create --name 'Premium Smartphone' --category Electronics "
                  "--price 899.99 --quantity 50",
       .rest = "POST /api/v1/products/"},
      {.method = "product.get",
       .summary = "show one product",
       .access = Access::kAnyone,
       .args = {ProductId()},
       .example = "martctl product get 66f1c0ffee0000000000abcd",
       .rest = "GET /api/v1/products/{id}"},
      {.method = "product.list",
       .summary = "list products, filtered and sorted (newest first by default)",
       .access = Access::kAnyone,
       .args = {{.name = "category", .help = "only this category (exact)", .max_length = 100},
                {.name = "min_price", .type = ArgType::kMoney, .help = "price at least this",
                 .min = 0, .max = kMaxPriceCents},
                {.name = "max_price", .type = ArgType::kMoney, .help = "price at most this",
                 .min = 0, .max = kMaxPriceCents},
                {.name = "name", .help = "name contains this (case-insensitive)"},
                {.name = "sort", .type = ArgType::kEnum, .help = "sort key (default created)",
                 .choices = {"created", "name", "price"}},
                {.name = "desc", .type = ArgType::kBool,
                 .help = "descending (default: descending for created, ascending otherwise)"},
                LimitArg(), OffsetArg(), CursorArg()},
       .example = "martctl product list --category Electronics --min-price 100 --max-price 300",
       .rest = "GET /api/v1/products/",
       .columns = kColumns},
      {.method = "product.update",
       .summary = "change a product's name, description, category or price (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = update_args,
       .example = "martctl product update 66f1c0ffee0000000000abcd --price 849.99",
       .rest = "PUT /api/v1/products/{id}"},
      {.method = "product.delete",
       .summary = "delete a product with its inventory and ledger (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {ProductId()},
       .example = "martctl product delete 66f1c0ffee0000000000abcd",
       .rest = "DELETE /api/v1/products/{id}"},
      {.method = "product.import",
       .summary = "create (or update by id) many products from a CSV or JSON-lines file (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {{.name = "products", .type = ArgType::kObjects,
                 .help = "product.create params, one object per product", .required = true,
                 .min = 1, .max = kMaxImportBatch},
                {.name = "continue_on_error", .type = ArgType::kBool,
                 .help = "skip bad rows instead of refusing the whole batch"},
                {.name = "update_existing", .type = ArgType::kBool,
                 .help = "rows may carry an id: update that product, or create it under that id"}},
       .example = "martctl product import products.csv",
       .id_field = "created",
       .cli_local = true},
      {.method = "product.categories",
       .summary = "list the categories in use, with how many products each has",
       .access = Access::kAnyone,
       .example = "martctl product categories",
       .rest = "GET /api/v1/products/category/list",
       .id_field = "category",
       .columns = {"category", "products"}},
  };
}

}  // namespace mart
