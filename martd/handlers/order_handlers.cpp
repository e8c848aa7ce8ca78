#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/params.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::RequestContext;

std::optional<json> OptObject(const json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_object()) return std::nullopt;
  return *it;
}

PlaceOrder PlaceRequest(const json& params) {
  return PlaceOrder{.items = params.value("items", json::array()),
                    .shipping_address = OptObject(params, "shipping_address"),
                    .address_id = OptInt(params, "address_id"),
                    .user_id = OptInt(params, "user_id")};
}

Result<json> Place(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Order order,
                        ctx.services.orders.Place(ctx.tx, ctx.principal, PlaceRequest(params)));
  return ToJson(order);
}

void PlaceReadAhead(const Principal& principal, const json& params, store::BatchReads& reads) {
  if (params.is_object()) OrderService::ReadsOfPlace(principal, PlaceRequest(params), reads);
}

Result<json> Get(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Order order,
                        ctx.services.orders.Get(ctx.tx, ctx.principal, String(params, "id")));
  return ToJson(order);
}

Result<json> List(RequestContext& ctx, const json& params) {
  const PageParams page = ReadPage(params);
  OrderQuery query{.user_id = OptInt(params, "user_id"),
                   .status = OptString(params, "status"),
                   .since = OptString(params, "since"),
                   .until = OptString(params, "until"),
                   .limit = page.fetch(),
                   .offset = page.offset,
                   .after_id = page.cursor};
  MART_ASSIGN_OR_RETURN(std::vector<Order> orders,
                        ctx.services.orders.List(ctx.tx, ctx.principal, query));
  return FinishPage(ctx, page, orders, [](const Order& o) { return ToJson(o); },
                    [](const Order& o) { return o.id; });
}

Result<json> SetStatus(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Order order, ctx.services.orders.SetStatus(
                                         ctx.tx, ctx.principal, String(params, "id"),
                                         String(params, "status"), OptString(params, "reason")));
  return ToJson(order);
}

Result<json> Cancel(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Order order, ctx.services.orders.SetStatus(
                                         ctx.tx, ctx.principal, String(params, "id"),
                                         OrderStatusName(OrderStatus::kCancelled),
                                         OptString(params, "reason")));
  return ToJson(order);
}

Result<json> History(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(std::vector<OrderChange> changes,
                        ctx.services.orders.History(ctx.tx, ctx.principal, String(params, "id")));
  json list = json::array();
  for (const OrderChange& change : changes) list.push_back(ToJson(change));
  return list;
}

Result<json> Transitions(RequestContext&, const json&) { return TransitionsJson(); }

}  // namespace

void AddOrderHandlers(rpc::HandlerTable& table) {
  table["order.place"] = {.run = Place, .read_ahead = PlaceReadAhead};
  table["order.get"] = rpc::PointRead(Get);
  table["order.list"] = rpc::OnReader(List);
  table["order.status"] = {SetStatus};
  table["order.cancel"] = {Cancel};
  table["order.history"] = {History};
  table["order.transitions"] = {Transitions};
}

}  // namespace mart::handlers
