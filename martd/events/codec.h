#pragma once
// How an event payload struct is written to and read from JSON. Each payload
// type (events/*_events.h) lists its fields once, in a static Fields(): the
// JSON name, the member, how the value is written, and one line about it.
// ToJson, FromJson and the catalog's field list (events/catalog.h) all come
// from that list, so the three cannot drift apart.
//
//   kind      member type                  JSON
//   Text      std::string                  string
//   Integer   int64_t                      integer
//   Money     int64_t (cents)              number with two decimals (899.99)
//   OrNull    std::optional<std::string>   string, or null when none (always present)
//   Optional  std::optional<std::string>   string, absent when none
//   List      std::vector<Item>            array of Item objects (Item has Fields())
//
// FromJson returns INVALID_ARGUMENT naming the field ("items[1].quantity")
// when a field is missing or has the wrong type; details {topic, field}. A
// field a later version added (`since` > 1) is always written; read from an
// event of an earlier version, which lacks it, the member keeps its default.
// Keys the struct does not know are ignored. Thread safe (no state).

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/domain/money.h"
#include "mart/status.h"

namespace mart::events {

enum class Wire { kText, kInteger, kMoney, kOrNull, kOptional, kList };

template <Wire W, class Owner, class Member>
struct Field {
  std::string_view name;
  Member Owner::*member;
  std::string_view about;
  int since = 1;  // the payload version that added the field
};

template <class O>
constexpr Field<Wire::kText, O, std::string> Text(std::string_view name, std::string O::*member,
                                                  std::string_view about, int since = 1) {
  return {name, member, about, since};
}
template <class O>
constexpr Field<Wire::kInteger, O, int64_t> Integer(std::string_view name, int64_t O::*member,
                                                    std::string_view about, int since = 1) {
  return {name, member, about, since};
}
template <class O>
constexpr Field<Wire::kMoney, O, int64_t> Money(std::string_view name, int64_t O::*member,
                                                std::string_view about) {
  return {name, member, about, 1};
}
template <class O>
constexpr Field<Wire::kOrNull, O, std::optional<std::string>> OrNull(
    std::string_view name, std::optional<std::string> O::*member, std::string_view about) {
  return {name, member, about, 1};
}
template <class O>
constexpr Field<Wire::kOptional, O, std::optional<std::string>> Optional(
    std::string_view name, std::optional<std::string> O::*member, std::string_view about) {
  return {name, member, about, 1};
}
template <class O, class Item>
constexpr Field<Wire::kList, O, std::vector<Item>> List(std::string_view name,
                                                        std::vector<Item> O::*member,
                                                        std::string_view about) {
  return {name, member, about, 1};
}

// A type that lists its fields: an event payload or an item of one.
template <class T>
concept Described = requires {
  T::Fields();
};

// An event payload: described, with its catalog entry.
template <class E>
concept Event = Described<E> && requires {
  { E::kTopic } -> std::convertible_to<std::string_view>;
  { E::kVersion } -> std::convertible_to<int>;
  { E::kKey } -> std::convertible_to<std::string_view>;
  { E::kWhen } -> std::convertible_to<std::string_view>;
};

template <Described T>
nlohmann::json ToJson(const T& value);

namespace detail {

// Errors of a field at `path` ("items[1].quantity"); the message is completed
// by FromJson with the topic.
Status Missing(const std::string& path);
Status Mistyped(const std::string& path, std::string_view wanted, const nlohmann::json& got);
Status NotObject(const std::string& path, const nlohmann::json& got);
// A JSON number -> cents, as ParseMoney; Mistyped when it is not money.
Status ReadMoney(const std::string& path, const nlohmann::json& value, int64_t* cents);
Status ReadInteger(const std::string& path, const nlohmann::json& value, int64_t* out);
// `status` of the payload of `topic` ("" for no topic), as FromJson returns it.
Status InPayload(std::string_view topic, const Status& status);

template <Wire W, class O, class M, class T>
void Put(nlohmann::json& out, const T& value, const Field<W, O, M>& field) {
  const M& member = value.*(field.member);
  const std::string name(field.name);
  if constexpr (W == Wire::kText || W == Wire::kInteger) {
    out[name] = member;
  } else if constexpr (W == Wire::kMoney) {
    out[name] = MoneyJson(member);
  } else if constexpr (W == Wire::kOrNull) {
    out[name] = member ? nlohmann::json(*member) : nlohmann::json();
  } else if constexpr (W == Wire::kOptional) {
    if (member) out[name] = *member;
  } else {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : member) list.push_back(ToJson(item));
    out[name] = std::move(list);
  }
}

template <Described T>
Status Read(const nlohmann::json& data, const std::string& path, T* out);

template <Wire W, class O, class M, class T>
Status Get(const nlohmann::json& data, const std::string& prefix, const Field<W, O, M>& field,
           T* out) {
  M& member = out->*(field.member);
  const std::string path = prefix + std::string(field.name);
  auto it = data.find(std::string(field.name));
  if (it == data.end() || (W == Wire::kOptional && it->is_null())) {
    if constexpr (W == Wire::kOptional) return Status::Ok();
    if (it == data.end() && field.since > 1) return Status::Ok();  // an earlier version's event
    return Missing(path);
  }
  if constexpr (W == Wire::kText) {
    if (!it->is_string()) return Mistyped(path, "a string", *it);
    member = it->template get<std::string>();
  } else if constexpr (W == Wire::kInteger) {
    return ReadInteger(path, *it, &member);
  } else if constexpr (W == Wire::kMoney) {
    return ReadMoney(path, *it, &member);
  } else if constexpr (W == Wire::kOrNull || W == Wire::kOptional) {
    if (it->is_null()) return Status::Ok();
    if (!it->is_string()) return Mistyped(path, "a string or null", *it);
    member = it->template get<std::string>();
  } else {
    if (!it->is_array()) return Mistyped(path, "a list", *it);
    member.resize(it->size());
    for (size_t i = 0; i < it->size(); ++i) {
      MART_RETURN_IF_ERROR(Read((*it)[i], path + "[" + std::to_string(i) + "].", &member[i]));
    }
  }
  return Status::Ok();
}

template <Described T>
Status Read(const nlohmann::json& data, const std::string& path, T* out) {
  if (!data.is_object()) return NotObject(path, data);
  Status status;
  std::apply(
      [&](const auto&... field) { (void)((status = Get(data, path, field, out)).ok() && ...); },
      T::Fields());
  return status;
}

}  // namespace detail

// The payload as mart emits it.
template <Described T>
nlohmann::json ToJson(const T& value) {
  nlohmann::json out = nlohmann::json::object();
  std::apply([&](const auto&... field) { (detail::Put(out, value, field), ...); }, T::Fields());
  return out;
}

// The payload back into its struct; INVALID_ARGUMENT naming the field when
// one is missing or mistyped.
template <Described T>
Result<T> FromJson(const nlohmann::json& data) {
  T value{};
  Status status = detail::Read(data, "", &value);
  if (status.ok()) return value;
  if constexpr (Event<T>) {
    return detail::InPayload(T::kTopic, status);
  } else {
    return detail::InPayload("", status);
  }
}

}  // namespace mart::events
