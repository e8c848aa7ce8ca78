#include "commands/domains.h"

namespace mart {
namespace {

constexpr int64_t kMaxQuantity = 1'000'000'000;

ArgSpec ProductId() {
  return {.name = "product_id", .help = "product id (24 hex characters)", .required = true,
          .positional = true, .max_length = 24};
}

ArgSpec Quantity(std::string_view help) {
  return {.name = "quantity", .type = ArgType::kInt, .help = help, .required = true, .min = 1,
          .max = kMaxQuantity};
}

ArgSpec Reference(bool required) {
  return {.name = "reference", .help = "what the hold is for, e.g. a ticket or order number",
          .required = required, .max_length = 100};
}

}  // namespace

std::vector<CommandSpec> InventoryCommands() {
  const std::vector<std::string_view> kColumns = {
      "product_id", "available_quantity", "reserved_quantity", "reorder_threshold", "is_low_stock"};
  return {
      {.method = "inventory.get",
       .summary = "show a product's stock",
       .args = {ProductId()},
       .example = "martctl inventory get 66f1c0ffee0000000000abcd",
       .rest = "GET /api/v1/inventory/{product_id}",
       .id_field = "product_id"},
      {.method = "inventory.list",
       .summary = "list stock records, oldest product first",
       .args = {{.name = "low_stock", .type = ArgType::kBool,
                 .help = "only items at or below their reorder threshold"},
                LimitArg(), OffsetArg(), CursorArg()},
       .example = "martctl inventory list --low-stock",
       .rest = "GET /api/v1/inventory/",
       .id_field = "product_id",
       .columns = kColumns},
      {.method = "inventory.set",
       .summary = "set the available quantity and/or the reorder threshold (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {ProductId(),
                {.name = "available", .type = ArgType::kInt, .help = "new available quantity",
                 .min = 0, .max = kMaxQuantity},
                {.name = "reorder_threshold", .type = ArgType::kInt, .help = "new threshold",
                 .min = 0, .max = kMaxQuantity},
                {.name = "reason", .help = "why (kept in the ledger)", .max_length = 200}},
       .example = "martctl inventory set 66f1c0ffee0000000000abcd --available 120 --reason recount",
       .rest = "PUT /api/v1/inventory/{product_id}",
       .id_field = "product_id"},
      {.method = "inventory.adjust",
       .summary = "add to or take from the available quantity, with a reason (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {ProductId(),
                {.name = "delta", .type = ArgType::kInt, .help = "signed change, e.g. -3 or 20",
                 .required = true, .min = -kMaxQuantity, .max = kMaxQuantity},
                // 200 characters of up to 4 UTF-8 bytes; the service counts characters.
                {.name = "reason", .help = "why, 3 to 200 characters", .required = true,
                 .max_length = 800}},
       .example = "martctl inventory adjust 66f1c0ffee0000000000abcd --delta -3 --reason damaged",
       .rest = "POST /api/v1/inventory/adjust",
       .id_field = "product_id"},
      {.method = "inventory.reserve",
       .summary = "hold units under a reference: available -> reserved (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {ProductId(), Quantity("units to hold"), Reference(true)},
       .example = "martctl inventory reserve 66f1c0ffee0000000000abcd --quantity 2 --reference TICKET-7",
       .rest = "POST /api/v1/inventory/reserve",
       .id_field = "product_id"},
      {.method = "inventory.release",
       .summary = "give back units held under a reference: reserved -> available (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {ProductId(), Quantity("units to give back"), Reference(true)},
       .example = "martctl inventory release 66f1c0ffee0000000000abcd --quantity 2 --reference TICKET-7",
       .rest = "POST /api/v1/inventory/release",
       .id_field = "product_id"},
      // Admins only (DESIGN §4): the ledger names other customers' orders
      // (references "order:<id>") and who changed the stock.
      {.method = "inventory.history",
       .summary = "a product's stock movements, newest first (admin)",
       .access = Access::kAdmin,
       .args = {ProductId(), LimitArg(), OffsetArg(), CursorArg()},
       .example = "martctl inventory history 66f1c0ffee0000000000abcd --limit 20",
       .rest = "GET /api/v1/inventory/history/{product_id}",
       .columns = {"id", "created_at", "type", "delta", "available_after", "reserved_after",
                   "reference", "reason", "actor"}},
      {.method = "inventory.reorder_check",
       .summary = "list low-stock items with a suggested reorder quantity; exit 7 if any (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {{.name = "notify", .type = ArgType::kBool,
                 .help = "also notify every active admin (a reorder notification)"}},
       .example = "martctl inventory reorder-check -o json",
       .id_field = "product_id",
       .columns = {"product_id", "name", "available_quantity", "reorder_threshold",
                   "suggested_quantity"}},
  };
}

}  // namespace mart
