// Fuzz target: the REST bridge's request handling, from an HTTP request's
// method, target (path and query string), headers and body to the registry
// call and the HTTP reply, without a network.
//
// Input, an HTTP/1.1 request head without the version:
//   METHOD SP TARGET LF  (HEADER: VALUE LF)*  LF  BODY
// The target and a form body are decoded as cpp-httplib decodes them for the
// server (decode_url on the path, parse_query_text on the query and on an
// application/x-www-form-urlencoded body), then Bridge::Handle runs with a
// stand-in for martd: the params go through the real envelope (EncodeRequest
// as mart::Client sends them, DecodeRequest as martd reads them) and
// ValidateParams, and an error comes back through the reply envelope as a
// client sees it; a valid call answers with a small result of the route's shape.
//
// Properties: nothing throws or crashes; every reply has an HTTP status of
// 200–599 and, unless 204, a JSON body; every call the bridge makes encodes
// into a frame martd decodes.

#include <httplib.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "mart/wire/envelope.h"
#include "rest/bridge.h"

namespace {

using mart::rest::HttpRequest;
using nlohmann::json;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

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
bool ParseHead(std::string_view head, HttpRequest* request) {
  size_t line_end = head.find('\n');
  std::string_view line = head.substr(0, line_end);
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  request->method = std::string(line.substr(0, space));
  std::string target(line.substr(space + 1));
  size_t question = target.find('?');
  request->path = httplib::detail::decode_url(target.substr(0, question), false);
  if (question != std::string::npos && question + 1 < target.size()) {
    httplib::Params query;
    httplib::detail::parse_query_text(target.substr(question + 1), query);
    request->params.insert(query.begin(), query.end());
  }
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 1;
    line_end = head.find('\n', start);
    std::string_view header = head.substr(start, line_end - start);
    size_t colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = Lower(header.substr(0, colon));
    std::string value(header.substr(colon + 1));
    value.erase(0, value.find_first_not_of(' '));
    if (name == "content-type") request->content_type = value;
    if (name == "authorization") request->authorization = value;
    if (name == "idempotency-key") request->idempotency_key = value;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t blank = input.find("\n\n");
  HttpRequest request;
  if (!ParseHead(input.substr(0, blank), &request)) return 0;
  if (blank != std::string_view::npos) request.body = std::string(input.substr(blank + 2));
  // cpp-httplib adds the fields of a form body to the query's (case-sensitive, as it checks).
  if (request.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    httplib::Params form;
    httplib::detail::parse_query_text(request.body, form);
    request.params.insert(form.begin(), form.end());
  }
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
