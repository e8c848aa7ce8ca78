// Authorization beyond the matrix's five callers: credentials that must open
// nothing (forged, of another type, revoked, of a deactivated account,
// expired, a stale cookie), roles that change under a live token, and
// another user's objects reached sideways (through lists and filters, or as
// an order's address), and where an admin's backup may go. Each test runs
// every registry method where it can.
#include <gtest/gtest.h>

#include <string>

#include "authz_fixture.h"
#include "services/jwt.h"

namespace mart::testing {
namespace {

using nlohmann::json;

class AuthzEdgesTest : public AuthzDaemonTest {
 protected:
  // Every registry method, called with `auth`, must fail UNAUTHENTICATED.
  void ExpectEveryMethodUnauthenticated(const std::string& auth, std::string_view what) {
    for (const CommandSpec& spec : AllCommands()) {
      json params = ParamsFor(spec.method);
      auto result = Call(spec.method, params, auth);
      const Code got = result.ok() ? Code::kOk : result.status().code();
      EXPECT_EQ(InfoFor(got).wire, InfoFor(Code::kUnauthenticated).wire)
          << spec.method << " with " << what << ": "
          << (result.ok() ? result->dump() : result.status().ToString());
    }
  }

  json Claims(int64_t user_id, std::string_view type) const {
    const int64_t now = clock_.NowMicros() / 1000000;
    return {{"sub", std::to_string(user_id)}, {"role", "admin"}, {"sid", 1}, {"typ", type},
            {"iat", now}, {"exp", now + 1800}, {"jti", "00000000000000000000000000000000"}};
  }
};

TEST_F(AuthzEdgesTest, ForgedAndMisusedCredentialsOpenNothing) {
  SigningKey other_key{};
  other_key.fill(7);
  const std::string forged = SignJwt(Claims(owner_id_, "access"), other_key);
  // Same claims, "alg": "none" and no signature.
  const std::string unsigned_token =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + forged.substr(forged.find('.') + 1,
                                                             forged.rfind('.') - forged.find('.'));
  ExpectEveryMethodUnauthenticated("not-a-token", "a malformed token");
  ExpectEveryMethodUnauthenticated(forged, "an admin token signed with another key");
  ExpectEveryMethodUnauthenticated(unsigned_token, "an unsigned (alg none) admin token");
  ExpectEveryMethodUnauthenticated(owner_refresh_, "a refresh token");
  ExpectEveryMethodUnauthenticated("cookie:" + std::string(64, '0'), "a wrong cookie");
  ExpectEveryMethodUnauthenticated("cookie:", "an empty cookie");
}

TEST_F(AuthzEdgesTest, EndedSessionsAndDeactivatedAccountsOpenNothing) {
  const std::string second = Login("owner@example.com")["access_token"];
  ASSERT_TRUE(Call("auth.logout", json::object(), second).ok());
  ExpectEveryMethodUnauthenticated(second, "a logged-out session's token");
  ASSERT_TRUE(Call("user.deactivate", {{"id", 3}}, Cookie()).ok());  // other@
  ExpectEveryMethodUnauthenticated(other_token_, "a deactivated account's token");
  // The owner's and the admin's own sessions were not touched.
  EXPECT_TRUE(Call("auth.whoami", json::object(), owner_token_).ok());
}

TEST_F(AuthzEdgesTest, ExpiredTokensOpenNothing) {
  clock_.AdvanceSeconds(31 * 60);
  ExpectEveryMethodUnauthenticated(admin_token_, "an expired admin token");
}

// The role is read from the database at every call, never from the token.
TEST_F(AuthzEdgesTest, RoleChangesApplyToLiveTokensAtOnce) {
  // Promote first: the last admin cannot be demoted.
  ASSERT_TRUE(Call("user.set_role", {{"id", owner_id_}, {"role", "admin"}}, Cookie()).ok());
  auto demoted_admin = Call("user.set_role", {{"id", 1}, {"role", "user"}}, Cookie());
  ASSERT_TRUE(demoted_admin.ok()) << demoted_admin.status().ToString();
  for (const CommandSpec& spec : AllCommands()) {
    if (spec.access != Access::kAdmin) continue;
    auto demoted = Call(spec.method, ParamsFor(spec.method), admin_token_);
    ASSERT_FALSE(demoted.ok()) << spec.method << " as a demoted admin";
    EXPECT_EQ(demoted.status().code(), Code::kPermissionDenied) << spec.method;
  }
  EXPECT_TRUE(Call("user.list", json::object(), owner_token_).ok()) << "a promoted user";
}

bool HoldsId(const json& rows, std::string_view field, const json& id) {
  for (const json& row : rows) {
    if (row.contains(field) && row[field] == id) return true;
  }
  return false;
}

TEST_F(AuthzEdgesTest, AnotherUsersListsHoldNoneOfTheOwnersObjects) {
  const std::string& other = other_token_;
  json orders = Must("order.list", json::object(), other);
  EXPECT_FALSE(HoldsId(orders, "id", order_id_) || HoldsId(orders, "id", paid_order_id_));
  EXPECT_FALSE(HoldsId(orders, "user_id", owner_id_));
  json payments = Must("payment.list", json::object(), other);
  EXPECT_FALSE(HoldsId(payments, "id", payment_id_));
  EXPECT_TRUE(Must("payment.list", {{"order_id", paid_order_id_}}, other).empty())
      << "a filter on the owner's order must not widen the scope";
  json notes = Must("notification.list", json::object(), other);
  EXPECT_FALSE(HoldsId(notes, "id", notification_id_));
  EXPECT_FALSE(HoldsId(notes, "user_id", owner_id_));
  EXPECT_FALSE(HoldsId(Must("address.list", json::object(), other), "id", address_id_));
  // The same lists as the owner do hold them: the checks above can fail.
  EXPECT_TRUE(HoldsId(Must("order.list", json::object(), owner_token_), "id", order_id_));
  EXPECT_TRUE(HoldsId(Must("payment.list", json::object(), owner_token_), "id", payment_id_));
}

TEST_F(AuthzEdgesTest, AnotherUsersAddressCannotShipAnOrder) {
  auto placed = Call("order.place", {{"items", Items()}, {"address_id", address_id_}}, other_token_);
  ASSERT_FALSE(placed.ok()) << placed->dump();
  EXPECT_EQ(placed.status().code(), Code::kNotFound);
  EXPECT_TRUE(Must("order.list", json::object(), other_token_).empty());
  // An admin ordering for the other user cannot use the owner's address either.
  auto for_other = Call("order.place", {{"items", Items()}, {"address_id", address_id_},
                                        {"user_id", 3}}, admin_token_);
  ASSERT_FALSE(for_other.ok());
  EXPECT_EQ(for_other.status().code(), Code::kNotFound);
}

// A token may be used from anywhere: its backups stay in the operator's
// backup dir. The local operator chooses freely, except the data dir.
TEST_F(AuthzEdgesTest, ATokenAdminsBackupsStayInTheBackupDir) {
  const std::string outside = root_ + "/outside.db";
  auto refused = Call("admin.backup", {{"file", outside}}, admin_token_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(Call("admin.verify", {{"file", outside}}, admin_token_).status().code(),
            Code::kPermissionDenied);
  json made = Must("admin.backup", {{"file", outside}}, Cookie());
  EXPECT_EQ(made["path"], outside);
  for (const std::string& auth : {admin_token_, Cookie()}) {
    auto live = Call("admin.backup", {{"file", options_.data_dir + "/mart.db"}, {"force", true}},
                     auth);
    ASSERT_FALSE(live.ok());
    EXPECT_EQ(live.status().code(), Code::kInvalidArgument) << live.status().ToString();
  }
  json named = Must("admin.backup", {{"file", "nightly.db"}}, admin_token_);
  EXPECT_EQ(named["path"], options_.data_dir + "/backups/nightly.db");
}

}  // namespace
}  // namespace mart::testing
