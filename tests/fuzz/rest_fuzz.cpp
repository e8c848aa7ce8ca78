// Fuzz target: the REST bridge's request handling, from an HTTP request's
// method, target (path and query string), headers and body to the registry
// call and the HTTP reply, without a network.
//
// Input, an HTTP/1.1 request head without the version:
//   METHOD SP TARGET LF  (HEADER: VALUE LF)*  LF  BODY
// The method, target, headers and body become a ParsedRequest (as
// RequestParser gives it to the server) and go through ToHttpRequest, which
// decodes the path, the query and an application/x-www-form-urlencoded body
// as the server does; then Bridge::Handle runs with a
// stand-in for martd: the params go through the real envelope (EncodeRequest
// as mart::Client sends them, DecodeRequest as martd reads them) and
// ValidateParams, and an error comes back through the reply envelope as a
// client sees it; a valid call answers with a small result of the route's shape.
//
// Properties: nothing throws or crashes; every reply has an HTTP status of
// 200–599 and, unless 204, a JSON body; every call the bridge makes encodes
// into a frame martd decodes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "mart/wire/envelope.h"
#include "rest/bridge.h"
#include "rest/http_codec.h"

namespace {

using mart::rest::ParsedRequest;
using nlohmann::json;

// The status as it reaches the bridge through martd's reply frame.
mart::Status OverTheWire(const mart::Status& status) {
  mart::Reply reply;
  mart::Status decoded = mart::DecodeReply(mart::EncodeReply({"1", status, nullptr}), &reply);
  FUZZ_CHECK(decoded.ok(), "an error reply decodes: " + decoded.ToString());
  return reply.status;
}

mart::Result<json> FakeMartd(std::string_view method, const json& params,
                             const mart::CallOptions& options) {
  mart::Request request;
  request.id = "1";
  request.method = std::string(method);
  request.auth = options.auth;
  request.idempotency_key = options.idempotency_key;
  request.params = params;
  mart::Request decoded;
  mart::Status status = mart::DecodeRequest(mart::EncodeRequest(request), &decoded);
  if (!status.ok()) return OverTheWire(status);
  const mart::CommandSpec* spec = mart::FindCommand(decoded.method);
  FUZZ_CHECK(spec != nullptr, "the bridge calls registry methods only");
  status = mart::ValidateParams(*spec, decoded.params);
  if (!status.ok()) return OverTheWire(status);
  const json order = {{"id", "66f1c0ffee0000000000abcd"}, {"user_id", 7}, {"status", "pending"}};
  if (method.ends_with(".list")) return json::array({order});
  return order;
}

const mart::rest::Bridge& TheBridge() {
  static const mart::rest::Bridge bridge(*mart::rest::BuildRoutes(mart::AllCommands()), FakeMartd);
  return bridge;
}

// "METHOD TARGET" and the headers; false when there is no request line.
bool ParseHead(std::string_view head, ParsedRequest* request) {
  size_t line_end = head.find('\n');
  std::string_view line = head.substr(0, line_end);
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  request->method = std::string(line.substr(0, space));
  request->target = std::string(line.substr(space + 1));
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 1;
    line_end = head.find('\n', start);
    std::string_view header = head.substr(start, line_end - start);
    size_t colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    std::string value(header.substr(colon + 1));
    value.erase(0, value.find_first_not_of(' '));
    request->headers.emplace_back(std::string(header.substr(0, colon)), std::move(value));
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t blank = input.find("\n\n");
  ParsedRequest parsed;
  if (!ParseHead(input.substr(0, blank), &parsed)) return 0;
  if (blank != std::string_view::npos) parsed.body = std::string(input.substr(blank + 2));
  const mart::rest::HttpRequest request = mart::rest::ToHttpRequest(parsed);
  mart::rest::HttpReply reply = TheBridge().Handle(request);
  FUZZ_CHECK(reply.status >= 200 && reply.status <= 599,
             "an HTTP status: " + std::to_string(reply.status));
  if (reply.status != 204) {
    FUZZ_CHECK(!json::parse(reply.body, nullptr, false).is_discarded(),
               "the reply body is JSON: " + reply.body);
  }
  FUZZ_CHECK(!reply.route.empty(), "the reply names its route");
  return 0;
}
