#pragma once
// Between HTTP/1.1 on the wire and the bridge's own HttpRequest/HttpReply:
// a parsed request becomes an HttpRequest (path and query decoded, a form
// body's fields added to the query's), and an HttpReply becomes the bytes of
// a response. Pure functions: thread safe.

#include <map>
#include <string>
#include <string_view>

#include "rest/http.h"
#include "rest/http_parser.h"

namespace mart::rest {

// %XX escapes decoded (a '%' without two hex digits stays as it is); with
// `plus_is_space`, as in a query or a form, '+' is a space too.
std::string PercentDecode(std::string_view text, bool plus_is_space);

// "a=1&b=x+y&c" -> {a: "1", b: "x y", c: ""}, each key and value decoded.
void ParseQuery(std::string_view text, std::multimap<std::string, std::string>* params);

// The path of a request target, decoded, without its query: origin form
// ("/a/b?q") or absolute form ("http://host/a/b?q", as sent to proxies).
std::string TargetPath(std::string_view target);

// The bridge's view of a complete request.
HttpRequest ToHttpRequest(const ParsedRequest& parsed);

// The response bytes: status line, Content-Type and Content-Length (none for
// 204), the reply's own headers, "Connection: close" unless `keep_alive`,
// then the body unless `head_only` (a HEAD request: same headers, no body).
std::string SerializeReply(const HttpReply& reply, bool keep_alive, bool head_only);

// "OK", "Not Found", …; "Error" for a status this bridge never sends.
std::string_view ReasonPhrase(int status);

}  // namespace mart::rest
