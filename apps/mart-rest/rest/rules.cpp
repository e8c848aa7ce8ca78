#include "rest/rules.h"

#include <vector>

namespace mart::rest {
namespace {

using Aliases = std::vector<std::pair<std::string_view, std::string_view>>;

const Aliases& Paging() {
  static const Aliases kPaging = {{"skip", "offset"}};
  return kPaging;
}

// Seed 000's order lists filter by placing time: start_date and end_date,
// both inclusive (martd's since is inclusive, its until exclusive).
const Aliases& OrderFilters() {
  static const Aliases kFilters = {{"skip", "offset"}, {"start_date", "since"},
                                   {"end_date", "until"}};
  return kFilters;
}

// Seed 000's clients hold stock for an order: {product_id, quantity, order_id}.
// Without an order_id the hold goes under one default reference, so that a
// release without one gives back what a reserve without one took.
constexpr std::string_view kHoldDefaults = R"({"reference": "rest-api"})";

const std::vector<RouteRule>& AllRules() {
  static const std::vector<RouteRule> kRules = {
      {.method = "daemon.status", .names_martd = true},
      {.method = "auth.register", .success_status = 201},
      // The seeds log in with FastAPI's OAuth2 form: username is the email.
      {.method = "auth.login", .aliases = {{"username", "email"}}, .accepts_form = true},
      {.method = "address.add", .success_status = 201},
      {.method = "address.remove", .success_status = 204},
      {.method = "product.create", .success_status = 201, .shape = ResultShape::kProducts},
      {.method = "product.get", .shape = ResultShape::kProducts},
      {.method = "product.update", .shape = ResultShape::kProducts},
      {.method = "product.delete", .success_status = 204, .shape = ResultShape::kProducts},
      {.method = "product.list", .aliases = Paging(), .shape = ResultShape::kProducts,
       .defaults = R"({"sort": "created", "desc": false})"},
      {.method = "inventory.list",
       .aliases = {{"skip", "offset"}, {"low_stock_only", "low_stock"}}},
      {.method = "inventory.set", .aliases = {{"available_quantity", "available"}}},
      {.method = "inventory.history", .aliases = Paging()},
      // Seed 000's clients send {product_id, quantity_change[, reason]}.
      {.method = "inventory.adjust", .aliases = {{"quantity_change", "delta"}},
       .defaults = R"({"reason": "adjusted through the REST API"})"},
      {.method = "inventory.reserve", .aliases = {{"order_id", "reference"}},
       .defaults = kHoldDefaults},
      {.method = "inventory.release", .aliases = {{"order_id", "reference"}},
       .defaults = kHoldDefaults},
      {.method = "product.categories", .shape = ResultShape::kCategoryNames},
      {.method = "order.place", .success_status = 201, .shape = ResultShape::kOrders},
      {.method = "order.get", .shape = ResultShape::kOrders},
      {.method = "order.list", .aliases = OrderFilters(), .shape = ResultShape::kOrders,
       .inclusive_end = "end_date"},
      {.method = "order.status", .shape = ResultShape::kOrders},
      {.method = "order.cancel", .success_status = 204, .shape = ResultShape::kOrders},
      {.method = "notification.list", .aliases = Paging()},
      // A payment attempt is created even when the card is declined: 201 with
      // the record, whose `status` says failed (an error status would hide
      // the record a client needs to show why). Seed 001's client sends
      // card_expiry and card_cvv.
      {.method = "order.pay", .success_status = 201,
       .aliases = {{"order_id", "id"}, {"card_expiry", "expiry"}, {"card_cvv", "cvc"}}},
      {.method = "payment.list", .aliases = Paging()},
  };
  return kRules;
}

}  // namespace

const std::vector<RouteRule>& ExtraRules() {
  // mart creates a product's inventory with the product, so the seeds' create
  // finds it already there (or finds no product: 404).
  static const std::vector<RouteRule> kExtra = {
      {.method = "inventory.get",
       .rest = "POST /api/v1/inventory/",
       .exists_conflict = "Inventory for product {product_id} already exists: mart creates it "
                          "with the product. Change it with PUT /api/v1/inventory/{product_id}"},
      // Seed 000's clients read one address, check stock before ordering and
      // list one user's orders (owner or admin, as order.list with user_id).
      {.method = "address.list",
       .shape = ResultShape::kOneById,
       .rest = "GET /api/v1/users/me/addresses/{id}",
       .own_args = {{.name = "id", .type = ArgType::kInt, .help = "address id",
                     .required = true, .min = 1}},
       .not_found = "address {id} not found"},
      {.method = "inventory.get",
       .shape = ResultShape::kAvailability,
       .rest = "GET /api/v1/inventory/check",
       .own_args = {{.name = "quantity", .type = ArgType::kInt, .help = "units wanted",
                     .required = true, .min = 1, .max = 1'000'000'000}}},
      {.method = "order.list", .aliases = OrderFilters(), .shape = ResultShape::kOrders,
       .rest = "GET /api/v1/orders/user/{user_id}", .inclusive_end = "end_date"},
  };
  return kExtra;
}

const RouteRule& RuleFor(std::string_view method) {
  static const RouteRule kDefault;
  for (const RouteRule& rule : AllRules()) {
    if (rule.method == method) return rule;
  }
  return kDefault;
}

std::string_view ParamName(const RouteRule& rule, std::string_view http_name) {
  for (const auto& [from, to] : rule.aliases) {
    if (from == http_name) return to;
  }
  return http_name;
}

std::string_view SeedPathName(std::string_view collection) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"orders", "order_id"},       {"products", "product_id"},
      {"addresses", "address_id"},  {"payments", "payment_id"},
      {"notifications", "notification_id"}};
  for (const auto& [plural, name] : kNames) {
    if (plural == collection) return name;
  }
  return "id";
}

const ArgSpec* OwnArg(const RouteRule& rule, std::string_view name) {
  for (const ArgSpec& arg : rule.own_args) {
    if (arg.name == name) return &arg;
  }
  return nullptr;
}

}  // namespace mart::rest
