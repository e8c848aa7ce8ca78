#pragma once
// How each registry method looks over HTTP, beyond its method and path (which
// come from the spec's `rest` field): the success status, the seeds' names for
// params that mart names differently, and how the result is reshaped. Keyed by
// registry method; a method without an entry gets the defaults (200, no
// aliases, result as is). A few seed routes have no method of their own: an
// extra rule (one with `rest` set) serves such a route with an existing
// method. Immutable static data: thread safe.

#include <string_view>
#include <utility>
#include <vector>

#include "mart/commands/spec.h"

namespace mart::rest {

enum class ResultShape {
  kAsIs,
  // A Product or an array of them: the own `id` shown as `_id`, as the seeds do
  // (martd says `id` for every object's own id; PROTOCOL.md, Naming).
  kProducts,
  // An Order or an array of them: `id` shown as `_id` and user_id as a string,
  // as the seeds do.
  kOrders,
  kCategoryNames,  // product.categories' objects -> their names: ["Audio", "Electronics"]
  // The element of an array whose "id" is the route's own arg `id`; 404 with
  // `not_found` when there is none (one address out of address.list).
  kOneById,
  // An inventory record -> whether the own arg `quantity` can be had now:
  // {"product_id", "quantity", "available": bool, "available_quantity"}.
  kAvailability,
};

struct RouteRule {
  std::string_view method;  // registry method, "order.place"
  int success_status = 200;  // 201 for creates, 204 (no body) for cancel and delete
  // HTTP name -> param name, for query, form and body fields ("skip" -> "offset").
  std::vector<std::pair<std::string_view, std::string_view>> aliases = {};
  ResultShape shape = ResultShape::kAsIs;
  // Also takes an application/x-www-form-urlencoded body (FastAPI's OAuth2
  // login form); every other route takes JSON only.
  bool accepts_form = false;
  // Params sent unless the request gives them, as a JSON object's text
  // (the seeds list products oldest first; mart's default is newest first).
  std::string_view defaults = {};
  // Set on an extra rule only: the route it serves ("POST /api/v1/inventory/"),
  // in place of the spec's own `rest` field.
  std::string_view rest = {};
  // When set, a successful call means the thing to create already exists: the
  // reply is 409 with this detail, "{name}" replaced by the param's value.
  std::string_view exists_conflict = {};
  // Args the route takes besides the method's, from the path or the query:
  // typed and checked like the method's (422 naming them), never sent to
  // martd, read by the shape ({id} of one address, the check's quantity).
  std::vector<ArgSpec> own_args = {};
  // kOneById: the 404 detail, "{id}" replaced by the id.
  std::string_view not_found = {};
  // The HTTP name of an inclusive end time that maps to `until` (exclusive):
  // the seeds' end_date keeps orders placed at or before it, so `until` is
  // one microsecond later.
  std::string_view inclusive_end = {};
  // The body also says which martd answered (/health, in front of several):
  // "martd": {"endpoint", and "instance" when the result has one}.
  bool names_martd = false;
};

// The rule for a registry method's own route; a default rule (its `method`
// empty) when none.
const RouteRule& RuleFor(std::string_view method);
// The extra rules: seed routes served by another route's method.
const std::vector<RouteRule>& ExtraRules();
// The param name an HTTP field maps to under `rule` (the field itself when no alias).
std::string_view ParamName(const RouteRule& rule, std::string_view http_name);
// What the seeds call a path's `{id}` after `collection` ("orders" -> "order_id");
// "id" for a collection they do not name.
std::string_view SeedPathName(std::string_view collection);
// The arg of `rule.own_args` named `name`, or nullptr.
const ArgSpec* OwnArg(const RouteRule& rule, std::string_view name);

}  // namespace mart::rest
