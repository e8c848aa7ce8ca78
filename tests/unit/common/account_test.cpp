#include "mart/domain/account.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mart {
namespace {

using nlohmann::json;

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

User SampleUser() {
  User user;
  user.id = 1;
  user.email = "customer@example.com";
  user.first_name = "Example";
  user.last_name = "Customer";
  user.phone = "555-123-4567";
  user.created_at = 1747308600123456;
  user.updated_at = 1747308660000000;
  return user;
}

Address SampleAddress() {
  Address address;
  address.id = 1;
  address.user_id = 1;
  address.line1 = "123 Example Street";
  address.line2 = "Apt 4B";
  address.city = "Example City";
  address.state = "EX";
  address.postal_code = "12345";
  address.country = "Example Country";
  address.is_default = true;
  return address;
}

void ExpectNoPasswordField(const json& value) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      EXPECT_EQ(key.find("password"), std::string::npos) << key;
      EXPECT_EQ(key.find("hash"), std::string::npos) << key;
      ExpectNoPasswordField(member);
    }
  } else if (value.is_array()) {
    for (const json& element : value) ExpectNoPasswordField(element);
  }
}

TEST(AccountJsonTest, UserHasTheSeedFieldsAndValues) {
  json user = ToJson(SampleUser());
  // The seeds' register reply, without "addresses" here (none were given).
  EXPECT_EQ(user["id"], 1);
  EXPECT_EQ(user["email"], "customer@example.com");
  EXPECT_EQ(user["first_name"], "Example");
  EXPECT_EQ(user["last_name"], "Customer");
  EXPECT_EQ(user["phone"], "555-123-4567");
  EXPECT_EQ(user["is_active"], true);
  EXPECT_EQ(user["created_at"], "2025-05-15T11:30:00.123456+00:00");
  EXPECT_EQ(user["updated_at"], "2025-05-15T11:31:00.000000+00:00");
  EXPECT_EQ(user["role"], "user");
  EXPECT_EQ(Keys(user), (std::set<std::string>{"id", "email", "first_name", "last_name", "phone",
                                               "role", "is_active", "created_at", "updated_at"}));
}

TEST(AccountJsonTest, UserWithAddressesListsThem) {
  std::vector<Address> none;
  json empty = ToJson(SampleUser(), &none);
  ASSERT_TRUE(empty.contains("addresses"));
  EXPECT_EQ(empty["addresses"], json::array());

  std::vector<Address> two = {SampleAddress(), SampleAddress()};
  two[1].id = 2;
  two[1].is_default = false;
  json user = ToJson(SampleUser(), &two);
  ASSERT_EQ(user["addresses"].size(), 2u);
  EXPECT_EQ(user["addresses"][0]["id"], 1);
  EXPECT_EQ(user["addresses"][1]["id"], 2);
  EXPECT_EQ(user["addresses"][1]["is_default"], false);
}

TEST(AccountJsonTest, MissingPhoneIsNull) {
  User user = SampleUser();
  user.phone.reset();
  user.is_active = false;
  user.role = std::string(kRoleAdmin);
  json value = ToJson(user);
  ASSERT_TRUE(value.contains("phone"));
  EXPECT_TRUE(value["phone"].is_null());
  EXPECT_EQ(value["is_active"], false);
  EXPECT_EQ(value["role"], "admin");
}

TEST(AccountJsonTest, AddressMatchesTheSeedShape) {
  json address = ToJson(SampleAddress());
  EXPECT_EQ(address, (json{{"id", 1},
                           {"line1", "123 Example Street"},
                           {"line2", "Apt 4B"},
                           {"city", "Example City"},
                           {"state", "EX"},
                           {"postal_code", "12345"},
                           {"country", "Example Country"},
                           {"is_default", true}}));
}

TEST(AccountJsonTest, AddressOptionalFieldsAreNullNotAbsent) {
  Address address = SampleAddress();
  address.line2.reset();
  address.state.reset();
  json value = ToJson(address);
  ASSERT_TRUE(value.contains("line2"));
  ASSERT_TRUE(value.contains("state"));
  EXPECT_TRUE(value["line2"].is_null());
  EXPECT_TRUE(value["state"].is_null());
  EXPECT_FALSE(value.contains("user_id"));  // the owner is implied by who asks
}

TEST(AccountJsonTest, NoPasswordOrHashFieldEver) {
  std::vector<Address> addresses = {SampleAddress()};
  ExpectNoPasswordField(ToJson(SampleUser()));
  ExpectNoPasswordField(ToJson(SampleUser(), &addresses));
  ExpectNoPasswordField(ToJson(SampleAddress()));
}

}  // namespace
}  // namespace mart
