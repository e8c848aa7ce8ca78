#include "rest/http_parser.h"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>
#include <string_view>

namespace mart::rest {
namespace {

using State = RequestParser::State;

// Feeds `input` whole; returns the parser and, in *used, the bytes consumed.
RequestParser Parse(std::string_view input, size_t* used = nullptr, HttpLimits limits = {}) {
  RequestParser parser(limits);
  const size_t n = parser.Feed(input);
  if (used != nullptr) *used = n;
  return parser;
}

TEST(HttpParserTest, ReadsARequestLineAndHeaders) {
  size_t used = 0;
  const std::string input = "GET /api/v1/products/?limit=5 HTTP/1.1\r\nHost: x\r\n"
                            "Authorization:  Bearer t  \r\n\r\n";
  RequestParser parser = Parse(input, &used);
  ASSERT_EQ(parser.state(), State::kDone);
  EXPECT_EQ(used, input.size());
  const ParsedRequest& request = parser.request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/v1/products/?limit=5");
  EXPECT_EQ(request.minor_version, 1);
  EXPECT_EQ(request.Header("authorization"), "Bearer t");
  EXPECT_EQ(request.Header("X-Missing"), "");
  EXPECT_TRUE(request.keep_alive);
  EXPECT_TRUE(request.body.empty());
}

TEST(HttpParserTest, OneByteAtATimeGivesTheSameRequest) {
  const std::string input =
      "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  RequestParser parser;
  for (char c : input) {
    EXPECT_NE(parser.state(), State::kDone);
    EXPECT_EQ(parser.Feed(std::string_view(&c, 1)), 1u);
  }
  ASSERT_EQ(parser.state(), State::kDone);
  EXPECT_EQ(parser.request().body, "hello");
}

TEST(HttpParserTest, StopsAtTheEndOfARequestSoPipelinedOnesStay) {
  const std::string first = "PUT /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nok";
  const std::string second = "GET /b HTTP/1.1\r\n\r\n";
  size_t used = 0;
  RequestParser parser = Parse(first + second, &used);
  ASSERT_EQ(parser.state(), State::kDone);
  EXPECT_EQ(used, first.size());
  EXPECT_EQ(parser.Feed(second), 0u);  // done: takes nothing more
  RequestParser next = Parse(std::string_view(first + second).substr(used));
  ASSERT_EQ(next.state(), State::kDone);
  EXPECT_EQ(next.request().target, "/b");
}

TEST(HttpParserTest, APutWithoutABodyIsComplete) {
  RequestParser parser = Parse("PUT /api/v1/notifications/1/read HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(parser.state(), State::kDone);
  EXPECT_EQ(parser.request().method, "PUT");
  EXPECT_TRUE(parser.request().body.empty());
}

TEST(HttpParserTest, AcceptsBareLineFeedsAndLeadingBlankLines) {
  RequestParser parser = Parse("\r\n\nGET / HTTP/1.0\nConnection: keep-alive\n\n");
  ASSERT_EQ(parser.state(), State::kDone);
  EXPECT_EQ(parser.request().minor_version, 0);
  EXPECT_TRUE(parser.request().keep_alive);
}

TEST(HttpParserTest, ConnectionCloseAndHttp10DefaultEndTheConnection) {
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nConnection: TE, close\r\n\r\n").request().keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").request().keep_alive);
}

TEST(HttpParserTest, DecodesAChunkedBodyWithExtensionsAndTrailers) {
  RequestParser parser =
      Parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
            "5;name=v\r\nhello\r\n1\r\n \r\n0\r\nX-Trailer: t\r\n\r\n");
  ASSERT_EQ(parser.state(), State::kDone) << parser.error_detail();
  EXPECT_EQ(parser.request().body, "hello ");
}

TEST(HttpParserTest, AskingToContinueIsNotedUntilTheBodyComes) {
  RequestParser parser;
  parser.Feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_EQ(parser.state(), State::kBody);
  EXPECT_TRUE(parser.head_complete());
  EXPECT_TRUE(parser.wants_continue());
  parser.Feed("{}");
  EXPECT_EQ(parser.state(), State::kDone);
  EXPECT_FALSE(parser.wants_continue());
}

TEST(HttpParserTest, ADeclaredBodyOverTheLimitIs413AtTheHead) {
  RequestParser parser = Parse("POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n");
  EXPECT_EQ(parser.state(), State::kError);
  EXPECT_EQ(parser.error_status(), 413);
  EXPECT_EQ(parser.error_detail(), "request body is larger than 1048576 bytes");
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n")
                .error_status(),
            413);
}

// The chunks add up past the limit: refused there, without reading the rest.
TEST(HttpParserTest, AChunkedBodyOverTheLimitIs413AsSoonAsItGetsThere) {
  RequestParser parser;
  parser.Feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";
  int fed = 0;
  while (parser.state() == State::kBody && fed < 300 * 16) {
    parser.Feed(chunk);
    ++fed;
  }
  EXPECT_EQ(parser.state(), State::kError);
  EXPECT_EQ(parser.error_status(), 413);
  EXPECT_EQ(fed, 17);  // 16 chunks are exactly 1 MiB; the 17th is one too many
  EXPECT_LE(parser.request().body.size(), 1u << 20);
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n")
                .error_status(),
            413);
}

TEST(HttpParserTest, TooManyHeadersAre431AtTheFirstOneTooMany) {
  HttpLimits limits;
  limits.max_headers = 3;
  std::string head = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 3; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  RequestParser parser(limits);
  parser.Feed(head);
  EXPECT_EQ(parser.state(), State::kHead);
  parser.Feed("X-3: v\r\n");
  EXPECT_EQ(parser.state(), State::kError);
  EXPECT_EQ(parser.error_status(), 431);
  EXPECT_EQ(parser.error_detail(), "more than 3 header fields");
  // Trailers count too.
  RequestParser chunked(limits);
  chunked.Feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
               "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n");
  EXPECT_EQ(chunked.error_status(), 431);
}

TEST(HttpParserTest, AHeadOverTheLimitIs431WithoutKeepingIt) {
  RequestParser parser;
  parser.Feed("GET / HTTP/1.1\r\nX-Big: ");
  parser.Feed(std::string(40 * 1024, 'b'));
  EXPECT_EQ(parser.state(), State::kError);
  EXPECT_EQ(parser.error_status(), 431);
  EXPECT_EQ(parser.error_detail(), "request header fields are larger than 32768 bytes");
}

TEST(HttpParserTest, ARequestLineOverTheLimitIs414) {
  RequestParser parser = Parse("GET /" + std::string(9000, 'a'));
  EXPECT_EQ(parser.error_status(), 414);
  EXPECT_TRUE(parser.request().method.empty());
}

struct Malformed {
  const char* input;
  int status;
};

// The test's name in ctest: the status and the input, spaces as '_' and
// other punctuation as xHH (gtest's default prints the struct's raw bytes, a
// pointer included).
void PrintTo(const Malformed& m, std::ostream* os) {
  *os << m.status << "_";
  for (const char c : std::string_view(m.input)) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || std::string_view("-./:").find(c) != std::string_view::npos) {
      *os << c;
    } else if (c == ' ') {
      *os << '_';
    } else {
      *os << 'x' << "0123456789abcdef"[byte >> 4] << "0123456789abcdef"[byte & 15];
    }
  }
}

class HttpParserRefusesTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(HttpParserRefusesTest, WithItsStatus) {
  RequestParser parser = Parse(GetParam().input);
  EXPECT_EQ(parser.state(), State::kError) << GetParam().input;
  EXPECT_EQ(parser.error_status(), GetParam().status) << GetParam().input;
  EXPECT_FALSE(parser.error_detail().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, HttpParserRefusesTest,
    ::testing::Values(
        Malformed{"GET /\r\n", 400}, Malformed{"GET  / HTTP/1.1\r\n", 400},
        Malformed{"GET /not a request line HTTP/1.1\r\n", 400},
        Malformed{"G(T / HTTP/1.1\r\n", 400}, Malformed{"GET / HTTX/1.1\r\n", 400},
        Malformed{"GET / HTTP/2.0\r\n", 505}, Malformed{"GET / HTTP/1.2\r\n", 505},
        Malformed{"GET /\x01 HTTP/1.1\r\n", 400},
        Malformed{"GET / HTTP/1.1\r\nX : v\r\n", 400},
        Malformed{"GET / HTTP/1.1\r\nNoColon\r\n", 400},
        Malformed{"GET / HTTP/1.1\r\nA: b\r\n folded\r\n", 400},
        Malformed{"GET / HTTP/1.1\r\nA: b\rc\r\n", 400},
        Malformed{"POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400},
        Malformed{"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
        Malformed{"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
        Malformed{"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                  400},
        Malformed{"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
        Malformed{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n", 501},
        Malformed{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
        Malformed{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n", 400},
        Malformed{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400}));

TEST(HttpParserTest, TheSameContentLengthTwiceIsFine) {
  RequestParser parser =
      Parse("POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok");
  ASSERT_EQ(parser.state(), State::kDone);
  EXPECT_EQ(parser.request().body, "ok");
}

TEST(HttpParserTest, EmptyUntilTheFirstByte) {
  RequestParser parser;
  EXPECT_TRUE(parser.empty());
  parser.Feed("");
  EXPECT_TRUE(parser.empty());
  parser.Feed("G");
  EXPECT_FALSE(parser.empty());
  EXPECT_EQ(parser.state(), State::kHead);
}

}  // namespace
}  // namespace mart::rest
