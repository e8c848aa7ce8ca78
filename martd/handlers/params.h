#pragma once
// Reading params that the guards already validated against the spec: types
// and bounds are known to hold, so these accessors do not fail.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mart::handlers {

inline std::optional<std::string> OptString(const nlohmann::json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

inline std::string String(const nlohmann::json& params, const char* name) {
  return OptString(params, name).value_or("");
}

inline std::optional<int64_t> OptInt(const nlohmann::json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

inline int64_t Int(const nlohmann::json& params, const char* name) {
  return OptInt(params, name).value_or(0);
}

inline std::optional<bool> OptBool(const nlohmann::json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

}  // namespace mart::handlers
