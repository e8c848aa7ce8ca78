#include "rest/errors.h"

#include <gtest/gtest.h>

namespace mart::rest {
namespace {

using nlohmann::json;

std::string Header(const HttpReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST(ErrorsTest, EachCodeGetsItsTableStatusAndADetail) {
  const std::vector<std::pair<Status, int>> kCases = {
      {Unauthenticated("invalid token"), 401},  {PermissionDenied("admins only"), 403},
      {NotFound("order x not found"), 404},     {AlreadyExists("email taken"), 409},
      {FailedPrecondition("no stock"), 409},    {RateLimited("slow down"), 429},
      {Unavailable("daemon unavailable"), 503}, {Internal("bug"), 500}};
  for (const auto& [status, http] : kCases) {
    HttpReply reply = ErrorReply(status);
    EXPECT_EQ(reply.status, http) << status.ToString();
    EXPECT_EQ(json::parse(reply.body), json({{"detail", status.message()}}));
  }
}

TEST(ErrorsTest, UnauthenticatedAsksForABearerToken) {
  EXPECT_EQ(Header(ErrorReply(Unauthenticated("token expired")), "WWW-Authenticate"), "Bearer");
  HttpReply missing = NotAuthenticatedReply();
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(Header(missing, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(json::parse(missing.body)["detail"], "Not authenticated");
}

TEST(ErrorsTest, InvalidArgumentIsFastApisValidationList) {
  HttpReply reply = ErrorReply(InvalidArgument("password must be at least 8 characters long",
                                               {{"field", "password"}}));
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(json::parse(reply.body),
            json::parse(R"({"detail":[{"loc":["body","password"],
                            "msg":"password must be at least 8 characters long",
                            "type":"value_error"}]})"));
}

TEST(ErrorsTest, InvalidArgumentUsesTheGivenSourceAndLoc) {
  HttpReply query = ErrorReply(InvalidArgument("bad", {{"field", "limit"}}), "query");
  EXPECT_EQ(json::parse(query.body)["detail"][0]["loc"], json({"query", "limit"}));
  HttpReply no_field = ErrorReply(InvalidArgument("bad"));
  EXPECT_EQ(json::parse(no_field.body)["detail"][0]["loc"], json({"body"}));
  HttpReply given = ErrorReply(InvalidArgument("JSON decode error", {{"loc", {"body", 0}},
                                                                     {"type", "json_invalid"}}));
  EXPECT_EQ(json::parse(given.body)["detail"][0]["loc"], json({"body", 0}));
  EXPECT_EQ(json::parse(given.body)["detail"][0]["type"], "json_invalid");
}

TEST(ErrorsTest, ClientBytesThatAreNotUtf8NeverThrow) {
  // A query parameter named "limit5\xFF" reached the message and the loc (found by rest_fuzz).
  const std::string name = "limit5\xFF";
  HttpReply invalid = ErrorReply(InvalidArgument("unknown query parameter " + name,
                                                 {{"field", name}}), "query");
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(json::parse(invalid.body)["detail"][0]["loc"][1], "limit5\uFFFD");
  HttpReply other = ErrorReply(NotFound("no product " + name));
  EXPECT_EQ(json::parse(other.body)["detail"], "no product limit5\uFFFD");
}

TEST(ErrorsTest, RateLimitedSaysWhenToRetry) {
  HttpReply reply = ErrorReply(RateLimited("too many failed logins", {{"retry_after_s", 30}}));
  EXPECT_EQ(reply.status, 429);
  EXPECT_EQ(Header(reply, "Retry-After"), "30");
}

TEST(ErrorsTest, DetailReplyHasTheFastApiShape) {
  HttpReply reply = DetailReply(404, "Not Found");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"detail":"Not Found"})");
}

}  // namespace
}  // namespace mart::rest
