// Fuzz target: mart-rest's HTTP/1.1 request parser (RequestParser) on raw
// bytes as a client sends them, one or more pipelined requests, then each
// complete request through ToHttpRequest as the server hands it to the bridge.
//
// The limits are small (a 512-byte head, 8 fields, a 1 KiB body, a 128-byte
// request line) so that inputs reach them.
//
// Properties: nothing crashes; a parser consumes at most what it is given and,
// until it is done or refuses, all of it; fed the same bytes in pieces (cut
// where the input's first byte says) it reaches the same state, error status,
// request and request boundary as fed whole; a complete request keeps to the
// limits; a refusal has one of the documented statuses and a detail.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "rest/http_codec.h"
#include "rest/http_parser.h"

namespace {

using mart::rest::HttpLimits;
using mart::rest::ParsedRequest;
using mart::rest::RequestParser;

constexpr HttpLimits kLimits = {.max_request_line_bytes = 128, .max_head_bytes = 512,
                                .max_headers = 8, .max_body_bytes = 1024};

bool SameRequest(const ParsedRequest& a, const ParsedRequest& b) {
  return a.method == b.method && a.target == b.target && a.minor_version == b.minor_version &&
         a.headers == b.headers && a.body == b.body && a.keep_alive == b.keep_alive;
}

// Feeds `input` in pieces of `piece` bytes; returns the bytes consumed.
size_t FeedInPieces(RequestParser& parser, std::string_view input, size_t piece) {
  size_t used = 0;
  while (used < input.size()) {
    const std::string_view part = input.substr(used, piece);
    const size_t n = parser.Feed(part);
    FUZZ_CHECK(n <= part.size(), "a parser consumes at most what it is given");
    used += n;
    if (n < part.size()) break;
  }
  return used;
}

void CheckOutcome(const RequestParser& parser) {
  if (parser.state() == RequestParser::State::kError) {
    const int status = parser.error_status();
    FUZZ_CHECK(status == 400 || status == 413 || status == 414 || status == 431 ||
                   status == 501 || status == 505,
               "a documented refusal: " + std::to_string(status));
    FUZZ_CHECK(!parser.error_detail().empty(), "a refusal says why");
  }
  if (parser.state() == RequestParser::State::kDone) {
    const ParsedRequest& request = parser.request();
    FUZZ_CHECK(request.headers.size() <= kLimits.max_headers, "at most max_headers fields");
    FUZZ_CHECK(request.body.size() <= kLimits.max_body_bytes, "at most max_body_bytes");
    FUZZ_CHECK(!request.method.empty() && !request.target.empty(), "a request line");
    const mart::rest::HttpRequest decoded = mart::rest::ToHttpRequest(request);
    FUZZ_CHECK(decoded.method == request.method, "the method goes to the bridge as sent");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 16;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Pipelined: one parser per request, each starting where the last one ended.
  for (int requests = 0; !input.empty() && requests < 64; ++requests) {
    RequestParser whole(kLimits);
    const size_t used = whole.Feed(input);
    FUZZ_CHECK(used <= input.size(), "a parser consumes at most what it is given");
    const bool finished = whole.state() == RequestParser::State::kDone ||
                          whole.state() == RequestParser::State::kError;
    FUZZ_CHECK(finished || used == input.size(), "an unfinished request takes every byte");
    RequestParser pieces(kLimits);
    const size_t used_in_pieces = FeedInPieces(pieces, input, piece);
    FUZZ_CHECK(pieces.state() == whole.state(), "the same state, fed in pieces");
    FUZZ_CHECK(pieces.error_status() == whole.error_status(), "the same refusal, in pieces");
    if (whole.state() == RequestParser::State::kDone) {
      FUZZ_CHECK(used_in_pieces == used, "the same request boundary, fed in pieces");
      FUZZ_CHECK(SameRequest(pieces.request(), whole.request()), "the same request, in pieces");
    }
    CheckOutcome(whole);
    if (whole.state() != RequestParser::State::kDone) break;
    input.remove_prefix(used);
  }
  return 0;
}
