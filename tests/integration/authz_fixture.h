#pragma once
// What the authorization matrices (native protocol and REST bridge) share: the
// callers, the rule kinds with the outcome each caller gets, the expected
// rule of every registry method, and a daemon holding objects that belong to
// user A, so that "another user" (B) has something to be refused.
//
// Rules describe what the daemon enforces (common/PROTOCOL.md §5, §6 and the
// authorization table in §12). A registry method without an entry here fails
// both matrices: add one when you add a method.

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon_fixture.h"
#include "mart/commands/spec.h"

namespace mart::testing {

enum class Caller { kAnonymous, kOwner, kOtherUser, kAdmin, kOperator };

inline constexpr Caller kAllCallers[] = {Caller::kAnonymous, Caller::kOwner, Caller::kOtherUser,
                                         Caller::kAdmin, Caller::kOperator};

inline std::string_view CallerName(Caller caller) {
  switch (caller) {
    case Caller::kAnonymous: return "anonymous";
    case Caller::kOwner: return "owner";
    case Caller::kOtherUser: return "other_user";
    case Caller::kAdmin: return "admin";
    case Caller::kOperator: return "operator";
  }
  return "?";
}

enum class Rule {
  kAnyone,     // everyone, anonymous included
  kUser,       // any authenticated caller; no object of anyone's involved
  kAccount,    // the caller's own account or session: the operator has none (FAILED_PRECONDITION)
  kOwnAddress, // one of the owner's addresses: everyone else NOT_FOUND, admins included
  kOwned,      // the owner's object: another user NOT_FOUND; admins and the operator any
  kOwnedAdminWrite,  // the owner's object, a change only admins make (the owner: PERMISSION_DENIED)
  kScoped,     // acts for a user id given in params: another user PERMISSION_DENIED
  kAdmin,      // admins and the operator; users PERMISSION_DENIED
};

inline std::string_view RuleName(Rule rule) {
  switch (rule) {
    case Rule::kAnyone: return "anyone";
    case Rule::kUser: return "user";
    case Rule::kAccount: return "own account";
    case Rule::kOwnAddress: return "own address";
    case Rule::kOwned: return "owner or admin";
    case Rule::kOwnedAdminWrite: return "admin on the owner's object";
    case Rule::kScoped: return "own scope or admin";
    case Rule::kAdmin: return "admin";
  }
  return "?";
}

// The code a caller gets under a rule when the call is otherwise valid; kOk
// means allowed.
inline Code Expected(Rule rule, Caller caller) {
  if (rule == Rule::kAnyone) return Code::kOk;
  if (caller == Caller::kAnonymous) return Code::kUnauthenticated;
  switch (rule) {
    case Rule::kAnyone:
    case Rule::kUser: return Code::kOk;
    case Rule::kAccount:
      return caller == Caller::kOperator ? Code::kFailedPrecondition : Code::kOk;
    case Rule::kOwnAddress:
      if (caller == Caller::kOwner) return Code::kOk;
      return caller == Caller::kOperator ? Code::kFailedPrecondition : Code::kNotFound;
    case Rule::kOwned:
      return caller == Caller::kOtherUser ? Code::kNotFound : Code::kOk;
    case Rule::kOwnedAdminWrite:
      if (caller == Caller::kOtherUser) return Code::kNotFound;
      return caller == Caller::kOwner ? Code::kPermissionDenied : Code::kOk;
    case Rule::kScoped:
      return caller == Caller::kOtherUser ? Code::kPermissionDenied : Code::kOk;
    case Rule::kAdmin:
      return caller == Caller::kAdmin || caller == Caller::kOperator ? Code::kOk
                                                                     : Code::kPermissionDenied;
  }
  return Code::kInternal;
}

// The expected rule of every registry method. `allowed` is what an allowed
// caller gets where the fixture cannot make the call succeed (say why).
struct MethodRule {
  Rule rule;
  Code allowed = Code::kOk;
};

inline const std::map<std::string, MethodRule, std::less<>>& MethodRules() {
  static const std::map<std::string, MethodRule, std::less<>> kRules = {
      {"daemon.status", {Rule::kAnyone}},
      // The fixture's martd runs in-process, where nothing may stop it by
      // request: allowed callers get FAILED_PRECONDITION (martctl e2e stops
      // a real martd: daemon_lifecycle.sh).
      {"daemon.stop", {Rule::kAdmin, Code::kFailedPrecondition}},
      {"auth.register", {Rule::kAnyone}},
      {"auth.login", {Rule::kAnyone}},
      {"auth.refresh", {Rule::kAnyone}},
      {"auth.logout", {Rule::kAccount}},
      {"auth.whoami", {Rule::kUser}},
      {"profile.show", {Rule::kAccount}},
      {"profile.update", {Rule::kAccount}},
      {"profile.password", {Rule::kAccount}},
      {"address.add", {Rule::kAccount}},
      {"address.list", {Rule::kAccount}},
      {"address.update", {Rule::kOwnAddress}},
      {"address.remove", {Rule::kOwnAddress}},
      {"address.set_default", {Rule::kOwnAddress}},
      {"user.list", {Rule::kAdmin}},
      {"user.get", {Rule::kAdmin}},
      {"user.set_role", {Rule::kAdmin}},
      {"user.deactivate", {Rule::kAdmin}},
      {"user.activate", {Rule::kAdmin}},
      {"user.unlock", {Rule::kAdmin}},
      {"user.set_password", {Rule::kAdmin}},
      {"product.create", {Rule::kAdmin}},
      {"product.get", {Rule::kAnyone}},
      {"product.list", {Rule::kAnyone}},
      {"product.update", {Rule::kAdmin}},
      {"product.delete", {Rule::kAdmin}},
      {"product.import", {Rule::kAdmin}},
      {"product.categories", {Rule::kAnyone}},
      {"inventory.get", {Rule::kUser}},
      {"inventory.list", {Rule::kUser}},
      {"inventory.set", {Rule::kAdmin}},
      {"inventory.adjust", {Rule::kAdmin}},
      {"inventory.reserve", {Rule::kAdmin}},
      {"inventory.release", {Rule::kAdmin}},
      {"inventory.history", {Rule::kAdmin}},
      {"inventory.reorder_check", {Rule::kAdmin}},
      {"order.place", {Rule::kScoped}},
      {"order.get", {Rule::kOwned}},
      {"order.list", {Rule::kScoped}},
      {"order.status", {Rule::kOwnedAdminWrite}},
      {"order.cancel", {Rule::kOwned}},
      {"order.pay", {Rule::kOwned}},
      {"order.history", {Rule::kOwned}},
      {"order.transitions", {Rule::kAnyone}},
      {"payment.get", {Rule::kOwned}},
      {"payment.list", {Rule::kScoped}},
      {"payment.refund", {Rule::kAdmin}},
      {"notification.list", {Rule::kScoped}},
      {"notification.get", {Rule::kOwned}},
      {"notification.mark_read", {Rule::kOwned}},
      // Marks only the caller's own: nothing to scope (the operator has none).
      {"notification.mark_all_read", {Rule::kUser}},
      {"queue.list", {Rule::kAdmin}},
      {"worker.list", {Rule::kAdmin}},
      {"worker.pause", {Rule::kAdmin}},
      {"worker.resume", {Rule::kAdmin}},
      {"dlq.list", {Rule::kAdmin}},
      // The fixture has no dead letter: an allowed caller reaches the lookup.
      {"dlq.show", {Rule::kAdmin, Code::kNotFound}},
      {"dlq.retry", {Rule::kAdmin, Code::kNotFound}},
      {"dlq.purge", {Rule::kAdmin}},
      {"events.read", {Rule::kAdmin}},
      {"events.subscribe", {Rule::kAdmin}},
      {"events.publish", {Rule::kAdmin}},
      {"admin.check", {Rule::kAdmin}},
      {"admin.backup", {Rule::kAdmin}},
      {"admin.verify", {Rule::kAdmin}},
  };
  return kRules;
}

inline const MethodRule* FindRule(std::string_view method) {
  auto it = MethodRules().find(method);
  return it == MethodRules().end() ? nullptr : &it->second;
}

inline std::string MissingRuleMessage(std::string_view method) {
  return "method " + std::string(method) +
         " has no authorization rule: add it to MethodRules() in "
         "tests/integration/authz_fixture.h and to the table in common/PROTOCOL.md §5";
}

// Test card numbers the daemon's simulated gateway knows (payment_gateway.cpp).
inline constexpr std::string_view kGoodCard = "4242424242424242";

// A daemon with an admin (the first user), users A (the owner) and B, a
// product, and A's address, order (stock reserved, unpaid), paid order with
// its payment, and notification.
class AuthzDaemonTest : public DaemonTest {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    DaemonTest::SetUp();
    if (HasFatalFailure()) return;
    admin_token_ = RegisterAndLogin("admin@example.com");
    json owner_tokens = RegisterLoginPair("owner@example.com");
    owner_token_ = owner_tokens["access_token"];
    owner_refresh_ = owner_tokens["refresh_token"];
    other_token_ = RegisterAndLogin("other@example.com");
    owner_id_ = Must("auth.whoami", json::object(), owner_token_)["id"];
    product_id_ = Must("product.create", {{"name", "Lamp"}, {"category", "Home"},
                                          {"price", "10.00"}, {"quantity", 100}},
                       Cookie())["id"];
    address_id_ = Must("address.add", {{"line1", "1 Owner St"}, {"city", "A"},
                                       {"postal_code", "1"}, {"country", "X"}},
                       owner_token_)["id"];
    json items = json::array({{{"product_id", product_id_}, {"quantity", 2}}});
    paid_order_id_ = Must("order.place", {{"items", items}}, owner_token_)["id"];
    order_id_ = Must("order.place", {{"items", items}}, owner_token_)["id"];
    payment_id_ = Must("order.pay", {{"id", paid_order_id_}, {"card_number", kGoodCard},
                                     {"expiry", "12/40"}, {"cvc", "123"}},
                       owner_token_)["id"];
    json notes = Must("notification.list", json::object(), owner_token_);
    ASSERT_FALSE(notes.empty()) << "the owner has no notification to read";
    notification_id_ = notes[0]["id"];
  }

  json RegisterLoginPair(const std::string& email) {
    Must("auth.register", {{"email", email}, {"password", "Password123"},
                           {"first_name", "Test"}, {"last_name", "User"}});
    return Login(email);
  }

  // A set-up call that must work.
  json Must(std::string_view method, json params, const std::string& auth = "") {
    auto result = Call(method, std::move(params), auth);
    EXPECT_TRUE(result.ok()) << "set-up " << method << ": " << result.status().ToString();
    return result.ok() ? *result : json::object();
  }

  // Every secret a reply must never hold, by kind: password hashes, the
  // card number the fixture paid with, the signing key, the operator cookie,
  // and (except in auth.login and auth.refresh replies) tokens.
  std::vector<std::pair<std::string, std::string>> Secrets(std::string_view method) const {
    std::vector<std::pair<std::string, std::string>> secrets = {
        {"password hash", "$argon2"},
        {"card number", std::string(kGoodCard)},
        {"operator cookie", Cookie().substr(kCookieAuthPrefix.size())},
        {"signing key", SigningKeyHex()}};
    if (method != "auth.login" && method != "auth.refresh") {
      for (const std::string& token : {admin_token_, owner_token_, owner_refresh_, other_token_}) {
        secrets.push_back({"token", token});
      }
    }
    return secrets;
  }

  std::string SigningKeyHex() const {
    std::ifstream in(options_.data_dir + "/signing.key", std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char byte : raw) {
      hex += kHex[byte >> 4];
      hex += kHex[byte & 15];
    }
    return hex;
  }

  std::string TokenOf(Caller caller) const {
    switch (caller) {
      case Caller::kAnonymous: return "";
      case Caller::kOwner: return owner_token_;
      case Caller::kOtherUser: return other_token_;
      case Caller::kAdmin: return admin_token_;
      case Caller::kOperator: return Cookie();
    }
    return "";
  }

  // Valid params for each method, on the owner's objects where it has any.
  // May make set-up calls of its own (as the operator).
  json ParamsFor(std::string_view method);

  json Items() const { return json::array({{{"product_id", product_id_}, {"quantity", 1}}}); }

  std::string admin_token_, owner_token_, owner_refresh_, other_token_;
  int64_t owner_id_ = 0, address_id_ = 0, payment_id_ = 0, notification_id_ = 0;
  int files_ = 0;  // backup files made so far
  std::string product_id_, order_id_, paid_order_id_;
};

inline nlohmann::json AuthzDaemonTest::ParamsFor(std::string_view method) {
  const std::map<std::string_view, std::function<json()>> kParams = {
      {"auth.register", [] { return json{{"email", "new@example.com"}, {"password", "Password123"},
                                         {"first_name", "New"}, {"last_name", "User"}}; }},
      {"auth.login", [] { return json{{"email", "owner@example.com"},
                                      {"password", "Password123"}}; }},
      {"auth.refresh", [this] { return json{{"refresh_token", owner_refresh_}}; }},
      {"profile.update", [] { return json{{"phone", "555-0100"}}; }},
      {"profile.password", [] { return json{{"current_password", "Password123"},
                                            {"new_password", "Password456"}}; }},
      {"address.add", [] { return json{{"line1", "2 New St"}, {"city", "B"},
                                       {"postal_code", "2"}, {"country", "X"}}; }},
      {"address.update", [this] { return json{{"id", address_id_}, {"city", "C"}}; }},
      {"address.remove", [this] { return json{{"id", address_id_}}; }},
      {"address.set_default", [this] { return json{{"id", address_id_}}; }},
      {"user.get", [this] { return json{{"id", owner_id_}}; }},
      {"user.set_role", [this] { return json{{"id", owner_id_}, {"role", "admin"}}; }},
      {"user.deactivate", [this] { return json{{"id", owner_id_}}; }},
      {"user.activate", [this] { return json{{"id", owner_id_}}; }},
      {"user.unlock", [this] { return json{{"id", owner_id_}}; }},
      {"user.set_password", [this] { return json{{"id", owner_id_},
                                                 {"new_password", "Password789"}}; }},
      {"product.create", [] { return json{{"name", "Desk"}, {"category", "Home"},
                                          {"price", "99.00"}, {"quantity", 5}}; }},
      {"product.get", [this] { return json{{"id", product_id_}}; }},
      {"product.update", [this] { return json{{"id", product_id_}, {"price", "11.00"}}; }},
      {"product.delete", [this] {
         // The fixture's product is in open orders; delete one that is not.
         json spare = Must("product.create", {{"name", "Spare"}, {"category", "Home"},
                                              {"price", "1.00"}}, Cookie());
         return json{{"id", spare["id"]}};
       }},
      {"product.import", [] { return json{{"products", json::array({{{"name", "Chair"},
          {"category", "Home"}, {"price", "5.00"}, {"quantity", 1}}})}}; }},
      {"inventory.get", [this] { return json{{"product_id", product_id_}}; }},
      {"inventory.set", [this] { return json{{"product_id", product_id_}, {"available", 50}}; }},
      {"inventory.adjust", [this] { return json{{"product_id", product_id_}, {"delta", -1},
                                                {"reason", "damaged"}}; }},
      {"inventory.reserve", [this] { return json{{"product_id", product_id_}, {"quantity", 1},
                                                 {"reference", "T-1"}}; }},
      {"inventory.release", [this] {
         json hold{{"product_id", product_id_}, {"quantity", 1}, {"reference", "T-1"}};
         Must("inventory.reserve", hold, Cookie());
         return hold;
       }},
      {"inventory.history", [this] { return json{{"product_id", product_id_}}; }},
      {"order.place", [this] { return json{{"items", Items()}, {"user_id", owner_id_}}; }},
      {"order.get", [this] { return json{{"id", order_id_}}; }},
      {"order.list", [this] { return json{{"user_id", owner_id_}}; }},
      {"order.status", [this] { return json{{"id", order_id_}, {"status", "shipped"}}; }},
      {"order.cancel", [this] { return json{{"id", order_id_}}; }},
      {"order.pay", [this] { return json{{"id", order_id_}, {"card_number", kGoodCard},
                                         {"expiry", "12/40"}, {"cvc", "123"}}; }},
      {"order.history", [this] { return json{{"id", order_id_}}; }},
      {"payment.get", [this] { return json{{"id", payment_id_}}; }},
      {"payment.list", [this] { return json{{"user_id", owner_id_}}; }},
      {"payment.refund", [this] {
         // Refunds the paid order's payment (the payments worker pays it
         // back); refunding a refunded payment again returns it as it is.
         Must("order.cancel", {{"id", paid_order_id_}}, Cookie());
         return json{{"id", payment_id_}};
       }},
      {"notification.list", [this] { return json{{"user_id", owner_id_}}; }},
      {"notification.get", [this] { return json{{"id", notification_id_}}; }},
      {"notification.mark_read", [this] { return json{{"id", notification_id_}}; }},
      {"worker.pause", [] { return json{{"worker", "inventory"}}; }},
      {"worker.resume", [] { return json{{"worker", "inventory"}}; }},
      {"dlq.show", [] { return json{{"id", 1}}; }},
      {"dlq.retry", [] { return json{{"id", 1}}; }},
      {"dlq.purge", [] { return json{{"all", true}}; }},
      {"events.publish", [] { return json{{"topic", "erp.synced"}}; }},
      // Bare names: into the backup dir, the one place every admin may use.
      {"admin.backup", [this] {
         return json{{"file", "copy-" + std::to_string(++files_) + ".db"}};
       }},
      {"admin.verify", [this] {
         std::string file = "verified-" + std::to_string(++files_) + ".db";
         Must("admin.backup", {{"file", file}}, Cookie());
         return json{{"file", file}};
       }},
  };
  auto it = kParams.find(method);
  return it == kParams.end() ? json::object() : it->second();
}

}  // namespace mart::testing
