#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/params.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::RequestContext;

std::string ProductId(const json& params) { return String(params, "product_id"); }

Result<json> Get(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(InventoryRecord record,
                        ctx.services.inventory.Get(ctx.tx, ProductId(params)));
  return ToJson(record);
}

Result<json> List(RequestContext& ctx, const json& params) {
  const PageParams page = ReadPage(params);
  MART_ASSIGN_OR_RETURN(std::optional<int64_t> after, IntCursor(page));
  MART_ASSIGN_OR_RETURN(std::vector<InventoryRecord> records,
                        ctx.services.inventory.List(ctx.tx, OptBool(params, "low_stock").value_or(false),
                                                    page.fetch(), page.offset, after));
  return FinishPage(ctx, page, records, [](const InventoryRecord& r) { return ToJson(r); },
                    [](const InventoryRecord& r) { return std::to_string(r.id); });
}

Result<json> Set(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(InventoryRecord record,
                        ctx.services.inventory.Set(ctx.tx, ProductId(params),
                                                   OptInt(params, "available"),
                                                   OptInt(params, "reorder_threshold"),
                                                   OptString(params, "reason"), ctx.principal));
  return ToJson(record);
}

Result<json> Adjust(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(InventoryRecord record,
                        ctx.services.inventory.Adjust(ctx.tx, ProductId(params), Int(params, "delta"),
                                                      String(params, "reason"), ctx.principal));
  return ToJson(record);
}

Result<json> Reserve(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(InventoryRecord record,
                        ctx.services.inventory.Reserve(ctx.tx, ProductId(params),
                                                       Int(params, "quantity"),
                                                       String(params, "reference"), ctx.principal));
  return ToJson(record);
}

Result<json> Release(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(InventoryRecord record,
                        ctx.services.inventory.Release(ctx.tx, ProductId(params),
                                                       Int(params, "quantity"),
                                                       String(params, "reference"), ctx.principal));
  return ToJson(record);
}

Result<json> History(RequestContext& ctx, const json& params) {
  const PageParams page = ReadPage(params);
  MART_ASSIGN_OR_RETURN(std::optional<int64_t> after, IntCursor(page));
  MART_ASSIGN_OR_RETURN(std::vector<StockMovement> movements,
                        ctx.services.inventory.History(ctx.tx, ProductId(params), page.fetch(),
                                                       page.offset, after));
  return FinishPage(ctx, page, movements, [](const StockMovement& m) { return ToJson(m); },
                    [](const StockMovement& m) { return std::to_string(m.id); });
}

Result<json> ReorderCheck(RequestContext& ctx, const json& params) {
  return ctx.services.inventory.ReorderCheck(ctx.tx, OptBool(params, "notify").value_or(false),
                                             ctx.principal);
}

}  // namespace

void AddInventoryHandlers(rpc::HandlerTable& table) {
  table["inventory.get"] = rpc::PointRead(Get);
  table["inventory.list"] = rpc::OnReader(List);
  table["inventory.set"] = {Set};
  table["inventory.adjust"] = {Adjust};
  table["inventory.reserve"] = {Reserve};
  table["inventory.release"] = {Release};
  table["inventory.history"] = {History};
  table["inventory.reorder_check"] = {ReorderCheck};
}

}  // namespace mart::handlers
