#pragma once
// Request and response translation: an HTTP request becomes the params object
// of a registry method, and a method's result becomes the seeds' body.
// Pure functions of their arguments: thread safe.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "mart/status.h"
#include "rest/http.h"
#include "rest/routes.h"
#include "rest/rules.h"

namespace mart::rest {

struct TranslatedParams {
  nlohmann::json params = nlohmann::json::object();
  // Where the client gave each param and under which name (the 422 `loc`).
  std::map<std::string, ClientField, std::less<>> sources;
  // The route's own args (RouteRule::own_args), typed; never sent to martd.
  nlohmann::json own = nlohmann::json::object();
};

// Builds the params of the route's method from the path params, the query
// (and, for a route that accepts forms, the form fields) and the JSON body.
// HTTP names go through the rule's aliases; body fields the method does not
// know are ignored, as FastAPI ignores them; query strings and numeric body
// strings are converted to the arg's type; the rule's defaults fill what is
// missing. Values are not validated further: the daemon does that, except
// the route's own args, which are checked here. Errors: INVALID_ARGUMENT with
// details {"loc", "type", "field"}, `loc` naming the client's field, for a
// body that is not JSON (type json_invalid) or not an object, a form body on
// a JSON route, a query or path value of the wrong type, an own arg missing
// or out of range, an end time that is not one, and on a GET of a list (a
// method with table columns) a query parameter the route does not take
// (extra_forbidden): an ignored filter would return the wrong rows.
Result<TranslatedParams> TranslateRequest(const Route& route, const HttpRequest& request,
                                          const std::map<std::string, std::string>& path_params);

// The body the seeds show for `result` under `rule` (orders' user_id as a
// string, …), given the request's own args. NOT_FOUND for a kOneById route
// whose id is not in the result.
Result<nlohmann::json> ShapeResult(const RouteRule& rule, nlohmann::json result,
                                   const nlohmann::json& own = nlohmann::json::object());

// `body` with "martd": {"endpoint": `endpoint`, "instance": body's "instance"
// when it is an object} (RouteRule::names_martd). A body that is no object is
// returned as it is.
nlohmann::json NameMartd(nlohmann::json body, const std::string& endpoint);

// A failed call's status as the client should read it: an INVALID_ARGUMENT
// naming a param (details `field`, "items[0].quantity") gets `loc` with the
// client's source and name for it, the path split as FastAPI does
// (["body", "items", 0, "quantity"]), and a message that starts with the
// param's name starts with the client's instead ("delta is required" ->
// "quantity_change is required"). Other statuses are returned as they are.
Status ForClient(const Status& status, const Route& route, const TranslatedParams& params);

// `text` with each "{name}" replaced by the value of `values[name]`.
std::string FillTemplate(std::string text, const nlohmann::json& values);

// True for an application/x-www-form-urlencoded Content-Type (case-insensitive).
bool IsFormContentType(const std::string& content_type);

// The bearer token of an Authorization header; "" when there is none or the
// scheme is not Bearer (case-insensitive). The bridge forwards nothing else.
std::string BearerToken(const std::string& authorization);

}  // namespace mart::rest
