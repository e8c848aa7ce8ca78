#include "rest/errors.h"

#include <nlohmann/json.hpp>

namespace mart::rest {
namespace {

using nlohmann::json;

// Messages can quote what the client sent (a query parameter's name, a value), which need not
// be UTF-8: replace bad bytes rather than let dump() throw.
std::string Dump(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }

json ValidationItem(const Status& status, std::string_view source) {
  const json& details = status.details();
  json loc = json::array({source});
  if (details.is_object() && details.contains("loc")) {
    loc = details["loc"];
  } else if (details.is_object() && details.contains("field") && details["field"].is_string()) {
    loc.push_back(details["field"]);
  }
  std::string type = "value_error";
  if (details.is_object() && details.contains("type") && details["type"].is_string()) {
    type = details["type"].get<std::string>();
  }
  return {{"loc", loc}, {"msg", status.message()}, {"type", type}};
}

}  // namespace

HttpReply DetailReply(int http_status, std::string detail) {
  HttpReply reply;
  reply.status = http_status;
  reply.body = Dump(json{{"detail", std::move(detail)}});
  return reply;
}

HttpReply NotAuthenticatedReply() {
  HttpReply reply = DetailReply(401, "Not authenticated");
  reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  return reply;
}

HttpReply ErrorReply(const Status& status, std::string_view source) {
  const int http_status = InfoFor(status.code()).http_status;
  if (status.code() == Code::kInvalidArgument) {
    HttpReply reply;
    reply.status = http_status;
    reply.body = Dump(json{{"detail", json::array({ValidationItem(status, source)})}});
    return reply;
  }
  HttpReply reply = DetailReply(http_status, status.message());
  if (status.code() == Code::kUnauthenticated) {
    reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  const json& details = status.details();
  if (status.code() == Code::kRateLimited && details.is_object() &&
      details.contains("retry_after_s") && details["retry_after_s"].is_number_integer()) {
    reply.headers.emplace_back("Retry-After",
                               std::to_string(details["retry_after_s"].get<int64_t>()));
  }
  return reply;
}

}  // namespace mart::rest
