#include "services/catalog_service.h"

#include <algorithm>
#include <cstdio>

#include "events/catalog.h"
#include "events/outbox.h"
#include "mart/client/client.h"
#include "mart/text.h"

namespace mart {
namespace {

Status CleanText(std::optional<std::string>& value, std::string_view field) {
  if (!value) return Status::Ok();
  value = std::string(Trim(*value));
  if (value->empty()) {
    return InvalidArgument(std::string(field) + " must not be empty", {{"field", field}});
  }
  return Status::Ok();
}

// product.created, .updated or .deleted (E) of `p` as it is now.
template <class E>
Status EmitProduct(Tx& tx, const Product& p) {
  return events::Emit(tx.events, E{{.product_id = p.id,
                                    .name = p.name,
                                    .category = p.category,
                                    .price_cents = p.price_cents}});
}

}  // namespace

std::string NewProductId(int64_t now_micros) {
  char seconds[9];
  std::snprintf(seconds, sizeof seconds, "%08x", static_cast<uint32_t>(now_micros / 1000000));
  return std::string(seconds) + NewRandomKey().substr(0, 16);
}

Status CheckProductId(std::string_view id, std::string_view field) {
  return CheckObjectId(id, "product", field);
}

Status CheckObjectId(std::string_view id, std::string_view kind, std::string_view field) {
  if (IsObjectId(id)) return Status::Ok();
  return InvalidArgument(std::string(kind) + " id '" + std::string(id.substr(0, 40)) +
                             "' is not 24 hex characters",
                         {{"field", field}});
}

Result<Product> CatalogService::Create(Tx& tx, const NewProduct& request,
                                       const Principal& actor) const {
  return CreateWithId(tx, NewProductId(tx.now), request, actor);
}

Result<Product> CatalogService::CreateWithId(Tx& tx, std::string id, const NewProduct& request,
                                             const Principal& actor) const {
  ProductFields clean = request.fields;
  MART_RETURN_IF_ERROR(CleanText(clean.name, "name"));
  MART_RETURN_IF_ERROR(CleanText(clean.category, "category"));
  for (auto [missing, field] : {std::pair{!clean.name, "name"}, {!clean.category, "category"},
                                 {!clean.price_cents, "price"}}) {
    if (missing) return InvalidArgument(std::string(field) + " is required", {{"field", field}});
  }
  Product product;
  product.id = std::move(id);
  product.name = *clean.name;
  product.description = std::string(Trim(clean.description.value_or("")));
  product.category = *clean.category;
  product.price_cents = *clean.price_cents;
  product.created_at = product.updated_at = tx.now;
  MART_RETURN_IF_ERROR(tx.store.products().Insert(product));
  MART_RETURN_IF_ERROR(EmitProduct<events::ProductCreated>(tx, product));
  MART_RETURN_IF_ERROR(
      inventory_.CreateFor(tx, product.id, request.quantity, request.threshold, actor).status());
  return tx.store.products().Get(product.id);
}

Result<CatalogService::ImportEffect> CatalogService::ImportOne(Tx& tx, const ImportRow& row,
                                                               const Principal& actor,
                                                               std::string* created_id) const {
  if (!row.id.empty()) {
    auto existing = Get(tx, row.id);
    if (existing.ok()) {
      // Stock is the ledger's business: an import changes the catalog fields
      // only, those the row gives, as product.update would.
      const ProductFields& fields = row.product.fields;
      auto kept = [](const std::optional<std::string>& given, const std::string& now) {
        return !given || Trim(*given) == now;
      };
      const bool same = kept(fields.name, existing->name) &&
                        kept(fields.category, existing->category) &&
                        kept(fields.description, existing->description) &&
                        (!fields.price_cents || *fields.price_cents == existing->price_cents);
      if (same) return ImportEffect::kUnchanged;
      MART_RETURN_IF_ERROR(Update(tx, row.id, fields).status());
      return ImportEffect::kUpdated;
    }
    if (existing.status().code() != Code::kNotFound) return existing.status();
  }
  MART_ASSIGN_OR_RETURN(Product created,
                        CreateWithId(tx, row.id.empty() ? NewProductId(tx.now) : row.id,
                                     row.product, actor));
  *created_id = created.id;
  return ImportEffect::kCreated;
}

Result<ImportOutcome> CatalogService::Import(Tx& tx, const std::vector<Result<ImportRow>>& rows,
                                             bool keep_going, const Principal& actor) const {
  ImportOutcome outcome;
  for (size_t i = 0; i < rows.size(); ++i) {
    Status status = rows[i].status();
    if (status.ok()) {
      // With keep_going a skipped row must leave nothing behind; without it,
      // the request's own savepoint undoes the whole batch.
      std::optional<EffectScope> row;
      if (keep_going) row.emplace(tx.store.db(), tx.events);
      std::string created_id;
      auto effect = row && !row->status().ok() ? Result<ImportEffect>(row->status())
                                               : ImportOne(tx, *rows[i], actor, &created_id);
      status = effect.status();
      if (status.ok() && row) status = row->Keep();
      if (status.ok()) {
        if (*effect == ImportEffect::kCreated) outcome.ids.push_back(std::move(created_id));
        if (*effect == ImportEffect::kUpdated) ++outcome.updated;
        if (*effect == ImportEffect::kUnchanged) ++outcome.unchanged;
        continue;
      }
    }
    if (!keep_going) {
      nlohmann::json details = status.details().is_object() ? status.details() : nlohmann::json::object();
      details["index"] = i;
      return Status(status.code(), "row " + std::to_string(i) + ": " + status.message(), details);
    }
    outcome.failed.emplace_back(i, status);
  }
  return outcome;
}

Result<Product> CatalogService::Get(Tx& tx, std::string_view id) const {
  MART_RETURN_IF_ERROR(CheckProductId(id));
  return tx.store.products().Get(id);
}

Result<std::vector<Product>> CatalogService::List(Tx& tx,
                                                  const store::ProductFilter& filter) const {
  if (filter.min_price_cents && filter.max_price_cents &&
      *filter.min_price_cents > *filter.max_price_cents) {
    return InvalidArgument("min_price must not be above max_price", {{"field", "min_price"}});
  }
  if (filter.after_id) {
    MART_RETURN_IF_ERROR(CheckProductId(*filter.after_id, "cursor"));
    // A cursor must name a product that exists, or the page would silently be empty.
    MART_RETURN_IF_ERROR(tx.store.products().Get(*filter.after_id).status());
  }
  return tx.store.products().List(filter);
}

Result<Product> CatalogService::Update(Tx& tx, std::string_view id,
                                       const ProductFields& fields) const {
  if (!fields.name && !fields.description && !fields.category && !fields.price_cents) {
    return InvalidArgument("nothing to change: give a name, description, category or price",
                           {{"field", "name"}});
  }
  MART_ASSIGN_OR_RETURN(Product product, Get(tx, id));
  ProductFields clean = fields;
  MART_RETURN_IF_ERROR(CleanText(clean.name, "name"));
  MART_RETURN_IF_ERROR(CleanText(clean.category, "category"));
  if (clean.name) product.name = *clean.name;
  if (clean.category) product.category = *clean.category;
  if (clean.description) product.description = std::string(Trim(*clean.description));
  if (clean.price_cents) product.price_cents = *clean.price_cents;
  product.updated_at = tx.now;
  MART_RETURN_IF_ERROR(tx.store.products().Update(product));
  MART_RETURN_IF_ERROR(EmitProduct<events::ProductUpdated>(tx, product));
  return tx.store.products().Get(id);
}

Status CatalogService::Delete(Tx& tx, std::string_view id) const {
  MART_ASSIGN_OR_RETURN(Product product, Get(tx, id));
  MART_ASSIGN_OR_RETURN(bool open, tx.store.orders().HasOpenOrderFor(id));
  if (open) {
    return FailedPrecondition("product " + product.id +
                                  " is in orders not yet shipped or cancelled; finish those first",
                              {{"product_id", product.id}});
  }
  MART_RETURN_IF_ERROR(tx.store.products().Delete(id));
  return EmitProduct<events::ProductDeleted>(tx, product);
}

Result<nlohmann::json> CatalogService::Categories(Tx& tx) const {
  MART_ASSIGN_OR_RETURN(auto categories, tx.store.products().Categories());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [category, count] : categories) {
    list.push_back({{"category", category}, {"products", count}});
  }
  return list;
}

}  // namespace mart
