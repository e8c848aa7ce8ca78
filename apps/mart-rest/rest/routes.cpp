#include "rest/routes.h"

#include <algorithm>

namespace mart::rest {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The number of literal segments when `route` matches `segments`, else -1.
int MatchSegments(const Route& route, const std::vector<std::string>& segments,
                  std::map<std::string, std::string>* params) {
  if (route.segments.size() != segments.size()) return -1;
  int literals = 0;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (IsParam(want)) {
      found[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want == segments[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  *params = std::move(found);
  return literals;
}

Result<Route> MakeRoute(const CommandSpec& spec, const RouteRule& rule, std::string_view rest) {
  size_t space = rest.find(' ');
  if (space == std::string_view::npos || space == 0 || rest.size() <= space + 1 ||
      rest[space + 1] != '/') {
    return Internal("spec " + std::string(spec.method) + " has a malformed rest route '" +
                    std::string(rest) + "'");
  }
  Route route;
  route.http_method = std::string(rest.substr(0, space));
  route.pattern = std::string(rest.substr(space + 1));
  route.segments = SplitPath(route.pattern);
  route.spec = &spec;
  route.rule = &rule;
  for (const auto& [http_name, param] : rule.aliases) {
    route.client_names.emplace(std::string(param), std::string(http_name));  // first alias wins
  }
  for (size_t i = 1; i < route.segments.size(); ++i) {
    if (route.segments[i] != "{id}") continue;
    std::string_view name = SeedPathName(route.segments[i - 1]);
    if (name != "id") route.client_names["id"] = std::string(name);
  }
  return route;
}

}  // namespace

Result<std::vector<Route>> BuildRoutes(const std::vector<CommandSpec>& specs) {
  std::vector<Route> routes;
  for (const CommandSpec& spec : specs) {
    if (spec.rest.empty()) continue;
    MART_ASSIGN_OR_RETURN(Route route, MakeRoute(spec, RuleFor(spec.method), spec.rest));
    routes.push_back(std::move(route));
  }
  for (const RouteRule& rule : ExtraRules()) {
    for (const CommandSpec& spec : specs) {
      if (spec.method != rule.method) continue;
      MART_ASSIGN_OR_RETURN(Route route, MakeRoute(spec, rule, rule.rest));
      routes.push_back(std::move(route));
    }
  }
  return routes;
}

ClientField ClientFieldOf(const Route& route, std::string_view param) {
  ClientField field;
  auto it = route.client_names.find(param);
  field.name = std::string(it == route.client_names.end() ? param : std::string_view(it->second));
  const std::string segment = "{" + std::string(param) + "}";
  const bool in_path =
      std::find(route.segments.begin(), route.segments.end(), segment) != route.segments.end();
  const std::string& method = route.http_method;
  field.source = in_path                                                     ? "path"
                 : method == "GET" || method == "DELETE" || method == "HEAD" ? "query"
                                                                             : "body";
  return field;
}

RouteMatch MatchRoute(const std::vector<Route>& routes, std::string_view http_method,
                      std::string_view path) {
  const std::vector<std::string> segments = SplitPath(path);
  RouteMatch best;
  int best_literals = -1;
  bool path_known = false;
  for (const Route& route : routes) {
    std::map<std::string, std::string> params;
    int literals = MatchSegments(route, segments, &params);
    if (literals < 0) continue;
    path_known = true;
    if (route.http_method != http_method || literals <= best_literals) continue;
    best_literals = literals;
    best.kind = MatchKind::kFound;
    best.route = &route;
    best.path_params = std::move(params);
  }
  if (best.kind != MatchKind::kFound && path_known) best.kind = MatchKind::kMethodNotAllowed;
  return best;
}

}  // namespace mart::rest
