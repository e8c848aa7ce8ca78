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
#include "rest/rules.h"

namespace mart::rest {

struct TranslatedParams {
  nlohmann::json params = nlohmann::json::object();
  // Where each param came from: "path", "query" or "body" (the 422 `loc`).
  std::map<std::string, std::string> sources;
};

// Builds the params for `spec` from the path params, the query (and, for a
// route that accepts forms, the form fields) and the JSON body. HTTP names go
// through the rule's aliases; fields the spec does not know are ignored, as
// FastAPI ignores them; query strings and numeric body strings are converted
// to the arg's type. Values are not validated further: the daemon does that.
// Errors: INVALID_ARGUMENT with details {"loc", "type", "field"} for a body
// that is not JSON (type json_invalid) or not an object, a form body on a
// JSON route, or a query value of the wrong type.
Result<TranslatedParams> TranslateRequest(const CommandSpec& spec, const RouteRule& rule,
                                          const HttpRequest& request,
                                          const std::map<std::string, std::string>& path_params);

// The body the seeds show for `result` under `rule` (orders' user_id as a string).
nlohmann::json ShapeResult(const RouteRule& rule, nlohmann::json result);

// True for an application/x-www-form-urlencoded Content-Type (case-insensitive).
bool IsFormContentType(const std::string& content_type);

// The bearer token of an Authorization header; "" when there is none or the
// scheme is not Bearer (case-insensitive). The bridge forwards nothing else.
std::string BearerToken(const std::string& authorization);

}  // namespace mart::rest
