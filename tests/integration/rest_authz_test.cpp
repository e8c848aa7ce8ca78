// The authorization matrix through the REST bridge: every route of the
// bridge's table (BuildRoutes over the registry, extra rules included), called
// without a token, with the owner's, another user's and an admin's bearer
// token, and with the operator's cookie as a bearer token, gets the HTTP
// status its method's rule promises. The bridge runs in-process in front of a
// real daemon. A route whose method has no rule fails (authz_fixture.h).
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <ostream>
#include <string>

#include "authz_fixture.h"
#include "rest/bridge.h"
#include "rest/routes.h"

namespace mart::testing {
namespace {

using nlohmann::json;

// Over HTTP the operator's cookie is just a bearer token the bridge refuses.
enum class HttpCaller { kNoToken, kOwner, kOtherUser, kAdmin, kCookie };

constexpr HttpCaller kHttpCallers[] = {HttpCaller::kNoToken, HttpCaller::kOwner,
                                       HttpCaller::kOtherUser, HttpCaller::kAdmin,
                                       HttpCaller::kCookie};

std::string_view HttpCallerName(HttpCaller caller) {
  switch (caller) {
    case HttpCaller::kNoToken: return "no_token";
    case HttpCaller::kOwner: return "owner";
    case HttpCaller::kOtherUser: return "other_user";
    case HttpCaller::kAdmin: return "admin";
    case HttpCaller::kCookie: return "cookie";
  }
  return "?";
}

const std::vector<rest::Route>& Routes() {
  static const std::vector<rest::Route> kRoutes = [] {
    auto routes = rest::BuildRoutes(AllCommands());
    return routes.ok() ? *routes : std::vector<rest::Route>();
  }();
  return kRoutes;
}

// Routes whose rule is not their method's: the bridge narrows the method's
// result (one address out of the caller's list: anyone else's is not there).
const MethodRule* RouteRuleOverride(const rest::Route& route) {
  static const std::map<std::string, MethodRule, std::less<>> kOverrides = {
      {"GET /api/v1/users/me/addresses/{id}", {Rule::kOwnAddress}},
  };
  auto it = kOverrides.find(route.http_method + " " + route.pattern);
  return it == kOverrides.end() ? nullptr : &it->second;
}

struct RouteCase {
  size_t route;  // index into Routes()
  HttpCaller caller;
};

std::vector<RouteCase> AllRouteCases() {
  std::vector<RouteCase> cases;
  for (size_t i = 0; i < Routes().size(); ++i) {
    for (HttpCaller caller : kHttpCallers) cases.push_back({i, caller});
  }
  return cases;
}

class RestAuthzTest : public AuthzDaemonTest, public ::testing::WithParamInterface<RouteCase> {
 protected:
  rest::Bridge NewBridge() {
    return rest::Bridge(Routes(), [this](std::string_view method, const json& params,
                                         const CallOptions& options) {
      return Call(method, params, options.auth);
    });
  }

  std::string AuthorizationOf(HttpCaller caller) const {
    switch (caller) {
      case HttpCaller::kNoToken: return "";
      case HttpCaller::kOwner: return "Bearer " + owner_token_;
      case HttpCaller::kOtherUser: return "Bearer " + other_token_;
      case HttpCaller::kAdmin: return "Bearer " + admin_token_;
      case HttpCaller::kCookie: return "Bearer " + Cookie();
    }
    return "";
  }

  // The method's params plus what the route itself takes (RouteRule::own_args).
  json ParamsForRoute(const rest::Route& route) {
    // The only own `id` is the one of GET /users/me/addresses/{id}.
    const std::map<std::string_view, json> kOwnArgs = {{"id", address_id_}, {"quantity", 1}};
    json params = ParamsFor(route.spec->method);
    for (const ArgSpec& arg : route.rule->own_args) {
      auto it = kOwnArgs.find(arg.name);
      if (it == kOwnArgs.end()) {
        ADD_FAILURE() << route.pattern << ": no test value for its own arg " << arg.name;
        continue;
      }
      params[std::string(arg.name)] = it->second;
    }
    return params;
  }

  // The route's path with its {params} filled in; the rest of the params in
  // the query (GET, DELETE) or a JSON body.
  static rest::HttpRequest RequestFor(const rest::Route& route, json params) {
    rest::HttpRequest request;
    request.method = route.http_method;
    for (const std::string& segment : route.segments) {
      std::string part = segment;
      if (segment.size() > 2 && segment.front() == '{') {
        const std::string name = segment.substr(1, segment.size() - 2);
        const json& value = params[name];
        part = value.is_string() ? value.get<std::string>() : value.dump();
        params.erase(name);
      }
      request.path += "/" + part;
    }
    if (request.method == "GET" || request.method == "DELETE") {
      for (const auto& [name, value] : params.items()) {
        request.params.emplace(name, value.is_string() ? value.get<std::string>() : value.dump());
      }
    } else {
      request.content_type = "application/json";
      request.body = params.dump();
    }
    return request;
  }
};

// The status an allowed call gets: the route's success status, or for a
// route that only reports what exists already, 409.
int SuccessStatus(const rest::Route& route) {
  if (!route.rule->exists_conflict.empty()) return 409;
  return route.rule->success_status;
}

int ExpectedStatus(const rest::Route& route, const MethodRule& rule, HttpCaller caller) {
  // The bridge refuses the cookie itself: it must never act as the operator.
  if (caller == HttpCaller::kCookie) return 401;
  const Caller as = caller == HttpCaller::kNoToken ? Caller::kAnonymous
                    : caller == HttpCaller::kOwner ? Caller::kOwner
                    : caller == HttpCaller::kOtherUser ? Caller::kOtherUser
                                                        : Caller::kAdmin;
  Code code = Expected(rule.rule, as);
  if (code == Code::kOk) code = rule.allowed;
  return code == Code::kOk ? SuccessStatus(route) : InfoFor(code).http_status;
}

TEST_P(RestAuthzTest, CallerGetsWhatTheRuleSays) {
  ASSERT_FALSE(Routes().empty()) << "BuildRoutes failed";
  const rest::Route& route = Routes()[GetParam().route];
  const HttpCaller caller = GetParam().caller;
  const std::string method(route.spec->method);
  const MethodRule* rule = RouteRuleOverride(route);
  if (rule == nullptr) rule = FindRule(method);
  ASSERT_NE(rule, nullptr) << route.http_method << " " << route.pattern << ": "
                           << MissingRuleMessage(method);
  rest::HttpRequest request = RequestFor(route, ParamsForRoute(route));
  ASSERT_FALSE(HasFailure()) << "set-up for " << method << " failed";
  request.authorization = AuthorizationOf(caller);
  const rest::HttpReply reply = NewBridge().Handle(request);
  EXPECT_EQ(reply.status, ExpectedStatus(route, *rule, caller))
      << route.http_method << " " << route.pattern << " (" << method << ", rule "
      << RuleName(rule->rule) << ") as " << HttpCallerName(caller) << ": " << request.path
      << " -> " << reply.body;
  for (const auto& [kind, secret] : Secrets(method)) {
    EXPECT_EQ(reply.body.find(secret), std::string::npos)
        << route.pattern << " as " << HttpCallerName(caller) << ": the reply holds a " << kind;
  }
}

void PrintTo(const RouteCase& c, std::ostream* os) {
  const rest::Route& route = Routes()[c.route];
  *os << route.http_method << " " << route.pattern << " as " << HttpCallerName(c.caller);
}

INSTANTIATE_TEST_SUITE_P(
    Routes, RestAuthzTest, ::testing::ValuesIn(AllRouteCases()),
    [](const ::testing::TestParamInfo<RouteCase>& param_info) {
      const rest::Route& route = Routes()[param_info.param.route];
      std::string name = route.http_method + route.pattern + "_as_" +
                         std::string(HttpCallerName(param_info.param.caller));
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace mart::testing
