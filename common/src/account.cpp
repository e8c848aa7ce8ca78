#include "mart/domain/account.h"

#include "mart/text.h"

namespace mart {
namespace {

nlohmann::json OrNull(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

nlohmann::json ToJson(const Address& address) {
  return {{"id", address.id},
          {"line1", address.line1},
          {"line2", OrNull(address.line2)},
          {"city", address.city},
          {"state", OrNull(address.state)},
          {"postal_code", address.postal_code},
          {"country", address.country},
          {"is_default", address.is_default}};
}

nlohmann::json ToJson(const User& user, const std::vector<Address>* addresses) {
  nlohmann::json json = {{"id", user.id},
                         {"email", user.email},
                         {"first_name", user.first_name},
                         {"last_name", user.last_name},
                         {"phone", OrNull(user.phone)},
                         {"role", user.role},
                         {"is_active", user.is_active},
                         {"created_at", FormatTimestamp(user.created_at)},
                         {"updated_at", FormatTimestamp(user.updated_at)}};
  if (addresses != nullptr) {
    json["addresses"] = nlohmann::json::array();
    for (const Address& address : *addresses) json["addresses"].push_back(ToJson(address));
  }
  return json;
}

}  // namespace mart
