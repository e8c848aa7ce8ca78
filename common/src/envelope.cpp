#include "mart/wire/envelope.h"

#include <algorithm>
#include <vector>

#include "mart/text.h"

namespace mart {
namespace {

using nlohmann::json;

// Reads an optional string member bounded by max_length; absent or null yields "".
Status ReadString(const json& object, const char* key, size_t max_length, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return InvalidArgument(std::string(key) + " must be a string");
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > max_length) {
    return InvalidArgument(std::string(key) + " is longer than " + std::to_string(max_length) +
                           " bytes");
  }
  *out = text;
  return Status::Ok();
}

Result<json> ParseObject(std::string_view frame, std::string_view what) {
  if (frame.size() > kMaxMessageBytes) {
    return InvalidArgument(std::string(what) + " of " + std::to_string(frame.size()) +
                               " bytes exceeds the " + std::to_string(kMaxMessageBytes) +
                               "-byte limit",
                           {{"limit", kMaxMessageBytes}});
  }
  if (!IsValidUtf8(frame)) return InvalidArgument(std::string(what) + " is not valid UTF-8");
  if (JsonNestingDepth(frame) > kMaxJsonDepth) {
    return InvalidArgument(std::string(what) + " nests JSON deeper than " +
                           std::to_string(kMaxJsonDepth) + " levels");
  }
  json parsed = json::parse(frame, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InvalidArgument(std::string(what) + " is not valid JSON");
  if (!parsed.is_object()) return InvalidArgument(std::string(what) + " must be a JSON object");
  return parsed;
}

Status CheckVersion(const json& object) {
  auto it = object.find("v");
  if (it == object.end() || !it->is_number_integer() || it->get<int64_t>() != kProtocolVersion) {
    return InvalidArgument("unsupported protocol version (want \"v\":" +
                           std::to_string(kProtocolVersion) + ")");
  }
  return Status::Ok();
}

// An address as a forwarding program saw it: IPv4, or IPv6 with an optional
// zone; nothing that could carry other text into a log line or a limiter key.
Status ReadForwardedFor(const json& object, std::string* out) {
  MART_RETURN_IF_ERROR(ReadString(object, "forwarded_for", kMaxForwardedForLength, out));
  for (char c : *out) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || c == '.' || c == ':' || c == '%' || c == '_' || c == '-') continue;
    out->clear();
    return InvalidArgument("forwarded_for must be an IP address (letters, digits, '.', ':', '%', "
                           "'_' and '-')");
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeRequest(const Request& request) {
  json frame = {{"v", kProtocolVersion}, {"id", request.id}, {"method", request.method}};
  if (!request.auth.empty()) frame["auth"] = request.auth;
  if (!request.idempotency_key.empty()) frame["idempotency_key"] = request.idempotency_key;
  if (!request.forwarded_for.empty()) frame["forwarded_for"] = request.forwarded_for;
  frame["params"] = request.params.is_null() ? json::object() : request.params;
  return frame.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status DecodeRequest(std::string_view frame, Request* out) {
  MART_ASSIGN_OR_RETURN(json object, ParseObject(frame, "request"));
  // The id first, so that every later error can be answered to the right call.
  MART_RETURN_IF_ERROR(ReadString(object, "id", kMaxIdLength, &out->id));
  MART_RETURN_IF_ERROR(CheckVersion(object));
  MART_RETURN_IF_ERROR(ReadString(object, "method", 64, &out->method));
  if (out->method.empty()) return InvalidArgument("method is required");
  MART_RETURN_IF_ERROR(ReadString(object, "auth", 4096, &out->auth));
  MART_RETURN_IF_ERROR(ReadString(object, "idempotency_key", kMaxIdLength, &out->idempotency_key));
  MART_RETURN_IF_ERROR(ReadForwardedFor(object, &out->forwarded_for));
  auto params = object.find("params");
  if (params == object.end() || params->is_null()) {
    out->params = json::object();
  } else if (!params->is_object()) {
    return InvalidArgument("params must be a JSON object");
  } else {
    out->params = std::move(*params);
  }
  return Status::Ok();
}

std::string EncodeReply(const Reply& reply) {
  if (reply.status.ok()) {
    // Written around the result rather than copying it into a frame object
    // (a deep copy of a page of 100 products); the keys in the order
    // nlohmann::json writes them, so the bytes are the same.
    const auto dump = [](const json& value) {
      return value.dump(-1, ' ', false, json::error_handler_t::replace);
    };
    std::string text = "{\"id\":" + dump(reply.id);
    if (!reply.next.empty()) text += ",\"next\":" + dump(reply.next);
    text += ",\"ok\":true,\"result\":";
    text += reply.result_text.empty() ? dump(reply.result) : reply.result_text;
    text += ",\"v\":" + std::to_string(kProtocolVersion) + "}";
    return text;
  }
  json frame = {{"v", kProtocolVersion}, {"id", reply.id}, {"ok", false}};
  {
    json error = {{"code", reply.status.wire_code()}, {"message", reply.status.message()}};
    if (!reply.status.details().is_null()) error["details"] = reply.status.details();
    frame["error"] = std::move(error);
  }
  return frame.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

// The reply frame as an object whose "result" member is left out, its text
// in `*result_text` (ReplyResult::kText): the other members are a few bytes.
Result<json> ReplyFrameKeepingText(std::string_view frame, std::string* result_text) {
  std::vector<JsonMember> members;
  if (!SplitJsonObject(frame, &members)) return InvalidArgument("reply is not a JSON object");
  json object = json::object();
  for (const JsonMember& member : members) {
    if (member.key == "result") {
      result_text->assign(member.value);
      continue;
    }
    json value = json::parse(member.value, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return InvalidArgument("reply is not a JSON object");
    object[std::string(member.key)] = std::move(value);
  }
  return object;
}

}  // namespace

Status DecodeReply(std::string_view frame, Reply* out, ReplyResult as) {
  if (frame.size() > kHardMaxMessageBytes) return InvalidArgument("reply is too large");
  // A reply may carry a request's JSON a few levels down (event data in
  // events.read), so its bound is looser than a request's; without one, a
  // deep reply overflows the stack when the result is copied out.
  if (JsonNestingDepth(frame) > 2 * kMaxJsonDepth) {
    return InvalidArgument("reply nests JSON deeper than " + std::to_string(2 * kMaxJsonDepth) +
                           " levels");
  }
  json object;
  std::string result_text;
  if (as == ReplyResult::kText) {
    MART_ASSIGN_OR_RETURN(object, ReplyFrameKeepingText(frame, &result_text));
  } else {
    object = json::parse(frame, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded() || !object.is_object()) {
      return InvalidArgument("reply is not a JSON object");
    }
  }
  MART_RETURN_IF_ERROR(CheckVersion(object));
  MART_RETURN_IF_ERROR(ReadString(object, "id", kMaxIdLength, &out->id));
  auto ok = object.find("ok");
  if (ok == object.end() || !ok->is_boolean()) return InvalidArgument("reply has no \"ok\"");
  if (ok->get<bool>()) {
    out->status = Status::Ok();
    if (as == ReplyResult::kText) {
      out->result_text = result_text.empty() ? "null" : std::move(result_text);
    } else {
      auto result = object.find("result");
      out->result = result == object.end() ? json() : std::move(*result);
    }
    return ReadString(object, "next", kMaxIdLength, &out->next);
  }
  auto error = object.find("error");
  if (error == object.end() || !error->is_object()) return InvalidArgument("reply has no error");
  std::string code_text;
  std::string message;
  MART_RETURN_IF_ERROR(ReadString(*error, "code", 64, &code_text));
  MART_RETURN_IF_ERROR(ReadString(*error, "message", kMaxMessageBytes, &message));
  auto code = CodeFromWire(code_text);
  if (!code || *code == Code::kOk) {
    out->status = Internal("daemon answered with unknown error code '" + code_text + "': " + message);
  } else {
    out->status = Status(*code, message, error->value("details", json()));
  }
  return Status::Ok();
}

}  // namespace mart
