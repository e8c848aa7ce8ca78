#include "rpc/guards.h"

#include <gtest/gtest.h>

#include <string>
#include "util/spec.h"

namespace mart::rpc {
namespace {

using nlohmann::json;

using test::Spec;

Principal Anonymous() { return Principal{}; }

Principal User(std::string role) {
  Principal principal;
  principal.kind = Principal::Kind::kUser;
  principal.user_id = 3;
  principal.session_id = 9;
  principal.role = std::move(role);
  return principal;
}

Principal Operator() {
  Principal principal;
  principal.kind = Principal::Kind::kOperator;
  principal.role = std::string(kRoleAdmin);
  return principal;
}

TEST(CheckAccessTest, AnyoneMethodsNeedNoCredentials) {
  EXPECT_TRUE(CheckAccess(Spec("auth.register"), Anonymous()).ok());
  EXPECT_TRUE(CheckAccess(Spec("daemon.status"), User("user")).ok());
}

TEST(CheckAccessTest, UserMethodsNeedAnyCaller) {
  Status anonymous = CheckAccess(Spec("address.list"), Anonymous());
  EXPECT_EQ(anonymous.code(), Code::kUnauthenticated);
  EXPECT_EQ(anonymous.message(),
            "address.list needs a login (run 'martctl auth login' or pass a token)");
  EXPECT_TRUE(CheckAccess(Spec("address.list"), User("user")).ok());
  EXPECT_TRUE(CheckAccess(Spec("address.list"), Operator()).ok());
}

TEST(CheckAccessTest, AdminMethodsNeedAdminRoleOrOperator) {
  EXPECT_EQ(CheckAccess(Spec("user.list"), Anonymous()).code(), Code::kUnauthenticated);
  Status user = CheckAccess(Spec("user.list"), User("user"));
  EXPECT_EQ(user.code(), Code::kPermissionDenied);
  EXPECT_EQ(user.message(), "user.list is for admins only");
  EXPECT_EQ(CheckAccess(Spec("user.list"), User("")).code(), Code::kPermissionDenied);
  EXPECT_TRUE(CheckAccess(Spec("user.list"), User("admin")).ok());
  EXPECT_TRUE(CheckAccess(Spec("user.list"), Operator()).ok());
}

SigningKey TestKey() {
  SigningKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
  return key;
}

std::string Print(const CommandSpec& spec, const json& params) {
  return Fingerprint(spec, params, TestKey());
}

TEST(FingerprintTest, IsLowerHexHmacSha256OfMethodAndParams) {
  // Pinned (Python: hmac.new(key, b'address.remove\n{"id":3}', sha256)): stored
  // keys must keep matching after an upgrade.
  EXPECT_EQ(Print(Spec("address.remove"), {{"id", 3}}),
            "cc9a808d75d3e4d9ed351a9c230e2cb9fdea5b1b05c5aa6ccdfbbb2c91386d8d");
}

TEST(FingerprintTest, DependsOnTheDaemonKey) {
  SigningKey other = TestKey();
  other[0] ^= 1;
  EXPECT_NE(Fingerprint(Spec("address.remove"), {{"id", 3}}, other),
            Print(Spec("address.remove"), {{"id", 3}}));
}

TEST(FingerprintTest, IgnoresKeyOrder) {
  const CommandSpec& spec = Spec("address.add");
  json a = json::parse(R"({"line1":"1 A St","city":"C","postal_code":"1","country":"US"})");
  json b = json::parse(R"({"country":"US","postal_code":"1","city":"C","line1":"1 A St"})");
  EXPECT_EQ(Print(spec, a), Print(spec, b));
}

TEST(FingerprintTest, SecretsCountSoAReusedKeyWithAnotherPasswordDiffers) {
  const CommandSpec& spec = Spec("auth.register");
  json with = {{"email", "ann@example.com"},
               {"first_name", "Ann"},
               {"last_name", "Lee"},
               {"password", "Password123"}};
  json other = with;
  other["password"] = "Different456";
  EXPECT_NE(Print(spec, with), Print(spec, other));
  // The fingerprint is a MAC, not the password in any readable form.
  EXPECT_EQ(Print(spec, with).find("Password123"), std::string::npos);
}

TEST(FingerprintTest, ChangesWithValuesTypesAndMethod) {
  const CommandSpec& remove = Spec("address.remove");
  EXPECT_NE(Print(remove, {{"id", 1}}), Print(remove, {{"id", "1"}}));
  EXPECT_NE(Print(remove, {{"id", 1}}), Print(remove, {{"id", 2}}));
  EXPECT_NE(Print(remove, {{"id", 1}}), Print(Spec("address.set_default"), {{"id", 1}}));
  EXPECT_EQ(Print(remove, {{"id", 1}}), Print(remove, {{"id", 1}}));
}

TEST(PrincipalTest, KeysAndDescriptions) {
  EXPECT_EQ(Anonymous().Key(), "anonymous");
  EXPECT_EQ(User("user").Key(), "user:3");
  EXPECT_EQ(User("user").Describe(), "user 3");
  EXPECT_EQ(Operator().Key(), "operator");
  EXPECT_TRUE(Operator().IsAdmin());
  EXPECT_TRUE(User("admin").IsAdmin());
  EXPECT_FALSE(User("user").IsAdmin());
}

}  // namespace
}  // namespace mart::rpc
