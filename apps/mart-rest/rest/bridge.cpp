#include "rest/bridge.h"

#include "rest/errors.h"
#include "rest/rules.h"
#include "rest/translate.h"

namespace mart::rest {
namespace {

// The local operator's cookie is never accepted from outside: the bridge must
// not let an HTTP caller act as the operator.
bool IsCookie(const std::string& token) { return token.rfind("cookie:", 0) == 0; }

std::string FieldSource(const Status& status, const TranslatedParams& params) {
  const nlohmann::json& details = status.details();
  if (!details.is_object() || !details.contains("field") || !details["field"].is_string()) {
    return "body";
  }
  std::string field = details["field"].get<std::string>();
  field = field.substr(0, field.find_first_of(".["));  // "items[0].quantity" -> "items"
  auto it = params.sources.find(field);
  return it == params.sources.end() ? "body" : it->second;
}

// `text` with each "{name}" replaced by the param's value.
std::string Substitute(std::string text, const nlohmann::json& params) {
  for (const auto& [name, value] : params.items()) {
    const std::string token = "{" + name + "}";
    const std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
    for (size_t at = text.find(token); at != std::string::npos;
         at = text.find(token, at + shown.size())) {
      text.replace(at, token.size(), shown);
    }
  }
  return text;
}

}  // namespace

Bridge::Bridge(std::vector<Route> routes, CallFn call)
    : routes_(std::move(routes)), call_(std::move(call)) {}

HttpReply Bridge::Handle(const HttpRequest& request) const {
  RouteMatch match = MatchRoute(routes_, request.method, request.path);
  HttpReply reply;
  if (match.kind == MatchKind::kNotFound) {
    reply = DetailReply(404, "Not Found");
  } else if (match.kind == MatchKind::kMethodNotAllowed) {
    reply = DetailReply(405, "Method Not Allowed");
  } else {
    reply = Forward(match, request);
  }
  reply.route = match.route != nullptr ? match.route->pattern : "unmatched";
  return reply;
}

HttpReply Bridge::Forward(const RouteMatch& match, const HttpRequest& request) const {
  const CommandSpec& spec = *match.route->spec;
  const RouteRule& rule = *match.route->rule;
  CallOptions options;
  options.auth = BearerToken(request.authorization);
  options.idempotency_key = request.idempotency_key;
  options.forwarded_for = request.client_address;
  if (IsCookie(options.auth)) return ErrorReply(Unauthenticated("invalid token"));
  if (spec.access != Access::kAnyone && options.auth.empty()) return NotAuthenticatedReply();
  Result<TranslatedParams> params = TranslateRequest(spec, rule, request, match.path_params);
  if (!params.ok()) return ErrorReply(params.status());
  Result<nlohmann::json> result = call_(spec.method, params->params, options);
  if (!result.ok()) return ErrorReply(result.status(), FieldSource(result.status(), *params));
  if (!rule.exists_conflict.empty()) {
    return DetailReply(409, Substitute(std::string(rule.exists_conflict), params->params));
  }
  HttpReply reply;
  reply.status = rule.success_status;
  if (reply.status != 204) {
    reply.body = ShapeResult(rule, std::move(result).value())
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return reply;
}

}  // namespace mart::rest
