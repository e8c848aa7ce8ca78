#include "rest/http_codec.h"

#include <charconv>
#include <optional>

#include "mart/text.h"
#include "rest/translate.h"

namespace mart::rest {
namespace {

// The byte of two hex digits at the front of `text`, if they are two hex digits.
std::optional<char> HexByte(std::string_view text) {
  unsigned value = 0;
  if (text.size() < 2) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + 2, value, 16);
  if (error != std::errc() || end != text.data() + 2) return std::nullopt;
  return static_cast<char>(value);
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const std::optional<char> escaped = c == '%' ? HexByte(text.substr(i + 1)) : std::nullopt;
    if (escaped) {
      out.push_back(*escaped);
      i += 2;
    } else {
      out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
  }
  return out;
}

void ParseQuery(std::string_view text, std::multimap<std::string, std::string>* params) {
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      const std::string_view value = eq == pair.npos ? "" : pair.substr(eq + 1);
      params->emplace(PercentDecode(pair.substr(0, eq), true), PercentDecode(value, true));
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
}

std::string TargetPath(std::string_view target) {
  const std::string scheme = ToLowerAscii(target.substr(0, 8));
  if (scheme.starts_with("http://") || scheme.starts_with("https://")) {
    const size_t authority = target.find("//") + 2;
    const size_t slash = target.find_first_of("/?", authority);
    target = slash == target.npos || target[slash] == '?' ? "/" : target.substr(slash);
  }
  return PercentDecode(target.substr(0, target.find('?')), false);
}

HttpRequest ToHttpRequest(const ParsedRequest& parsed) {
  HttpRequest request;
  request.method = parsed.method;
  request.path = TargetPath(parsed.target);
  const size_t question = parsed.target.find('?');
  if (question != std::string::npos) {
    ParseQuery(std::string_view(parsed.target).substr(question + 1), &request.params);
  }
  request.content_type = std::string(parsed.Header("Content-Type"));
  request.authorization = std::string(parsed.Header("Authorization"));
  request.idempotency_key = std::string(parsed.Header("Idempotency-Key"));
  request.body = parsed.body;
  if (IsFormContentType(request.content_type)) ParseQuery(request.body, &request.params);
  return request;
}

std::string SerializeReply(const HttpReply& reply, bool keep_alive, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " ";
  out.append(ReasonPhrase(reply.status));
  out.append("\r\n");
  if (reply.status != 204) {
    out.append("Content-Type: " + reply.content_type + "\r\n");
    out.append("Content-Length: " + std::to_string(reply.body.size()) + "\r\n");
  }
  for (const auto& [name, value] : reply.headers) out.append(name + ": " + value + "\r\n");
  if (!keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
  if (!head_only && reply.status != 204) out.append(reply.body);
  return out;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

}  // namespace mart::rest
