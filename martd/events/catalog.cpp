#include "events/catalog.h"

#include <deque>
#include <map>
#include <tuple>

namespace mart::events {
namespace {

// The type strings of list fields, built once; the catalog's FieldSpecs point
// into it (a deque never moves what it holds).
std::deque<std::string>& ListTypes() {
  static std::deque<std::string> types;
  return types;
}

constexpr std::string_view ScalarType(Wire wire) {
  switch (wire) {
    case Wire::kText: return "string";
    case Wire::kInteger: return "integer";
    case Wire::kMoney: return "money";
    case Wire::kOrNull: return "string|null";
    case Wire::kOptional: return "string?";
    case Wire::kList: break;
  }
  return "";
}

template <Described T>
std::string ObjectType();

template <Wire W, class O, class M>
std::string TypeOf(const Field<W, O, M>&) {
  if constexpr (W == Wire::kList) {
    return "[" + ObjectType<typename M::value_type>() + "]";
  } else {
    return std::string(ScalarType(W));
  }
}

// "{product_id: string, quantity: integer}"
template <Described T>
std::string ObjectType() {
  std::string text;
  std::apply(
      [&](const auto&... field) {
        ((text += (text.empty() ? "" : ", ") + std::string(field.name) + ": " + TypeOf(field)),
         ...);
      },
      T::Fields());
  return "{" + text + "}";
}

template <Wire W, class O, class M>
FieldSpec SpecOf(const Field<W, O, M>& field) {
  if constexpr (W == Wire::kList) {
    return {field.name, ListTypes().emplace_back(TypeOf(field)), field.about};
  } else {
    return {field.name, ScalarType(W), field.about};
  }
}

std::vector<EventSpec> Build() {
  std::vector<EventSpec> specs;
  ForEachEvent([&]<Event E>() {
    EventSpec spec{
        .topic = E::kTopic, .version = E::kVersion, .key = E::kKey, .when = E::kWhen, .fields = {}};
    std::apply([&](const auto&... field) { (spec.fields.push_back(SpecOf(field)), ...); },
               E::Fields());
    specs.push_back(std::move(spec));
  });
  return specs;
}

}  // namespace

const std::vector<EventSpec>& Catalog() {
  static const std::vector<EventSpec> kCatalog = Build();
  return kCatalog;
}

const EventSpec* FindEvent(std::string_view topic) {
  static const std::map<std::string_view, const EventSpec*> kByTopic = [] {
    std::map<std::string_view, const EventSpec*> index;
    for (const EventSpec& spec : Catalog()) index.emplace(spec.topic, &spec);
    return index;
  }();
  auto it = kByTopic.find(topic);
  return it == kByTopic.end() ? nullptr : it->second;
}

std::string AggregateKey(std::string_view topic, const nlohmann::json& data) {
  const EventSpec* spec = FindEvent(topic);
  if (spec == nullptr || spec->key.empty() || !data.is_object()) return "";
  auto it = data.find(std::string(spec->key));
  if (it == data.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  return "";
}

}  // namespace mart::events
