// ValidateParams against the real registry (second file of command_spec_test).
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "mart/commands/spec.h"
#include "util/spec.h"

namespace mart {
namespace {

using nlohmann::json;

using test::Spec;

json ValidAddress() {
  return {{"line1", "123 Example St"},
          {"city", "Springfield"},
          {"postal_code", "12345"},
          {"country", "US"}};
}

void ExpectInvalid(const Status& status, std::string_view message, std::string_view field) {
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();
  EXPECT_EQ(status.message(), message);
  EXPECT_EQ(status.details().value("field", ""), field) << status.details().dump();
}

TEST(ValidateParamsTest, AcceptsValidParams) {
  EXPECT_TRUE(ValidateParams(Spec("address.add"), ValidAddress()).ok());
  json full = ValidAddress();
  full["line2"] = "Apt 4B";
  full["state"] = "EX";
  full["is_default"] = true;
  EXPECT_TRUE(ValidateParams(Spec("address.add"), full).ok());
  EXPECT_TRUE(ValidateParams(Spec("auth.whoami"), json::object()).ok());
}

TEST(ValidateParamsTest, NullParamsMeanNoParams) {
  EXPECT_TRUE(ValidateParams(Spec("auth.whoami"), nullptr).ok());
  ExpectInvalid(ValidateParams(Spec("auth.refresh"), nullptr), "refresh_token is required",
                "refresh_token");
}

TEST(ValidateParamsTest, RefusesNonObjectParams) {
  Status status = ValidateParams(Spec("auth.whoami"), json::array());
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "params must be a JSON object");
}

TEST(ValidateParamsTest, RefusesUnknownParam) {
  json params = ValidAddress();
  params["colour"] = "red";
  ExpectInvalid(ValidateParams(Spec("address.add"), params),
                "unknown parameter 'colour' for address.add", "colour");
}

TEST(ValidateParamsTest, RefusesMissingRequired) {
  json params = ValidAddress();
  params.erase("city");
  ExpectInvalid(ValidateParams(Spec("address.add"), params), "city is required", "city");
}

TEST(ValidateParamsTest, RequiredNullIsRefused) {
  json params = ValidAddress();
  params["city"] = nullptr;
  Status status = ValidateParams(Spec("address.add"), params);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.details().value("field", ""), "city");
}

TEST(ValidateParamsTest, NullForOptionalMeansAbsent) {
  json params = ValidAddress();
  params["line2"] = nullptr;
  params["is_default"] = nullptr;
  EXPECT_TRUE(ValidateParams(Spec("address.add"), params).ok());
}

TEST(ValidateParamsTest, RefusesWrongTypes) {
  json params = ValidAddress();
  params["line1"] = 5;
  ExpectInvalid(ValidateParams(Spec("address.add"), params), "line1 must be a string", "line1");

  params = ValidAddress();
  params["is_default"] = "true";
  ExpectInvalid(ValidateParams(Spec("address.add"), params), "is_default must be true or false",
                "is_default");

  ExpectInvalid(ValidateParams(Spec("address.remove"), {{"id", "3"}}), "id must be an integer",
                "id");
  ExpectInvalid(ValidateParams(Spec("address.remove"), {{"id", 3.5}}), "id must be an integer",
                "id");
  ExpectInvalid(ValidateParams(Spec("address.remove"), {{"id", true}}), "id must be an integer",
                "id");
  ExpectInvalid(ValidateParams(Spec("auth.login"), {{"email", "a@b.co"}, {"password", 12345678}}),
                "password must be a string", "password");
  ExpectInvalid(ValidateParams(Spec("user.list"), {{"role", 1}}), "role must be a string", "role");
}

TEST(ValidateParamsTest, IntBoundsAreInclusive) {
  const CommandSpec& list = Spec("user.list");
  EXPECT_TRUE(ValidateParams(list, {{"limit", 1}}).ok());
  EXPECT_TRUE(ValidateParams(list, {{"limit", 1000}}).ok());
  EXPECT_TRUE(ValidateParams(list, {{"offset", 0}}).ok());
  ExpectInvalid(ValidateParams(list, {{"limit", 0}}), "limit must be between 1 and 1000, not 0",
                "limit");
  ExpectInvalid(ValidateParams(list, {{"limit", 1001}}),
                "limit must be between 1 and 1000, not 1001", "limit");
  Status negative = ValidateParams(list, {{"offset", -1}});
  EXPECT_EQ(negative.code(), Code::kInvalidArgument);
  EXPECT_EQ(negative.details().value("field", ""), "offset");
}

TEST(ValidateParamsTest, HugeUnsignedIntegersAreOutOfRange) {
  json params = {{"id", static_cast<uint64_t>(1) << 63}};
  ExpectInvalid(ValidateParams(Spec("address.remove"), params), "id is out of range", "id");
  json max_unsigned = {{"id", UINT64_MAX}};
  EXPECT_EQ(ValidateParams(Spec("address.remove"), max_unsigned).code(), Code::kInvalidArgument);
  EXPECT_TRUE(ValidateParams(Spec("address.remove"), {{"id", INT64_MAX}}).ok());
}

TEST(ValidateParamsTest, EnumMustBeAChoice) {
  EXPECT_TRUE(ValidateParams(Spec("user.list"), {{"role", "admin"}}).ok());
  ExpectInvalid(ValidateParams(Spec("user.list"), {{"role", "root"}}),
                "role must be one of user, admin, not 'root'", "role");
  ExpectInvalid(ValidateParams(Spec("user.list"), {{"role", "Admin"}}),
                "role must be one of user, admin, not 'Admin'", "role");
}

TEST(ValidateParamsTest, StringMaxLengthCountsBytes) {
  json params = ValidAddress();
  params["city"] = std::string(100, 'c');
  EXPECT_TRUE(ValidateParams(Spec("address.add"), params).ok());
  params["city"] = std::string(101, 'c');
  Status status = ValidateParams(Spec("address.add"), params);
  ExpectInvalid(status, "city is longer than 100 bytes", "city");
  EXPECT_EQ(status.details().value("max_length", 0), 100);
  // 50 two-byte characters are 100 bytes; 51 are too many.
  std::string accented;
  for (int i = 0; i < 51; ++i) accented += "\xc3\xa9";
  params["city"] = accented;
  EXPECT_EQ(ValidateParams(Spec("address.add"), params).code(), Code::kInvalidArgument);
}

TEST(ValidateParamsTest, RefusesInvalidUtf8) {
  json params = ValidAddress();
  params["line1"] = std::string(
      "Stra\xdf"
      "e 1");  // Latin-1, not UTF-8
  ExpectInvalid(ValidateParams(Spec("address.add"), params), "line1 is not valid UTF-8", "line1");
  json login = {{"email", "a@b.co"}, {"password", std::string("\xc0\xaf")}};
  ExpectInvalid(ValidateParams(Spec("auth.login"), login), "password is not valid UTF-8",
                "password");
}

}  // namespace
}  // namespace mart
