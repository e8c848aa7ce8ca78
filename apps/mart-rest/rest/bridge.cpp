#include "rest/bridge.h"

#include "rest/errors.h"
#include "rest/rules.h"
#include "rest/shape_text.h"
#include "rest/translate.h"

namespace mart::rest {
namespace {

// The local operator's cookie is never accepted from outside: the bridge must
// not let an HTTP caller act as the operator.
bool IsCookie(const std::string& token) { return token.rfind("cookie:", 0) == 0; }

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
  const Route& route = *match.route;
  const CommandSpec& spec = *route.spec;
  const RouteRule& rule = *route.rule;
  CallOptions options;
  options.auth = BearerToken(request.authorization);
  options.idempotency_key = request.idempotency_key;
  options.forwarded_for = request.client_address;
  std::string answered;
  options.answered = &answered;
  if (IsCookie(options.auth)) return ErrorReply(Unauthenticated("invalid token"));
  if (spec.access != Access::kAnyone && options.auth.empty()) return NotAuthenticatedReply();
  Result<TranslatedParams> params = TranslateRequest(route, request, match.path_params);
  if (!params.ok()) return ErrorReply(params.status());
  // A result the bridge only renames or passes on is taken as martd's text.
  const bool as_text = ShapesText(rule) && rule.exists_conflict.empty();
  std::string text;
  if (as_text) options.result_text = &text;
  Result<nlohmann::json> result = call_(spec.method, params->params, options);
  if (!result.ok()) return ErrorReply(ForClient(result.status(), route, *params));
  if (!rule.exists_conflict.empty()) {
    return DetailReply(409, FillTemplate(std::string(rule.exists_conflict), params->params));
  }
  HttpReply reply;
  reply.status = rule.success_status;
  if (reply.status == 204) return reply;
  if (as_text) {
    // A CallFn that returns the value instead (tests' fakes) is served too.
    if (text.empty()) text = Dump(*result);
    reply.body = ShapeResultText(rule, text);
    return reply;
  }
  Result<nlohmann::json> shaped = ShapeResult(rule, std::move(result).value(), params->own);
  if (!shaped.ok()) return ErrorReply(shaped.status());
  if (rule.names_martd) *shaped = NameMartd(std::move(*shaped), answered);
  reply.body = Dump(*shaped);
  return reply;
}

}  // namespace mart::rest
