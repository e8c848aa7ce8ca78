// The event catalog (events/catalog.h): its table, every payload type's JSON
// round trip and errors, PROTOCOL.md §10 against it, and the services'
// sources against it. What the daemon really emits is checked against it in
// catalog_flow_test.cpp.
#include "events/catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace mart::events {
namespace {

using nlohmann::json;

// A value for every field of T, each different; optional fields set or not.
template <Described T>
T Sample(int& n, bool with_optionals);

template <Wire W, class O, class M, class T>
void Fill(T& value, const Field<W, O, M>& field, int& n, bool with_optionals) {
  M& member = value.*(field.member);
  const std::string text = std::string(field.name) + "-" + std::to_string(++n);
  if constexpr (W == Wire::kText) {
    member = text;
  } else if constexpr (W == Wire::kInteger) {
    member = 1000 + ++n;
  } else if constexpr (W == Wire::kMoney) {
    member = 89999000 + 17 * ++n;  // 899990.17…: cents a double must carry exactly
  } else if constexpr (W == Wire::kOrNull || W == Wire::kOptional) {
    if (with_optionals) member = text;
  } else {
    member = {Sample<typename M::value_type>(n, with_optionals),
              Sample<typename M::value_type>(n, with_optionals)};
  }
}

template <Described T>
T Sample(int& n, bool with_optionals) {
  T value{};
  std::apply([&](const auto&... field) { (Fill(value, field, n, with_optionals), ...); },
             T::Fields());
  return value;
}

// Every field name of T, items' fields included, as "items.product_id".
template <Described T>
void FieldNames(const std::string& prefix, std::vector<std::string>* names) {
  std::apply(
      [&](const auto&... field) {
        auto one = [&]<Wire W, class O, class M>(const Field<W, O, M>& f) {
          names->push_back(prefix + std::string(f.name));
          if constexpr (W == Wire::kList) {
            FieldNames<typename M::value_type>(prefix + std::string(f.name) + ".", names);
          }
        };
        (one(field), ...);
      },
      T::Fields());
}

template <class L>
struct GtestTypes;
template <Event... E>
struct GtestTypes<EventList<E...>> {
  using type = ::testing::Types<E...>;
};

template <class E>
class PayloadTest : public ::testing::Test {};
TYPED_TEST_SUITE(PayloadTest, GtestTypes<AllEvents>::type);

TYPED_TEST(PayloadTest, RoundTripsThroughJson) {
  for (bool with_optionals : {true, false}) {
    int n = 0;
    const TypeParam sample = Sample<TypeParam>(n, with_optionals);
    const json encoded = ToJson(sample);
    Result<TypeParam> decoded = FromJson<TypeParam>(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString() << "\n" << encoded.dump();
    EXPECT_EQ(ToJson(*decoded), encoded);
    // Through text too, as the event log stores it.
    Result<TypeParam> reread = FromJson<TypeParam>(json::parse(encoded.dump()));
    ASSERT_TRUE(reread.ok()) << reread.status().ToString();
    EXPECT_EQ(ToJson(*reread), encoded);
  }
}

TYPED_TEST(PayloadTest, ItsSpecListsTheFieldsItsJsonHas) {
  const EventSpec* spec = FindEvent(TypeParam::kTopic);
  ASSERT_NE(spec, nullptr);
  int n = 0;
  const json encoded = ToJson(Sample<TypeParam>(n, true));
  std::set<std::string> keys, fields;
  for (const auto& [key, value] : encoded.items()) keys.insert(key);
  for (const FieldSpec& field : spec->fields) {
    EXPECT_TRUE(fields.insert(std::string(field.name)).second) << field.name << " twice";
    EXPECT_FALSE(field.type.empty()) << field.name;
    EXPECT_FALSE(field.about.empty()) << field.name;
  }
  EXPECT_EQ(keys, fields);
}

TYPED_TEST(PayloadTest, AMissingOrMistypedFieldIsNamed) {
  int n = 0;
  const json encoded = ToJson(Sample<TypeParam>(n, true));
  for (const FieldSpec& field : FindEvent(TypeParam::kTopic)->fields) {
    const std::string name(field.name);
    json missing = encoded;
    missing.erase(name);
    Result<TypeParam> without = FromJson<TypeParam>(missing);
    if (field.type == "string?") {
      EXPECT_TRUE(without.ok()) << name;
    } else {
      ASSERT_FALSE(without.ok()) << name;
      EXPECT_EQ(without.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(without.status().message(),
                std::string(TypeParam::kTopic) + " payload field '" + name + "' is missing");
      EXPECT_EQ(without.status().details()["field"], name);
      EXPECT_EQ(without.status().details()["topic"], TypeParam::kTopic);
    }
    json mistyped = encoded;
    mistyped[name] = json::object();
    Result<TypeParam> wrong = FromJson<TypeParam>(mistyped);
    ASSERT_FALSE(wrong.ok()) << name;
    EXPECT_NE(wrong.status().message().find("field '" + name + "' must be"), std::string::npos)
        << wrong.status().message();
  }
  Result<TypeParam> not_object = FromJson<TypeParam>(json::array({1}));
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.status().message(),
            std::string(TypeParam::kTopic) + " payload must be an object, not a list");
}

TEST(CatalogTest, EveryEntryIsWellFormedAndFound) {
  const std::regex topic_shape("[a-z]+\\.[a-z]+(_[a-z]+)*");
  std::set<std::string_view> topics;
  for (const EventSpec& spec : Catalog()) {
    SCOPED_TRACE(std::string(spec.topic));
    EXPECT_TRUE(std::regex_match(std::string(spec.topic), topic_shape));
    EXPECT_TRUE(topics.insert(spec.topic).second) << "declared twice";
    EXPECT_EQ(FindEvent(spec.topic), &spec);
    const bool order_stock = spec.topic == "inventory.reserved" ||
                             spec.topic == "inventory.released" ||
                             spec.topic == "inventory.shipped";
    // They carry the stock after, since 2; order.placed its lines' names.
    EXPECT_EQ(spec.version, order_stock || spec.topic == "order.placed" ? 2 : 1);
    ASSERT_FALSE(spec.when.empty());
    EXPECT_EQ(spec.when.back(), '.');
    EXPECT_FALSE(spec.fields.empty());
    if (spec.key.empty()) continue;
    EXPECT_TRUE(spec.key == "order_id" || spec.key == "product_id" || spec.key == "user_id");
    bool found = false;
    for (const FieldSpec& field : spec.fields) {
      if (field.name != spec.key) continue;
      found = true;
      EXPECT_TRUE(field.type == "string" || field.type == "integer") << field.type;
    }
    EXPECT_TRUE(found) << "its key " << spec.key << " is not a field";
  }
  EXPECT_EQ(Catalog().size(), 23u);
  EXPECT_EQ(FindEvent("test.ping"), nullptr);
  EXPECT_EQ(FindEvent("order.place"), nullptr);  // a method, not an event
  EXPECT_EQ(FindEvent(""), nullptr);
}

TEST(CatalogTest, ListFieldsSpellOutTheirItems) {
  const EventSpec* placed = FindEvent("order.placed");
  ASSERT_NE(placed, nullptr);
  ASSERT_EQ(placed->fields.size(), 4u);
  EXPECT_EQ(placed->fields[2].name, "items");
  EXPECT_EQ(placed->fields[2].type,
            "[{product_id: string, name: string, quantity: integer, price: money}]");
  EXPECT_EQ(placed->fields[3].type, "money");
  EXPECT_EQ(FindEvent("user.password_changed")->fields[1].type, "string?");
  EXPECT_EQ(FindEvent("order.status_changed")->fields[4].type, "string|null");
}

TEST(CatalogTest, AFieldAVersionAddedMayBeAbsentFromAnEarlierVersionsEvent) {
  EXPECT_EQ(FindEvent("inventory.reserved")->fields[1].type,
            "[{product_id: string, quantity: integer, available: integer, reserved: integer}]");
  // A version-1 event left in an older log decodes, without the stock after.
  Result<InventoryReserved> v1 = FromJson<InventoryReserved>(
      json::parse(R"({"order_id":"6b02","items":[{"product_id":"6b01","quantity":2}]})"));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  ASSERT_EQ(v1->items.size(), 1u);
  EXPECT_EQ(v1->items[0].quantity, 2);
  EXPECT_EQ(v1->items[0].available, -1);
  EXPECT_EQ(v1->items[0].reserved, -1);
  // Only those fields: a line without its quantity is still refused, and a
  // present field is still checked.
  Result<InventoryReserved> no_quantity = FromJson<InventoryReserved>(
      json::parse(R"({"order_id":"6b02","items":[{"product_id":"6b01","available":2}]})"));
  ASSERT_FALSE(no_quantity.ok());
  EXPECT_EQ(no_quantity.status().details()["field"], "items[0].quantity");
  Result<InventoryReserved> mistyped = FromJson<InventoryReserved>(json::parse(
      R"({"order_id":"6b02","items":[{"product_id":"6b01","quantity":2,"available":"2"}]})"));
  ASSERT_FALSE(mistyped.ok());
  EXPECT_EQ(mistyped.status().details()["field"], "items[0].available");
  // order.placed of version 1 had no names.
  Result<OrderPlaced> placed = FromJson<OrderPlaced>(json::parse(
      R"({"order_id":"6b02","user_id":2,"total_price":49.0,
          "items":[{"product_id":"6b01","quantity":2,"price":24.5}]})"));
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  ASSERT_EQ(placed->items.size(), 1u);
  EXPECT_EQ(placed->items[0].name, "");
  EXPECT_EQ(placed->items[0].quantity, 2);
}

TEST(CatalogTest, AggregateKeyIsTheKeyFieldAsText) {
  EXPECT_EQ(AggregateKey("order.placed", {{"order_id", "6b020a67e60d878504b033fd"}}),
            "6b020a67e60d878504b033fd");
  EXPECT_EQ(AggregateKey("user.registered", {{"user_id", 2}, {"email", "a@b.c"}}), "2");
  EXPECT_EQ(AggregateKey("stock.updated", {{"product_id", "6b01"}, {"delta", -3}}), "6b01");
  EXPECT_EQ(AggregateKey("payment.refunded", {{"payment_id", 3}, {"order_id", "6b02"}}), "6b02");
  EXPECT_EQ(AggregateKey("inventory.reorder_requested", {{"items", json::array()}}), "");
  EXPECT_EQ(AggregateKey("queue.dead_lettered", {{"seq", 4}}), "");
  EXPECT_EQ(AggregateKey("erp.invoice_sent", {{"order_id", "x"}}), "");  // not mart's
  EXPECT_EQ(AggregateKey("order.placed", {{"user_id", 2}}), "");         // lacks its key
  EXPECT_EQ(AggregateKey("order.placed", json::array()), "");
}

TEST(CatalogTest, MoneyAndIntegersAreCheckedStrictly) {
  json placed =
      ToJson(OrderPlaced{.order_id = "6b02",
                         .user_id = 2,
                         .items = {{.product_id = "6b01", .name = "Lamp", .quantity = 2,
                                    .price_cents = 2450}},
                         .total_cents = 4900});
  EXPECT_EQ(placed, json::parse(R"({"order_id":"6b02","user_id":2,"total_price":49.0,
      "items":[{"product_id":"6b01","name":"Lamp","quantity":2,"price":24.5}]})"));
  json bad = placed;
  bad["items"][0]["quantity"] = "2";
  EXPECT_EQ(FromJson<OrderPlaced>(bad).status().message(),
            "order.placed payload field 'items[0].quantity' must be an integer, not a string");
  EXPECT_EQ(FromJson<OrderPlaced>(bad).status().details()["field"], "items[0].quantity");
  bad = placed;
  bad["items"][0]["price"] = 24.505;
  EXPECT_NE(FromJson<OrderPlaced>(bad).status().message().find("'items[0].price'"),
            std::string::npos);
  bad = placed;
  bad["total_price"] = "49.00";  // a decimal string is not how mart writes money
  EXPECT_FALSE(FromJson<OrderPlaced>(bad).ok());
  bad = placed;
  bad["user_id"] = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(FromJson<OrderPlaced>(bad).status().message(),
            "order.placed payload field 'user_id' is out of range");
  bad = placed;
  bad["items"][0] = 7;
  EXPECT_EQ(FromJson<OrderPlaced>(bad).status().message(),
            "order.placed payload field 'items[0]' must be an object, not an integer");
}

TEST(CatalogTest, NoFieldLooksLikeASecret) {
  // Events go to the log, the feed and outside brokers: never a credential.
  const std::set<std::string> secret_words = {
      "password", "passwd", "token", "secret",  "key",  "hash",      "salt",       "cookie",
      "cvc",      "cvv",    "pin",   "private", "card", "signature", "credential", "credentials"};
  ForEachEvent([&]<Event E>() {
    std::vector<std::string> names;
    FieldNames<E>("", &names);
    for (const std::string& name : names) {
      std::string word;
      std::istringstream words(std::regex_replace(name, std::regex("[._]"), " "));
      while (words >> word) {
        EXPECT_EQ(secret_words.count(word), 0u) << E::kTopic << " has a field " << name;
      }
    }
  });
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CatalogTest, ProtocolSectionTenListsExactlyTheCatalog) {
  const std::string protocol =
      ReadFile(std::filesystem::path(MART_SOURCE_DIR) / "common/PROTOCOL.md");
  const size_t begin = protocol.find("\n## 10. Events\n");
  const size_t end = protocol.find("\n## 11. ", begin);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string section = protocol.substr(begin, end - begin);
  // The topic table's rows: | `order.placed` | 1 | when | payload |
  const std::regex row("\n\\| `([a-z]+\\.[a-z_]+)` \\| ([0-9]+) \\|");
  std::vector<std::string> documented;
  for (auto it = std::sregex_iterator(section.begin(), section.end(), row);
       it != std::sregex_iterator(); ++it) {
    const std::string topic = (*it)[1];
    documented.push_back(topic);
    const EventSpec* spec = FindEvent(topic);
    if (spec == nullptr) {
      ADD_FAILURE() << "PROTOCOL.md §10 documents " << topic << ", which the catalog lacks";
      continue;
    }
    EXPECT_EQ(std::stoi((*it)[2]), spec->version) << topic;
  }
  std::vector<std::string> declared;
  for (const EventSpec& spec : Catalog()) declared.emplace_back(spec.topic);
  EXPECT_EQ(documented, declared) << "PROTOCOL.md §10's table and the catalog differ";
}

TEST(CatalogTest, ServicesNameNoTopicOutsideTheCatalog) {
  // In addition to catalog_flow_test.cpp: a topic spelled as a string in a
  // service or handler bypasses the catalog's types.
  const std::filesystem::path martd = std::filesystem::path(MART_SOURCE_DIR) / "martd";
  int files = 0;
  for (const char* dir : {"services", "handlers", "queue"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(martd / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".cpp" && ext != ".h") continue;
      ++files;
      const std::string text = ReadFile(entry.path());
      for (const EventSpec& spec : Catalog()) {
        EXPECT_EQ(text.find("\"" + std::string(spec.topic) + "\""), std::string::npos)
            << entry.path() << " spells \"" << spec.topic << "\"";
      }
    }
  }
  EXPECT_GT(files, 20);
}

}  // namespace
}  // namespace mart::events
