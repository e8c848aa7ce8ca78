#include "rest/http_codec.h"

#include <gtest/gtest.h>

namespace mart::rest {
namespace {

TEST(HttpCodecTest, PercentDecodesAndLeavesBadEscapesAlone) {
  EXPECT_EQ(PercentDecode("/a%20b%2Fc", false), "/a b/c");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("100%", false), "100%");
  EXPECT_EQ(PercentDecode("%zz%4", false), "%zz%4");
  EXPECT_EQ(PercentDecode("%e2%82%ac", false), "\xe2\x82\xac");
}

TEST(HttpCodecTest, ParsesAQueryIntoDecodedPairs) {
  std::multimap<std::string, std::string> params;
  ParseQuery("a=1&name=x+y%21&flag&&=v&a=2", &params);
  EXPECT_EQ(params.count("a"), 2u);
  EXPECT_EQ(params.find("name")->second, "x y!");
  EXPECT_EQ(params.find("flag")->second, "");
  EXPECT_EQ(params.find("")->second, "v");
}

TEST(HttpCodecTest, TheTargetsPathWithoutTheQuery) {
  EXPECT_EQ(TargetPath("/api/v1/products/?limit=5"), "/api/v1/products/");
  EXPECT_EQ(TargetPath("/a%2Fb"), "/a/b");
  EXPECT_EQ(TargetPath("http://localhost:8080/health?x"), "/health");
  EXPECT_EQ(TargetPath("HTTP://host"), "/");
  EXPECT_EQ(TargetPath("http://host?q=1"), "/");
}

TEST(HttpCodecTest, ARequestForTheBridgeWithFormFieldsBesideTheQuerys) {
  ParsedRequest parsed;
  parsed.method = "POST";
  parsed.target = "/api/v1/auth/login?x=1";
  parsed.headers = {{"content-type", "Application/X-WWW-Form-Urlencoded"},
                    {"AUTHORIZATION", "Bearer t"},
                    {"Idempotency-Key", "k"}};
  parsed.body = "username=a%40b.c&password=P+w";
  HttpRequest request = ToHttpRequest(parsed);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/api/v1/auth/login");
  EXPECT_EQ(request.authorization, "Bearer t");
  EXPECT_EQ(request.idempotency_key, "k");
  EXPECT_EQ(request.body, parsed.body);
  EXPECT_EQ(request.params.find("x")->second, "1");
  EXPECT_EQ(request.params.find("username")->second, "a@b.c");
  EXPECT_EQ(request.params.find("password")->second, "P w");
}

TEST(HttpCodecTest, AJsonBodyAddsNoParams) {
  ParsedRequest parsed;
  parsed.method = "POST";
  parsed.target = "/x";
  parsed.headers = {{"Content-Type", "application/json"}};
  parsed.body = "a=1";
  EXPECT_TRUE(ToHttpRequest(parsed).params.empty());
}

TEST(HttpCodecTest, SerializesAReplyWithItsLength) {
  HttpReply reply;
  reply.status = 401;
  reply.body = R"({"detail":"Not authenticated"})";
  reply.headers = {{"WWW-Authenticate", "Bearer"}};
  EXPECT_EQ(SerializeReply(reply, true, false),
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
            "Content-Length: 30\r\nWWW-Authenticate: Bearer\r\n\r\n"
            R"({"detail":"Not authenticated"})");
  EXPECT_EQ(SerializeReply(reply, false, true),
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
            "Content-Length: 30\r\nWWW-Authenticate: Bearer\r\nConnection: close\r\n\r\n");
}

TEST(HttpCodecTest, A204HasNeitherLengthNorBody) {
  HttpReply reply;
  reply.status = 204;
  EXPECT_EQ(SerializeReply(reply, true, false), "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST(HttpCodecTest, ReasonPhrases) {
  EXPECT_EQ(ReasonPhrase(200), "OK");
  EXPECT_EQ(ReasonPhrase(413), "Content Too Large");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(299), "Error");
}

}  // namespace
}  // namespace mart::rest
