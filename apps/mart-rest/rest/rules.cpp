#include "rest/rules.h"

#include <vector>

namespace mart::rest {
namespace {

using Aliases = std::vector<std::pair<std::string_view, std::string_view>>;

const Aliases& Paging() {
  static const Aliases kPaging = {{"skip", "offset"}};
  return kPaging;
}

const std::vector<RouteRule>& AllRules() {
  static const std::vector<RouteRule> kRules = {
      {.method = "auth.register", .success_status = 201},
      // The seeds log in with FastAPI's OAuth2 form: username is the email.
      {.method = "auth.login", .aliases = {{"username", "email"}}, .accepts_form = true},
      {.method = "address.add", .success_status = 201},
      {.method = "address.remove", .success_status = 204},
      {.method = "product.create", .success_status = 201},
      {.method = "product.delete", .success_status = 204},
      {.method = "product.list", .aliases = Paging(),
       .defaults = R"({"sort": "created", "desc": false})"},
      {.method = "inventory.list",
       .aliases = {{"skip", "offset"}, {"low_stock_only", "low_stock"}}},
      {.method = "inventory.set", .aliases = {{"available_quantity", "available"}}},
      {.method = "inventory.history", .aliases = Paging()},
      {.method = "order.place", .success_status = 201, .shape = ResultShape::kOrders},
      {.method = "order.get", .shape = ResultShape::kOrders},
      {.method = "order.list", .aliases = Paging(), .shape = ResultShape::kOrders},
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

}  // namespace mart::rest
