#pragma once
// The route table. Every route is derived from the `rest` field of a
// CommandSpec ("GET /api/v1/orders/{id}"), so the registry stays the only list
// of what the bridge serves. Paths match with or without a trailing slash.
// Tables are immutable after BuildRoutes: safe to share between threads.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mart/commands/spec.h"
#include "rest/rules.h"

namespace mart::rest {

struct Route {
  std::string http_method;            // "GET"
  std::string pattern;                // "/api/v1/orders/{id}", as in the spec
  std::vector<std::string> segments;  // {"api", "v1", "orders", "{id}"}
  const CommandSpec* spec = nullptr;  // points into the registry (static lifetime)
  const RouteRule* rule = nullptr;    // how it looks over HTTP (static lifetime)
  // Param -> the name the client gives it, where the two differ: the rule's
  // aliases reversed ("delta" -> "quantity_change") and a path's {id} as the
  // seeds name it ("/orders/{id}": "id" -> "order_id"). The one map by which
  // errors name the client's fields.
  std::map<std::string, std::string, std::less<>> client_names;
};

// Where a client gives a param and under which name: a 422's `loc`.
struct ClientField {
  std::string source;  // "path", "query" or "body"
  std::string name;
};

// The client's field for `param` on `route`: "path" for a {param} of the
// pattern, else "query" for GET, DELETE and HEAD and "body" otherwise; the
// name from client_names.
ClientField ClientFieldOf(const Route& route, std::string_view param);

// One route per spec with a `rest` field, in registry order, then one per
// extra rule whose method is in `specs`. Returns INTERNAL when a `rest` field
// is not "METHOD /path" (a registry bug).
Result<std::vector<Route>> BuildRoutes(const std::vector<CommandSpec>& specs);

enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };

struct RouteMatch {
  MatchKind kind = MatchKind::kNotFound;
  const Route* route = nullptr;                  // set when kFound
  std::map<std::string, std::string> path_params;  // "{id}" -> value, decoded
};

// Finds the route for a request. Among routes matching the path, literal
// segments win over {params} ("/products/category/list" before
// "/products/{id}"). A path that matches only under other HTTP methods is
// kMethodNotAllowed; no match at all is kNotFound. `routes` must outlive the
// returned match.
RouteMatch MatchRoute(const std::vector<Route>& routes, std::string_view http_method,
                      std::string_view path);

}  // namespace mart::rest
