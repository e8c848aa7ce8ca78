#include "commands/domains.h"

namespace mart {
namespace {

constexpr int64_t kMaxOrderLines = 100;

ArgSpec OrderId() {
  return {.name = "id", .help = "order id (24 hex characters)", .required = true,
          .positional = true, .max_length = 24};
}

std::vector<std::string_view> StatusNames() {
  return {"pending", "processing", "paid", "shipped", "delivered", "cancelled", "refunded"};
}

}  // namespace

std::vector<std::string_view> PaymentColumns() {
  return {"id", "order_id", "amount", "method", "status", "reason"};
}

std::vector<CommandSpec> OrderCommands() {
  const std::vector<std::string_view> kColumns = {"id", "user_id", "status", "total_price",
                                                  "created_at"};
  return {
      {.method = "order.place",
       .summary = "place an order; stock is reserved asynchronously by the inventory worker",
       .mutating = true,
       .args = {{.name = "items", .type = ArgType::kObjects,
                 .help = "lines: {\"product_id\", \"quantity\", optional expected \"price\"}",
                 .required = true, .min = 1, .max = kMaxOrderLines},
                {.name = "shipping_address", .type = ArgType::kObject,
                 .help = "inline address as JSON: line1, line2, city, state, postal_code, country",
                 .max_length = 2048},
                {.name = "address_id", .type = ArgType::kInt,
                 .help = "ship to this saved address (default: the default address)", .min = 1},
                {.name = "user_id", .type = ArgType::kInt,
                 .help = "admin: place the order for this user", .min = 1}},
       .example = "martctl order place --item 66f1c0ffee0000000000abcd:2",
       .rest = "POST /api/v1/orders/"},
      {.method = "order.get",
       .summary = "show one order (your own; admins any)",
       .args = {OrderId()},
       .example = "martctl order get 66f1c0ffee0000000000beef",
       .rest = "GET /api/v1/orders/{id}"},
      {.method = "order.list",
       .summary = "list your orders newest first (admins: everyone's, with filters)",
       .args = {{.name = "user_id", .type = ArgType::kInt, .help = "admin: only this user's",
                 .min = 1},
                {.name = "status", .type = ArgType::kEnum, .help = "only orders in this status",
                 .choices = StatusNames()},
                {.name = "since", .help = "placed at or after this time (ISO 8601, e.g. "
                 "2026-11-01 or 2026-11-01T08:00:00Z)", .max_length = 40},
                {.name = "until", .help = "placed before this time (ISO 8601)",
                 .max_length = 40},
                LimitArg(), OffsetArg(), CursorArg()},
       .example = "martctl order list --status processing --limit 20",
       .rest = "GET /api/v1/orders/",
       .columns = kColumns},
      {.method = "order.status",
       .summary = "move an order to another status (admin; owners may only cancel)",
       .mutating = true,
       .args = {OrderId(),
                {.name = "status", .type = ArgType::kEnum, .help = "the new status",
                 .required = true, .choices = StatusNames()},
                {.name = "reason", .help = "why (kept in the order's history)",
                 .max_length = 800}},
       .example = "martctl order status 66f1c0ffee0000000000beef --status shipped",
       .rest = "PUT /api/v1/orders/{id}/status"},
      {.method = "order.cancel",
       .summary = "cancel an order not yet shipped; its reserved stock is released",
       .mutating = true,
       .args = {OrderId(),
                {.name = "reason", .help = "why (kept in the order's history)",
                 .max_length = 800}},
       .example = "martctl order cancel 66f1c0ffee0000000000beef --reason 'changed my mind'",
       .rest = "DELETE /api/v1/orders/{id}"},
      {.method = "order.pay",
       .summary = "pay an order its total by card or cash on delivery; a declined card leaves "
                  "a failed payment and the order payable (exit 5)",
       .mutating = true,
       .args = {OrderId(),
                {.name = "method", .type = ArgType::kEnum,
                 .help = "card (charged now) or cod: cash on delivery (default card)",
                 .choices = {"card", "cod"}},
                {.name = "card_number", .help = "card: 12-19 digits, spaces or dashes allowed; "
                 "only the last four are kept", .max_length = 40},
                {.name = "expiry", .help = "card: expiry as MM/YY", .max_length = 10},
                {.name = "cvc", .help = "card: the 3 or 4 digit security code",
                 .max_length = 10}},
       .example = "martctl order pay 66f1c0ffee0000000000beef --method card "
                  "--card-number 4242424242424242 --expiry 12/30 --cvc 123",
       .rest = "POST /api/v1/payments/",
       .columns = PaymentColumns()},
      {.method = "order.history",
       .summary = "an order's status changes, oldest first, with who and why",
       .args = {OrderId()},
       .example = "martctl order history 66f1c0ffee0000000000beef",
       .columns = {"at", "from", "to", "actor", "reason"}},
      {.method = "order.transitions",
       .summary = "print the order status table the daemon enforces",
       .access = Access::kAnyone,
       .example = "martctl order transitions",
       .id_field = "from",
       .columns = {"from", "to"}},
  };
}

}  // namespace mart
