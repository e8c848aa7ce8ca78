#pragma once
// The bridge's own view of an HTTP exchange, independent of the HTTP library,
// so that routing, translation and error mapping are plain functions that unit
// tests call directly. Plain values: copy freely, no thread safety concerns.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mart::rest {

struct HttpRequest {
  std::string method = {};  // "GET", "POST", …
  std::string path = {};    // without the query string
  // Query parameters, and for form-urlencoded bodies the form fields too
  // (the HTTP library decodes both into one list).
  std::multimap<std::string, std::string> params = {};
  std::string content_type = {};   // may be empty
  std::string authorization = {};  // the Authorization header, may be empty
  std::string idempotency_key = {};  // the Idempotency-Key header, may be empty
  std::string body = {};
  // The peer address of the HTTP connection (never a header a client could
  // set), passed to martd as forwarded_for for the login limits.
  std::string client_address = {};
};

struct HttpReply {
  int status = 200;
  std::string body = {};  // empty for 204
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route = {};  // the matched pattern ("/api/v1/orders/{id}"), or "unmatched"
};

}  // namespace mart::rest
