#pragma once
// Account domain types and their JSON shapes (the seeds' field names: a user
// has integer `id`, `email`, names, `phone`, `is_active`, `created_at` and its
// `addresses`). A password hash is never part of these types.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mart {

inline constexpr std::string_view kRoleUser = "user";
inline constexpr std::string_view kRoleAdmin = "admin";

struct Address {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::optional<std::string> state;
  std::string postal_code;
  std::string country;
  bool is_default = false;
  int64_t created_at = 0;  // Unix microseconds
  int64_t updated_at = 0;
};

struct User {
  int64_t id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> phone;
  std::string role = std::string(kRoleUser);
  bool is_active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

nlohmann::json ToJson(const Address& address);
// The user object; `addresses` is included (possibly empty) when given.
nlohmann::json ToJson(const User& user, const std::vector<Address>* addresses = nullptr);

}  // namespace mart
