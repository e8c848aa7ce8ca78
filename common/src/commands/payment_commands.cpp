#include "commands/domains.h"

namespace mart {

std::vector<CommandSpec> PaymentCommands() {
  return {
      {.method = "payment.get",
       .summary = "show one payment (of your own orders; admins any)",
       .args = {{.name = "id", .type = ArgType::kInt, .help = "payment id", .required = true,
                 .positional = true, .min = 1}},
       .example = "martctl payment get 7",
       .rest = "GET /api/v1/payments/{id}",
       .columns = PaymentColumns()},
      {.method = "payment.list",
       .summary = "list payments newest first (yours; admins everyone's, with filters)",
       .args = {{.name = "order_id", .help = "only this order's (24 hex characters)",
                 .max_length = 24},
                {.name = "status", .type = ArgType::kEnum, .help = "only payments in this status",
                 .choices = {"pending", "succeeded", "failed", "refunding", "refunded"}},
                {.name = "user_id", .type = ArgType::kInt, .help = "admin: only this user's",
                 .min = 1},
                LimitArg(), OffsetArg(), CursorArg()},
       .example = "martctl payment list --status failed --limit 20",
       .rest = "GET /api/v1/payments/",
       .columns = PaymentColumns()},
      {.method = "payment.refund",
       .summary = "pay back now a payment whose order was cancelled or refunded (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {{.name = "id", .type = ArgType::kInt, .help = "payment id", .required = true,
                 .positional = true, .min = 1}},
       .example = "martctl payment refund 7",
       .columns = PaymentColumns()},
  };
}

}  // namespace mart
