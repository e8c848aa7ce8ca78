#include "commands/domains.h"

namespace mart {
namespace {

ArgSpec NotificationId() {
  return {.name = "id", .type = ArgType::kInt, .help = "notification id", .required = true,
          .positional = true, .min = 1};
}

}  // namespace

std::vector<CommandSpec> NotificationCommands() {
  return {
      {.method = "notification.list",
       .summary = "list your notifications newest first (admins: everyone's, with filters)",
       .args = {{.name = "type", .type = ArgType::kEnum, .help = "only notifications of this type",
                 .choices = {"welcome", "order_placed", "order_status", "payment_succeeded",
                             "payment_failed", "payment_pending", "payment_refunded",
                             "low_stock", "reorder", "dead_letter"}},
                {.name = "status", .type = ArgType::kEnum,
                 .help = "only this delivery status (stored: no SMTP server was configured)",
                 .choices = {"pending", "sent", "failed", "stored"}},
                {.name = "unread", .type = ArgType::kBool, .help = "only those not marked read"},
                {.name = "user_id", .type = ArgType::kInt, .help = "admin: only this user's",
                 .min = 1},
                LimitArg(), OffsetArg(), CursorArg()},
       .example = "martctl notification list --unread",
       .rest = "GET /api/v1/notifications/",
       .columns = {"id", "user_id", "type", "status", "is_read", "subject", "created_at"}},
      {.method = "notification.get",
       .summary = "show one notification with its body and delivery state (your own; admins any)",
       .args = {NotificationId()},
       .example = "martctl notification get 12",
       .rest = "GET /api/v1/notifications/{id}"},
      {.method = "notification.mark_read",
       .summary = "mark a notification read (it keeps the first time it was read)",
       .mutating = true,
       .args = {NotificationId()},
       .example = "martctl notification mark-read 12 13",
       .rest = "PUT /api/v1/notifications/{id}/read"},
      {.method = "notification.mark_all_read",
       .summary = "mark every unread notification of yours read",
       .mutating = true,
       .example = "martctl notification mark-read --all",
       .id_field = "marked",
       .cli_local = true},
  };
}

}  // namespace mart
