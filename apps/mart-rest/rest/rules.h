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

namespace mart::rest {

enum class ResultShape {
  kAsIs,
  kOrders,  // an Order or an array of them: user_id shown as a string, as the seeds do
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
};

// The rule for a registry method's own route; a default rule (its `method`
// empty) when none.
const RouteRule& RuleFor(std::string_view method);
// The extra rules: seed routes served by another route's method.
const std::vector<RouteRule>& ExtraRules();
// The param name an HTTP field maps to under `rule` (the field itself when no alias).
std::string_view ParamName(const RouteRule& rule, std::string_view http_name);

}  // namespace mart::rest
