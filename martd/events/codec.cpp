#include "events/codec.h"

#include <limits>

#include "mart/domain/money.h"

namespace mart::events::detail {
namespace {

std::string_view TypeName(const nlohmann::json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "a list";
  if (value.is_object()) return "an object";
  return "binary";
}

std::string Quoted(const std::string& path) { return "field '" + path + "'"; }

}  // namespace

Status Missing(const std::string& path) {
  return InvalidArgument(Quoted(path) + " is missing", {{"field", path}});
}

Status Mistyped(const std::string& path, std::string_view wanted, const nlohmann::json& got) {
  return InvalidArgument(
      Quoted(path) + " must be " + std::string(wanted) + ", not " + std::string(TypeName(got)),
      {{"field", path}});
}

Status NotObject(const std::string& path, const nlohmann::json& got) {
  if (path.empty()) {
    return InvalidArgument("must be an object, not " + std::string(TypeName(got)));
  }
  // "items[0]." -> "items[0]"
  return Mistyped(path.substr(0, path.size() - 1), "an object", got);
}

Status ReadInteger(const std::string& path, const nlohmann::json& value, int64_t* out) {
  if (!value.is_number_integer()) return Mistyped(path, "an integer", value);
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return InvalidArgument(Quoted(path) + " is out of range", {{"field", path}});
  }
  *out = value.get<int64_t>();
  return Status::Ok();
}

Status ReadMoney(const std::string& path, const nlohmann::json& value, int64_t* cents) {
  if (!value.is_number()) return Mistyped(path, "an amount of money", value);
  Result<int64_t> parsed = ParseMoney(value, path);
  if (!parsed.ok()) {
    return InvalidArgument(
        Quoted(path) + " must be an amount with at most two decimals, not " + value.dump(),
        {{"field", path}});
  }
  *cents = *parsed;
  return Status::Ok();
}

Status InPayload(std::string_view topic, const Status& status) {
  nlohmann::json details =
      status.details().is_object() ? status.details() : nlohmann::json::object();
  std::string message = "payload " + status.message();
  if (!topic.empty()) {
    message = std::string(topic) + " " + message;
    details["topic"] = topic;
  }
  return InvalidArgument(std::move(message), std::move(details));
}

}  // namespace mart::events::detail
