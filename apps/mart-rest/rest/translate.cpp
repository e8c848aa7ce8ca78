#include "rest/translate.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

#include "mart/text.h"
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

// A query, form or path value as the arg's JSON type; errors name the client's field.
Result<json> FromText(const ArgSpec& arg, const ClientField& field, const std::string& text) {
  if (arg.type == ArgType::kInt) {
    int64_t value = 0;
    if (!ParseInt(text, &value)) {
      return FieldError(field.source, field.name, "int_parsing",
                        "Input should be a valid integer, unable to parse string as an integer");
    }
    return json(value);
  }
  if (arg.type == ArgType::kBool) {
    const std::string lower = Lower(text);
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return json(true);
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return json(false);
    return FieldError(field.source, field.name, "bool_parsing",
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

// The route's own args are not the daemon's to check: bounds here, as FastAPI words them.
Status CheckOwnArg(const ArgSpec& arg, const ClientField& field, const json& value) {
  if (!value.is_number_integer()) return Status::Ok();
  const int64_t number = value.get<int64_t>();
  if (number < arg.min) {
    return FieldError(field.source, field.name, "greater_than_equal",
                      "Input should be greater than or equal to " + std::to_string(arg.min));
  }
  if (number > arg.max) {
    return FieldError(field.source, field.name, "less_than_equal",
                      "Input should be less than or equal to " + std::to_string(arg.max));
  }
  return Status::Ok();
}

// The HTTP names a list route takes, for the refusal of one it does not.
std::string AcceptedNames(const Route& route) {
  std::string names;
  auto add = [&](const std::vector<ArgSpec>& args) {
    for (const ArgSpec& arg : args) {
      const ClientField field = ClientFieldOf(route, arg.name);
      if (field.source == "query") names += (names.empty() ? "" : ", ") + field.name;
    }
  };
  add(route.spec->args);
  add(route.rule->own_args);
  return names.empty() ? "none" : names;
}

// A GET of a list takes only the query parameters it knows: FastAPI would
// ignore another, and an ignored filter returns the wrong rows.
bool RefusesUnknownQuery(const Route& route) {
  return route.http_method == "GET" && !route.spec->columns.empty();
}

// A text value (query, form or path) given as `field` for `param`: an own arg
// of the route, an arg of the method, or (ignored) neither.
Status AddText(const Route& route, std::string_view param, const ClientField& field,
               const std::string& text, TranslatedParams* out) {
  if (const ArgSpec* own = OwnArg(*route.rule, param)) {
    MART_ASSIGN_OR_RETURN(json value, FromText(*own, field, text));
    MART_RETURN_IF_ERROR(CheckOwnArg(*own, field, value));
    out->own[std::string(param)] = std::move(value);
    return Status::Ok();
  }
  const ArgSpec* arg = FindArg(*route.spec, param);
  if (arg == nullptr) {
    if (field.source != "query" || !RefusesUnknownQuery(route)) return Status::Ok();
    return FieldError(field.source, field.name, "extra_forbidden",
                      "unknown query parameter '" + field.name + "': " +
                          std::string(route.pattern) + " takes " + AcceptedNames(route));
  }
  MART_ASSIGN_OR_RETURN(json value, FromText(*arg, field, text));
  out->params[std::string(param)] = std::move(value);
  out->sources[std::string(param)] = field;
  return Status::Ok();
}

Status AddFields(const Route& route, const HttpRequest& request, std::string_view source,
                 TranslatedParams* out) {
  for (const auto& [key, text] : request.params) {
    const ClientField field{std::string(source), key};
    MART_RETURN_IF_ERROR(AddText(route, ParamName(*route.rule, key), field, text, out));
  }
  return Status::Ok();
}

Status AddJsonBody(const Route& route, const std::string& body, TranslatedParams* out) {
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
    const ArgSpec* arg = FindArg(*route.spec, ParamName(*route.rule, key));
    if (arg == nullptr) continue;
    out->params[std::string(arg->name)] = CoerceBodyValue(*arg, std::move(value));
    out->sources[std::string(arg->name)] = ClientField{"body", key};
  }
  return Status::Ok();
}

Status AddBody(const Route& route, const HttpRequest& request, TranslatedParams* out) {
  if (request.method == "GET" || request.method == "DELETE" || request.method == "HEAD") {
    return Status::Ok();
  }
  if (IsFormContentType(request.content_type)) {
    if (!route.rule->accepts_form) {
      return InvalidArgument("Input should be a valid dictionary or object to extract fields from",
                             {{"loc", json::array({"body"})}, {"type", "model_attributes_type"}});
    }
    return Status::Ok();  // the form fields arrive in request.params
  }
  if (request.body.empty()) return Status::Ok();
  return AddJsonBody(route, request.body, out);
}

// Missing params take the rule's defaults; a missing own arg that is required is a 422.
Status AddDefaults(const Route& route, TranslatedParams* out) {
  const RouteRule& rule = *route.rule;
  if (!rule.defaults.empty()) {
    const json defaults = json::parse(rule.defaults);
    for (auto it = defaults.begin(); it != defaults.end(); ++it) {
      if (!out->params.contains(it.key()) || out->params[it.key()].is_null()) {
        out->params[it.key()] = it.value();
      }
    }
  }
  for (const ArgSpec& arg : rule.own_args) {
    if (!arg.required || out->own.contains(arg.name)) continue;
    const ClientField field = ClientFieldOf(route, arg.name);
    return FieldError(field.source, field.name, "missing", "Field required");
  }
  return Status::Ok();
}

// The seeds' inclusive end time becomes martd's exclusive `until`, one microsecond later.
Status ShiftInclusiveEnd(const RouteRule& rule, TranslatedParams* out) {
  auto it = out->sources.find("until");
  if (rule.inclusive_end.empty() || it == out->sources.end() ||
      it->second.name != rule.inclusive_end || !out->params["until"].is_string()) {
    return Status::Ok();
  }
  const std::string text = out->params["until"].get<std::string>();
  std::optional<int64_t> end = ParseTimestamp(text);
  if (!end) {
    return FieldError(it->second.source, it->second.name, "datetime_parsing",
                      "Input should be a valid datetime or date such as 2026-11-01 or "
                      "2026-11-01T08:00:00Z, not '" + text + "'");
  }
  out->params["until"] = FormatTimestamp(*end + 1);
  return Status::Ok();
}

// Applies `shape_one` to the result when it is one object, else to each element.
template <typename Fn>
json ForEachObject(json result, Fn shape_one) {
  if (result.is_array()) {
    for (json& item : result) {
      if (item.is_object()) shape_one(item);
    }
  } else if (result.is_object()) {
    shape_one(result);
  }
  return result;
}

// The seeds' products and orders carry their own id as `_id` (MongoDB's
// name); martd says `id` for every object. The one place the bridge renames it.
void ShowSeedId(json& object) {
  auto it = object.find("id");
  if (it == object.end() || object.contains("_id")) return;
  json id = std::move(*it);
  object.erase("id");
  object["_id"] = std::move(id);
}

json ShapeProducts(json result) { return ForEachObject(std::move(result), ShowSeedId); }

json ShapeOrders(json result) {
  return ForEachObject(std::move(result), [](json& order) {
    ShowSeedId(order);
    if (order.contains("user_id") && order["user_id"].is_number_integer()) {
      order["user_id"] = std::to_string(order["user_id"].get<int64_t>());
    }
  });
}

json CategoryNames(const json& result) {
  if (!result.is_array()) return result;
  json names = json::array();
  for (const json& item : result) {
    if (item.is_object() && item.contains("category")) names.push_back(item["category"]);
  }
  return names;
}

Result<json> OneById(const RouteRule& rule, json result, const json& own) {
  const json id = own.value("id", json());
  if (result.is_array()) {
    for (json& item : result) {
      if (item.is_object() && item.contains("id") && item["id"] == id) return std::move(item);
    }
  }
  return NotFound(FillTemplate(std::string(rule.not_found), own));
}

json Availability(const json& record, const json& own) {
  const json available = record.is_object() ? record.value("available_quantity", json())
                                             : json();
  const json quantity = own.value("quantity", json());
  if (!available.is_number_integer() || !quantity.is_number_integer()) return record;
  return {{"product_id", record.value("product_id", json())},
          {"quantity", quantity},
          {"available", available.get<int64_t>() >= quantity.get<int64_t>()},
          {"available_quantity", available}};
}

// "items[0].quantity" -> ["items", 0, "quantity"], as FastAPI writes a loc.
json SplitFieldPath(std::string_view path) {
  json parts = json::array();
  std::string part;
  auto flush = [&] {
    int64_t index = 0;
    if (!part.empty()) parts.push_back(ParseInt(part, &index) ? json(index) : json(part));
    part.clear();
  };
  for (char ch : path) {
    if (ch == '.' || ch == '[' || ch == ']') {
      flush();
    } else {
      part += ch;
    }
  }
  flush();
  return parts;
}

}  // namespace

Result<TranslatedParams> TranslateRequest(const Route& route, const HttpRequest& request,
                                          const std::map<std::string, std::string>& path_params) {
  TranslatedParams out;
  const bool form = route.rule->accepts_form && IsFormContentType(request.content_type);
  MART_RETURN_IF_ERROR(AddFields(route, request, form ? "body" : "query", &out));
  MART_RETURN_IF_ERROR(AddBody(route, request, &out));
  for (const auto& [name, text] : path_params) {
    MART_RETURN_IF_ERROR(AddText(route, name, ClientFieldOf(route, name), text, &out));
  }
  MART_RETURN_IF_ERROR(AddDefaults(route, &out));
  MART_RETURN_IF_ERROR(ShiftInclusiveEnd(*route.rule, &out));
  return out;
}

Result<nlohmann::json> ShapeResult(const RouteRule& rule, nlohmann::json result,
                                   const nlohmann::json& own) {
  switch (rule.shape) {
    case ResultShape::kAsIs: return result;
    case ResultShape::kProducts: return ShapeProducts(std::move(result));
    case ResultShape::kOrders: return ShapeOrders(std::move(result));
    case ResultShape::kCategoryNames: return CategoryNames(result);
    case ResultShape::kOneById: return OneById(rule, std::move(result), own);
    case ResultShape::kAvailability: return Availability(result, own);
  }
  return result;
}

json NameMartd(json body, const std::string& endpoint) {
  if (!body.is_object()) return body;
  json martd = {{"endpoint", endpoint}};
  if (auto instance = body.find("instance"); instance != body.end() && instance->is_object()) {
    martd["instance"] = *instance;
  }
  body["martd"] = std::move(martd);
  return body;
}

Status ForClient(const Status& status, const Route& route, const TranslatedParams& params) {
  const json& details = status.details();
  if (status.code() != Code::kInvalidArgument || !details.is_object() ||
      details.contains("loc") || !details.contains("field") || !details["field"].is_string()) {
    return status;
  }
  const std::string path = details["field"].get<std::string>();
  json parts = SplitFieldPath(path);
  if (parts.empty() || !parts[0].is_string()) return status;
  const std::string param = parts[0].get<std::string>();
  auto given = params.sources.find(param);
  const ClientField field = given != params.sources.end() ? given->second
                                                          : ClientFieldOf(route, param);
  json loc = json::array({field.source, field.name});
  for (size_t i = 1; i < parts.size(); ++i) loc.push_back(parts[i]);
  json new_details = details;
  new_details["loc"] = std::move(loc);
  std::string message = status.message();
  const bool names_param = message.rfind(param, 0) == 0 && message.size() > param.size() &&
                           std::string_view(" .[").find(message[param.size()]) !=
                               std::string_view::npos;
  if (names_param) message.replace(0, param.size(), field.name);
  return Status(status.code(), std::move(message), std::move(new_details));
}

std::string FillTemplate(std::string text, const nlohmann::json& values) {
  for (const auto& [name, value] : values.items()) {
    const std::string token = "{" + name + "}";
    const std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
    for (size_t at = text.find(token); at != std::string::npos;
         at = text.find(token, at + shown.size())) {
      text.replace(at, token.size(), shown);
    }
  }
  return text;
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
