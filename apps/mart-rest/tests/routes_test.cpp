#include "rest/routes.h"

#include <gtest/gtest.h>

#include <tuple>

namespace mart::rest {
namespace {

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = BuildRoutes(AllCommands()).value();
  return kRoutes;
}

TEST(RoutesTest, EverySeedRouteComesFromTheRegistry) {
  const std::vector<std::pair<std::string, std::string>> kSeedRoutes = {
      {"POST", "/api/v1/auth/register"},     {"POST", "/api/v1/auth/login"},
      {"POST", "/api/v1/auth/refresh"},      {"GET", "/api/v1/users/me"},
      {"POST", "/api/v1/users/me/addresses"}, {"POST", "/api/v1/products/"},
      {"GET", "/api/v1/products/"},          {"GET", "/api/v1/inventory/abc"},
      {"POST", "/api/v1/orders/"},           {"GET", "/api/v1/orders/abc"},
      {"GET", "/api/v1/orders/"},            {"PUT", "/api/v1/orders/abc/status"},
      {"DELETE", "/api/v1/orders/abc"},      {"GET", "/health"},
      {"GET", "/api/v1/queues"},             {"POST", "/api/v1/payments/"},
      {"GET", "/api/v1/payments/"},          {"GET", "/api/v1/payments/7"}};
  for (const auto& [method, path] : kSeedRoutes) {
    EXPECT_EQ(MatchRoute(Routes(), method, path).kind, MatchKind::kFound) << method << " " << path;
  }
}

TEST(RoutesTest, TrailingSlashIsOptional) {
  RouteMatch with = MatchRoute(Routes(), "GET", "/api/v1/products/");
  RouteMatch without = MatchRoute(Routes(), "GET", "/api/v1/products");
  ASSERT_EQ(with.kind, MatchKind::kFound);
  ASSERT_EQ(without.kind, MatchKind::kFound);
  EXPECT_EQ(with.route->spec->method, "product.list");
  EXPECT_EQ(without.route->spec->method, "product.list");
  EXPECT_EQ(MatchRoute(Routes(), "GET", "/api/v1/orders/abc/").path_params.at("id"), "abc");
}

TEST(RoutesTest, PathParamsAreCaptured) {
  RouteMatch match = MatchRoute(Routes(), "PUT", "/api/v1/orders/66f1c0ffee0000000000beef/status");
  ASSERT_EQ(match.kind, MatchKind::kFound);
  EXPECT_EQ(match.route->spec->method, "order.status");
  EXPECT_EQ(match.path_params.at("id"), "66f1c0ffee0000000000beef");
}

TEST(RoutesTest, NotificationRoutes) {
  EXPECT_EQ(MatchRoute(Routes(), "GET", "/api/v1/notifications/").route->spec->method,
            "notification.list");
  RouteMatch get = MatchRoute(Routes(), "GET", "/api/v1/notifications/12");
  ASSERT_EQ(get.kind, MatchKind::kFound);
  EXPECT_EQ(get.route->spec->method, "notification.get");
  EXPECT_EQ(get.path_params.at("id"), "12");
  RouteMatch read = MatchRoute(Routes(), "PUT", "/api/v1/notifications/12/read");
  ASSERT_EQ(read.kind, MatchKind::kFound);
  EXPECT_EQ(read.route->spec->method, "notification.mark_read");
  EXPECT_EQ(MatchRoute(Routes(), "DELETE", "/api/v1/notifications/12").kind,
            MatchKind::kMethodNotAllowed);
}

TEST(RoutesTest, LiteralSegmentsWinOverParams) {
  RouteMatch match = MatchRoute(Routes(), "GET", "/api/v1/products/category/list");
  ASSERT_EQ(match.kind, MatchKind::kFound);
  EXPECT_EQ(match.route->spec->method, "product.categories");
  EXPECT_EQ(MatchRoute(Routes(), "POST", "/api/v1/inventory/reserve").route->spec->method,
            "inventory.reserve");
}

TEST(RoutesTest, UnknownPathIsNotFoundAndWrongMethodIsNotAllowed) {
  EXPECT_EQ(MatchRoute(Routes(), "GET", "/api/v1/nothing").kind, MatchKind::kNotFound);
  EXPECT_EQ(MatchRoute(Routes(), "PATCH", "/api/v1/orders/abc").kind,
            MatchKind::kMethodNotAllowed);
  EXPECT_EQ(MatchRoute(Routes(), "DELETE", "/api/v1/auth/login").kind,
            MatchKind::kMethodNotAllowed);
}

TEST(RoutesTest, SeedClientRoutesWinOverTheirParamSiblings) {
  const std::vector<std::tuple<std::string, std::string, std::string>> kRoutes = {
      {"/api/v1/users/me/addresses/3", "address.list", "/api/v1/users/me/addresses/{id}"},
      {"/api/v1/inventory/check", "inventory.get", "/api/v1/inventory/check"},
      {"/api/v1/orders/user/3", "order.list", "/api/v1/orders/user/{user_id}"},
      {"/api/v1/products/category/list", "product.categories",
       "/api/v1/products/category/list"}};
  for (const auto& [path, method, pattern] : kRoutes) {
    RouteMatch match = MatchRoute(Routes(), "GET", path);
    ASSERT_EQ(match.kind, MatchKind::kFound) << path;
    EXPECT_EQ(match.route->spec->method, method) << path;
    EXPECT_EQ(match.route->pattern, pattern) << path;
  }
}

TEST(RoutesTest, ClientFieldsUseTheSeedsNames) {
  RouteMatch order = MatchRoute(Routes(), "GET", "/api/v1/orders/abc");
  ASSERT_EQ(order.kind, MatchKind::kFound);
  EXPECT_EQ(ClientFieldOf(*order.route, "id").source, "path");
  EXPECT_EQ(ClientFieldOf(*order.route, "id").name, "order_id");
  RouteMatch list = MatchRoute(Routes(), "GET", "/api/v1/orders/");
  EXPECT_EQ(ClientFieldOf(*list.route, "offset").source, "query");
  EXPECT_EQ(ClientFieldOf(*list.route, "offset").name, "skip");
  RouteMatch pay = MatchRoute(Routes(), "POST", "/api/v1/payments/");
  EXPECT_EQ(ClientFieldOf(*pay.route, "id").source, "body");
  EXPECT_EQ(ClientFieldOf(*pay.route, "id").name, "order_id");
  RouteMatch health = MatchRoute(Routes(), "GET", "/health");
  EXPECT_EQ(ClientFieldOf(*health.route, "x").name, "x");
}

TEST(RoutesTest, MalformedRestFieldIsAnInternalError) {
  std::vector<CommandSpec> specs = {{.method = "x.y", .summary = "s", .rest = "GET"}};
  Result<std::vector<Route>> routes = BuildRoutes(specs);
  ASSERT_FALSE(routes.ok());
  EXPECT_EQ(routes.status().code(), Code::kInternal);
}

}  // namespace
}  // namespace mart::rest
