#pragma once
// The bridge proper: one HTTP request in, one registry call out, one HTTP
// reply back. It routes (404/405), checks that a route needing a caller has a
// bearer token (401), translates the request (422 on bad input), calls the
// method with the caller's token and maps the result or the error. It never
// adds credentials of its own. Handle() is const and thread safe when the
// CallFn is (ClientPool::Call is).

#include <functional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/client/client.h"
#include "mart/status.h"
#include "rest/http.h"
#include "rest/routes.h"

namespace mart::rest {

// Calls a registry method on martd: ClientPool::Call in the server, a fake in tests.
using CallFn = std::function<Result<nlohmann::json>(std::string_view method,
                                                    const nlohmann::json& params,
                                                    const CallOptions& options)>;

class Bridge {
 public:
  Bridge(std::vector<Route> routes, CallFn call);

  // Always a well-formed reply; reply.route names the matched pattern.
  HttpReply Handle(const HttpRequest& request) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  HttpReply Forward(const RouteMatch& match, const HttpRequest& request) const;

  std::vector<Route> routes_;
  CallFn call_;
};

}  // namespace mart::rest
