#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/params.h"
#include "mart/domain/money.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::RequestContext;

// Params were validated against the spec, so money parses.
std::optional<int64_t> OptMoney(const json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) return std::nullopt;
  auto cents = ParseMoney(*it, name);
  return cents.ok() ? std::optional<int64_t>(*cents) : std::nullopt;
}

ProductFields ReadFields(const json& params) {
  return {OptString(params, "name"), OptString(params, "description"),
          OptString(params, "category"), OptMoney(params, "price")};
}

NewProduct ReadNewProduct(const json& params) {
  return {ReadFields(params), OptInt(params, "quantity").value_or(0),
          OptInt(params, "reorder_threshold")};
}

Result<json> Create(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Product product,
                        ctx.services.catalog.Create(ctx.tx, ReadNewProduct(params), ctx.principal));
  return ToJson(product);
}

// Each row is checked against product.create's own spec, so a row means
// exactly what the same flags would mean to 'product create'; with
// update_existing a row may also carry the product's id.
Result<ImportRow> ReadImportRow(const json& row, bool update_existing) {
  static const CommandSpec& kCreate = *FindCommand("product.create");
  ImportRow read;
  auto id = row.find("id");
  if (id != row.end()) {
    if (!update_existing) {
      return InvalidArgument("id is only allowed with update_existing", {{"field", "id"}});
    }
    if (!id->is_string()) return InvalidArgument("id must be a string", {{"field", "id"}});
    read.id = id->get<std::string>();
    MART_RETURN_IF_ERROR(CheckProductId(read.id));
  }
  json fields = row;
  fields.erase("id");
  MART_RETURN_IF_ERROR(ValidateParams(kCreate, fields));
  read.product = ReadNewProduct(fields);
  return read;
}

Result<json> Import(RequestContext& ctx, const json& params) {
  const bool update_existing = OptBool(params, "update_existing").value_or(false);
  std::vector<Result<ImportRow>> rows;
  for (const json& row : params["products"]) rows.push_back(ReadImportRow(row, update_existing));
  MART_ASSIGN_OR_RETURN(ImportOutcome outcome,
                        ctx.services.catalog.Import(ctx.tx, rows,
                                                    OptBool(params, "continue_on_error").value_or(false),
                                                    ctx.principal));
  json failed = json::array();
  for (const auto& [index, status] : outcome.failed) {
    failed.push_back({{"index", index}, {"error", status.message()}, {"code", status.wire_code()}});
  }
  return json{{"created", outcome.ids.size()}, {"ids", outcome.ids},
              {"updated", outcome.updated},    {"unchanged", outcome.unchanged},
              {"failed", failed},              {"replayed", false}};
}

Result<json> Get(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Product product, ctx.services.catalog.Get(ctx.tx, String(params, "id")));
  AppendJson(&ctx.result_text, product);  // ToJson(product), written as text
  return json();
}

store::ProductSort SortKey(const std::string& name) {
  if (name == "name") return store::ProductSort::kName;
  if (name == "price") return store::ProductSort::kPrice;
  return store::ProductSort::kCreated;
}

Result<json> List(RequestContext& ctx, const json& params) {
  store::ProductFilter filter;
  filter.category = OptString(params, "category");
  filter.min_price_cents = OptMoney(params, "min_price");
  filter.max_price_cents = OptMoney(params, "max_price");
  filter.name_contains = OptString(params, "name");
  filter.sort = SortKey(OptString(params, "sort").value_or("created"));
  // Newest first by default; names and prices read naturally ascending.
  filter.descending = OptBool(params, "desc").value_or(filter.sort == store::ProductSort::kCreated);
  const PageParams page = ReadPage(params);
  filter.limit = page.fetch();
  filter.offset = page.offset;
  filter.after_id = page.cursor;
  MART_ASSIGN_OR_RETURN(std::vector<Product> products, ctx.services.catalog.List(ctx.tx, filter));
  return FinishPageText(ctx, page, products,
                        [](std::string* out, const Product& p) { AppendJson(out, p); },
                        [](const Product& p) { return p.id; });
}

Result<json> Update(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Product product, ctx.services.catalog.Update(
                                             ctx.tx, String(params, "id"), ReadFields(params)));
  return ToJson(product);
}

Result<json> Delete(RequestContext& ctx, const json& params) {
  MART_RETURN_IF_ERROR(ctx.services.catalog.Delete(ctx.tx, String(params, "id")));
  return json{{"id", String(params, "id")}, {"deleted", true}};
}

Result<json> Categories(RequestContext& ctx, const json&) {
  return ctx.services.catalog.Categories(ctx.tx);
}

}  // namespace

void AddProductHandlers(rpc::HandlerTable& table) {
  table["product.create"] = {Create};
  table["product.get"] = rpc::PointRead(Get);
  table["product.list"] = rpc::OnReader(List);
  table["product.update"] = {Update};
  table["product.delete"] = {Delete};
  table["product.categories"] = rpc::OnReader(Categories);
  table["product.import"] = {.run = Import, .marks_replay = true};
}

}  // namespace mart::handlers
