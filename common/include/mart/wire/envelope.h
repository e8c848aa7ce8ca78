#pragma once
// The wire envelope (common/PROTOCOL.md): one JSON frame per request and reply.
//   request: {"v":1,"id":"…","method":"auth.login","auth":"…","idempotency_key":"…",
//             "forwarded_for":"…","params":{…}}
//   reply:   {"v":1,"id":"…","ok":true,"result":…[,"next":"…"]}
//            {"v":1,"id":"…","ok":false,"error":{"code":"…","message":"…","details":{…}}}
// Decoders never throw: malformed input becomes INVALID_ARGUMENT.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "mart/wire/json_text.h"

namespace mart {

inline constexpr int kProtocolVersion = 1;
// Largest request the daemon decodes; larger ones get an INVALID_ARGUMENT reply.
inline constexpr size_t kMaxMessageBytes = 1 << 20;
// Frames past this are dropped by ZeroMQ itself (the peer is disconnected).
inline constexpr size_t kHardMaxMessageBytes = 4 << 20;
inline constexpr size_t kMaxIdLength = 128;
inline constexpr size_t kMaxForwardedForLength = 64;
// Arrays and objects nest at most this deep in a request: deeper JSON is
// refused before parsing, so no later recursion over it can exhaust the stack.
inline constexpr size_t kMaxJsonDepth = 32;
// The auth field of a request from the local operator: this prefix, then the cookie.
inline constexpr std::string_view kCookieAuthPrefix = "cookie:";

struct Request {
  std::string id;
  std::string method;
  std::string auth;             // bearer token, "cookie:<hex>", or empty
  std::string idempotency_key;  // empty when absent
  // The address of the client a forwarding program (mart-rest) serves, for
  // the login limits; martd trusts it only from its own Unix user
  // (PROTOCOL.md §9). Empty when absent.
  std::string forwarded_for = {};
  nlohmann::json params = nlohmann::json::object();
};

struct Reply {
  std::string id;
  Status status;  // OK means result holds the answer
  nlohmann::json result;
  // A paged list's cursor for the rows after this page ("" when there are
  // none): the caller sends it back as the method's `cursor` param.
  std::string next = {};
  // When not empty, the result as JSON text: written by the daemon in place
  // of `result` (the hot replies: a page of products), and what DecodeReply
  // fills instead of `result` when asked for ReplyResult::kText.
  std::string result_text = {};
};

std::string EncodeRequest(const Request& request);
// Fills `out` as far as the frame allows (out->id is kept for the error reply
// when it could be read) and returns INVALID_ARGUMENT on any defect.
Status DecodeRequest(std::string_view frame, Request* out);

std::string EncodeReply(const Reply& reply);
// How DecodeReply hands over a successful reply's result: parsed into
// Reply::result, or as its text in Reply::result_text ("null" when the frame
// has none), unparsed, for a caller that passes it on (mart-rest).
enum class ReplyResult { kValue, kText };
Status DecodeReply(std::string_view frame, Reply* out, ReplyResult as = ReplyResult::kValue);

}  // namespace mart
