#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/params.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::RequestContext;

Result<json> List(RequestContext& ctx, const json& params) {
  const PageParams page = ReadPage(params);
  NotificationQuery query{.user_id = OptInt(params, "user_id"),
                          .type = OptString(params, "type"),
                          .status = OptString(params, "status"),
                          .unread_only = OptBool(params, "unread").value_or(false),
                          .limit = page.fetch(),
                          .offset = page.offset};
  MART_ASSIGN_OR_RETURN(query.after_id, IntCursor(page));
  MART_ASSIGN_OR_RETURN(auto rows, ctx.services.notifications.List(ctx.tx, ctx.principal, query));
  return FinishPage(ctx, page, rows, [](const store::Notification& n) { return ToJson(n); },
                    [](const store::Notification& n) { return std::to_string(n.id); });
}

Result<json> Get(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(store::Notification row, ctx.services.notifications.Get(
                                                     ctx.tx, ctx.principal, Int(params, "id")));
  return ToJson(row);
}

Result<json> MarkRead(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(store::Notification row, ctx.services.notifications.MarkRead(
                                                     ctx.tx, ctx.principal, Int(params, "id")));
  return ToJson(row);
}

Result<json> MarkAllRead(RequestContext& ctx, const json&) {
  MART_ASSIGN_OR_RETURN(int64_t marked,
                        ctx.services.notifications.MarkAllRead(ctx.tx, ctx.principal));
  return json{{"marked", marked}};
}

}  // namespace

void AddNotificationHandlers(rpc::HandlerTable& table) {
  table["notification.list"] = {List};
  table["notification.get"] = {Get};
  table["notification.mark_read"] = {MarkRead};
  table["notification.mark_all_read"] = {MarkAllRead};
}

}  // namespace mart::handlers
