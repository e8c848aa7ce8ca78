#include "handlers/handlers.h"
#include "handlers/params.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::RequestContext;

Result<json> List(RequestContext& ctx, const json& params) {
  NotificationQuery query{.user_id = OptInt(params, "user_id"),
                          .type = OptString(params, "type"),
                          .status = OptString(params, "status"),
                          .unread_only = OptBool(params, "unread").value_or(false),
                          .limit = OptInt(params, "limit").value_or(100),
                          .offset = OptInt(params, "offset").value_or(0)};
  MART_ASSIGN_OR_RETURN(auto rows, ctx.services.notifications.List(ctx.tx, ctx.principal, query));
  json list = json::array();
  for (const store::Notification& row : rows) list.push_back(ToJson(row));
  return list;
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

}  // namespace

void AddNotificationHandlers(rpc::HandlerTable& table) {
  table["notification.list"] = {List};
  table["notification.get"] = {Get};
  table["notification.mark_read"] = {MarkRead};
}

}  // namespace mart::handlers
