#include "rest/translate.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "mart/wire/envelope.h"

namespace mart::rest {
namespace {

using nlohmann::json;

const ArgSpec* FindArg(const CommandSpec& spec, std::string_view name) {
  for (const ArgSpec& arg : spec.args) {
    if (arg.name == name) return &arg;
  }
  return nullptr;
}

Status FieldError(std::string_view source, std::string_view field, std::string_view type,
                  std::string message) {
  return InvalidArgument(std::move(message), {{"field", field},
                                              {"loc", json::array({source, field})},
                                              {"type", type}});
}

bool ParseInt(std::string_view text, int64_t* value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end && !text.empty();
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A query or form value as the arg's JSON type.
Result<json> FromText(const ArgSpec& arg, std::string_view source, const std::string& text) {
  if (arg.type == ArgType::kInt) {
    int64_t value = 0;
    if (!ParseInt(text, &value)) {
      return FieldError(source, arg.name, "int_parsing",
                        "Input should be a valid integer, unable to parse string as an integer");
    }
    return json(value);
  }
  if (arg.type == ArgType::kBool) {
    const std::string lower = Lower(text);
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return json(true);
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return json(false);
    return FieldError(source, arg.name, "bool_parsing",
                      "Input should be a valid boolean, unable to interpret input");
  }
  return json(text);
}

// Pydantic's lax mode: an integer arg given as a string of digits ("1") is read as a number.
json CoerceBodyValue(const ArgSpec& arg, json value) {
  int64_t number = 0;
  if (arg.type == ArgType::kInt && value.is_string() &&
      ParseInt(value.get<std::string>(), &number)) {
    return json(number);
  }
  return value;
}

Status AddFields(const CommandSpec& spec, const RouteRule& rule, const HttpRequest& request,
                 std::string_view source, TranslatedParams* out) {
  for (const auto& [key, text] : request.params) {
    const ArgSpec* arg = FindArg(spec, ParamName(rule, key));
    if (arg == nullptr) continue;
    MART_ASSIGN_OR_RETURN(json value, FromText(*arg, source, text));
    out->params[std::string(arg->name)] = std::move(value);
    out->sources[std::string(arg->name)] = std::string(source);
  }
  return Status::Ok();
}

Status AddJsonBody(const CommandSpec& spec, const RouteRule& rule, const std::string& body,
                   TranslatedParams* out) {
  // Copying and printing a parsed value recurse once per level: a body of a
  // million '[' would overflow the stack on its way to martd, which refuses
  // such nesting anyway.
  if (JsonNestingDepth(body) > kMaxJsonDepth) {
    return InvalidArgument("JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                           {{"loc", json::array({"body", 0})}, {"type", "json_invalid"}});
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return InvalidArgument("JSON decode error", {{"loc", json::array({"body", 0})},
                                                 {"type", "json_invalid"}});
  }
  if (!parsed.is_object()) {
    return InvalidArgument("Input should be a valid dictionary or object to extract fields from",
                           {{"loc", json::array({"body"})}, {"type", "model_attributes_type"}});
  }
  for (auto& [key, value] : parsed.items()) {
    const ArgSpec* arg = FindArg(spec, ParamName(rule, key));
    if (arg == nullptr) continue;
    out->params[std::string(arg->name)] = CoerceBodyValue(*arg, std::move(value));
    out->sources[std::string(arg->name)] = "body";
  }
  return Status::Ok();
}

Status AddBody(const CommandSpec& spec, const RouteRule& rule, const HttpRequest& request,
               TranslatedParams* out) {
  if (request.method == "GET" || request.method == "DELETE" || request.method == "HEAD") {
    return Status::Ok();
  }
  if (IsFormContentType(request.content_type)) {
    if (!rule.accepts_form) {
      return InvalidArgument("Input should be a valid dictionary or object to extract fields from",
                             {{"loc", json::array({"body"})}, {"type", "model_attributes_type"}});
    }
    return Status::Ok();  // the form fields arrive in request.params
  }
  if (request.body.empty()) return Status::Ok();
  return AddJsonBody(spec, rule, request.body, out);
}

}  // namespace

Result<TranslatedParams> TranslateRequest(const CommandSpec& spec, const RouteRule& rule,
                                          const HttpRequest& request,
                                          const std::map<std::string, std::string>& path_params) {
  TranslatedParams out;
  const bool form = rule.accepts_form && IsFormContentType(request.content_type);
  MART_RETURN_IF_ERROR(AddFields(spec, rule, request, form ? "body" : "query", &out));
  MART_RETURN_IF_ERROR(AddBody(spec, rule, request, &out));
  for (const auto& [name, text] : path_params) {
    const ArgSpec* arg = FindArg(spec, name);
    if (arg == nullptr) continue;
    MART_ASSIGN_OR_RETURN(json value, FromText(*arg, "path", text));
    out.params[name] = std::move(value);
    out.sources[name] = "path";
  }
  if (!rule.defaults.empty()) {
    const json defaults = json::parse(rule.defaults);
    for (auto it = defaults.begin(); it != defaults.end(); ++it) {
      if (!out.params.contains(it.key())) out.params[it.key()] = it.value();
    }
  }
  return out;
}

nlohmann::json ShapeResult(const RouteRule& rule, nlohmann::json result) {
  if (rule.shape != ResultShape::kOrders) return result;
  auto shape_one = [](json& order) {
    if (order.is_object() && order.contains("user_id") && order["user_id"].is_number_integer()) {
      order["user_id"] = std::to_string(order["user_id"].get<int64_t>());
    }
  };
  if (result.is_array()) {
    for (json& order : result) shape_one(order);
  } else {
    shape_one(result);
  }
  return result;
}

bool IsFormContentType(const std::string& content_type) {
  return Lower(content_type).rfind("application/x-www-form-urlencoded", 0) == 0;
}

std::string BearerToken(const std::string& authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return "";
  if (Lower(authorization.substr(0, kScheme.size())) != kScheme) return "";
  std::string token = authorization.substr(kScheme.size());
  token.erase(0, token.find_first_not_of(' '));
  while (!token.empty() && token.back() == ' ') token.pop_back();
  return token;
}

}  // namespace mart::rest
