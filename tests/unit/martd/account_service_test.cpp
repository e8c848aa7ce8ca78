#include "services/account_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/test_store.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

AddressChange NewAddress(std::string line1, std::optional<bool> is_default = std::nullopt) {
  AddressChange change;
  change.fields.line1 = std::move(line1);
  change.fields.city = "Springfield";
  change.fields.postal_code = "12345";
  change.fields.country = "US";
  change.is_default = is_default;
  return change;
}

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = harness_.SignUp("admin@example.com", "Ada");
    ann_ = harness_.SignUp("ann@example.com", "Ann");
    bob_ = harness_.SignUp("bob@example.com", "Bob");
  }

  AccountService& accounts() { return harness_.accounts(); }

  Result<Address> Add(const Principal& who, AddressChange change) {
    Tx tx = harness_.NewTx();
    return accounts().AddAddress(tx, who, change);
  }

  int64_t AddOk(const Principal& who, std::string line1, std::optional<bool> is_default = {}) {
    return Must(Add(who, NewAddress(std::move(line1), is_default)), "add address").id;
  }

  std::vector<Address> List(const Principal& who) {
    Tx tx = harness_.NewTx();
    return Must(accounts().ListAddresses(tx, who), "list addresses");
  }

  // The ids of the default addresses; there must be exactly one when any exist.
  std::vector<int64_t> Defaults(const Principal& who) {
    std::vector<int64_t> ids;
    for (const Address& a : List(who)) {
      if (a.is_default) ids.push_back(a.id);
    }
    return ids;
  }

  Status Remove(const Principal& who, int64_t id) {
    Tx tx = harness_.NewTx();
    return accounts().RemoveAddress(tx, who, id);
  }

  Result<Address> SetDefault(const Principal& who, int64_t id) {
    Tx tx = harness_.NewTx();
    return accounts().SetDefaultAddress(tx, who, id);
  }

  Result<User> SetRole(int64_t id, std::string_view role) {
    Tx tx = harness_.NewTx();
    return accounts().SetRole(tx, id, role);
  }

  Result<User> SetActive(int64_t id, bool active) {
    Tx tx = harness_.NewTx();
    return accounts().SetActive(tx, id, active);
  }

  test::ServiceHarness harness_;
  test::TestLogin admin_, ann_, bob_;
};

TEST_F(AccountServiceTest, FirstAddressBecomesDefaultWhateverItSays) {
  Address first = Must(Add(ann_.principal, NewAddress("1 First St", false)), "add");
  EXPECT_TRUE(first.is_default);
  EXPECT_EQ(first.user_id, ann_.user.id);
  Address second = Must(Add(ann_.principal, NewAddress("2 Second St")), "add");
  EXPECT_FALSE(second.is_default);
  EXPECT_EQ(Defaults(ann_.principal), (std::vector<int64_t>{first.id}));
}

TEST_F(AccountServiceTest, AddingWithIsDefaultMovesTheDefault) {
  int64_t first = AddOk(ann_.principal, "1 First St");
  int64_t second = AddOk(ann_.principal, "2 Second St", true);
  EXPECT_EQ(Defaults(ann_.principal), (std::vector<int64_t>{second}));
  EXPECT_EQ(List(ann_.principal).front().id, second);  // default first
  EXPECT_EQ(List(ann_.principal).back().id, first);
}

TEST_F(AccountServiceTest, SetDefaultKeepsExactlyOne) {
  int64_t first = AddOk(ann_.principal, "1 First St");
  int64_t second = AddOk(ann_.principal, "2 Second St");
  int64_t third = AddOk(ann_.principal, "3 Third St");
  EXPECT_TRUE(Must(SetDefault(ann_.principal, third), "set").is_default);
  EXPECT_EQ(Defaults(ann_.principal), (std::vector<int64_t>{third}));
  ASSERT_TRUE(SetDefault(ann_.principal, second).ok());
  ASSERT_TRUE(SetDefault(ann_.principal, second).ok());
  EXPECT_EQ(Defaults(ann_.principal), (std::vector<int64_t>{second}));
  (void)first;
}

TEST_F(AccountServiceTest, RemovingTheDefaultPromotesTheOldestRemaining) {
  int64_t first = AddOk(ann_.principal, "1 First St");
  int64_t second = AddOk(ann_.principal, "2 Second St");
  int64_t third = AddOk(ann_.principal, "3 Third St");
  ASSERT_TRUE(SetDefault(ann_.principal, third).ok());
  ASSERT_TRUE(Remove(ann_.principal, third).ok());
  EXPECT_EQ(Defaults(ann_.principal), (std::vector<int64_t>{first}));
  ASSERT_TRUE(Remove(ann_.principal, second).ok());  // not the default: nothing moves
  EXPECT_EQ(Defaults(ann_.principal), (std::vector<int64_t>{first}));
  ASSERT_TRUE(Remove(ann_.principal, first).ok());
  EXPECT_TRUE(List(ann_.principal).empty());
}

TEST_F(AccountServiceTest, UpdateChangesOnlyGivenFieldsAndClearsBlankOptionals) {
  AddressChange change = NewAddress("1 First St");
  change.fields.line2 = "Apt 4B";
  change.fields.state = "EX";
  int64_t id = Must(Add(ann_.principal, change), "add").id;

  AddressChange update;
  update.fields.city = "  Shelbyville ";
  update.fields.line2 = " ";
  Tx tx = harness_.NewTx();
  Address updated = Must(accounts().UpdateAddress(tx, ann_.principal, id, update), "update");
  EXPECT_EQ(updated.city, "Shelbyville");
  EXPECT_FALSE(updated.line2.has_value());
  EXPECT_EQ(updated.state, std::optional<std::string>("EX"));
  EXPECT_EQ(updated.line1, "1 First St");

  AddressChange blank;
  blank.fields.line1 = "   ";
  Tx tx2 = harness_.NewTx();
  Result<Address> refused = accounts().UpdateAddress(tx2, ann_.principal, id, blank);
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "line1 must not be empty");
}

TEST_F(AccountServiceTest, TheDefaultCannotBeUnsetDirectly) {
  int64_t id = AddOk(ann_.principal, "1 First St");
  AddressChange unset;
  unset.is_default = false;
  Tx tx = harness_.NewTx();
  EXPECT_EQ(accounts().UpdateAddress(tx, ann_.principal, id, unset).status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(Defaults(ann_.principal), (std::vector<int64_t>{id}));
}

TEST_F(AccountServiceTest, AddRefusesBlankRequiredFields) {
  AddressChange change = NewAddress("1 First St");
  change.fields.country = " ";
  EXPECT_EQ(Add(ann_.principal, change).status().message(), "country must not be empty");
  EXPECT_TRUE(List(ann_.principal).empty());
}

TEST_F(AccountServiceTest, UsersCannotReachEachOthersAddresses) {
  int64_t bobs = AddOk(bob_.principal, "1 Bob St");
  const std::string not_found = "address " + std::to_string(bobs) + " not found";

  EXPECT_TRUE(List(ann_.principal).empty());
  Tx tx = harness_.NewTx();
  Result<Address> update =
      accounts().UpdateAddress(tx, ann_.principal, bobs, NewAddress("hijacked"));
  EXPECT_EQ(update.status().code(), Code::kNotFound);
  EXPECT_EQ(update.status().message(), not_found);
  Status remove = Remove(ann_.principal, bobs);
  EXPECT_EQ(remove.code(), Code::kNotFound);
  EXPECT_EQ(SetDefault(ann_.principal, bobs).status().code(), Code::kNotFound);

  std::vector<Address> kept = List(bob_.principal);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].line1, "1 Bob St");
  EXPECT_TRUE(kept[0].is_default);
}

TEST_F(AccountServiceTest, OperatorHasNoProfileOrAddresses) {
  Principal op = test::ServiceHarness::Operator();
  Tx tx = harness_.NewTx();
  EXPECT_EQ(accounts().Profile(tx, op).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(accounts().UpdateProfile(tx, op, {}).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(accounts().ListAddresses(tx, op).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Add(op, NewAddress("1 Op St")).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Remove(op, 1).code(), Code::kFailedPrecondition);
}

TEST_F(AccountServiceTest, ProfileShowsTheUserWithAddressesAndNoHash) {
  AddOk(ann_.principal, "1 First St");
  Tx tx = harness_.NewTx();
  json profile = Must(accounts().Profile(tx, ann_.principal), "profile");
  EXPECT_EQ(profile["id"], ann_.user.id);
  EXPECT_EQ(profile["email"], "ann@example.com");
  ASSERT_EQ(profile["addresses"].size(), 1u);
  EXPECT_EQ(profile["addresses"][0]["line1"], "1 First St");
  EXPECT_EQ(profile.dump().find("argon2"), std::string::npos);
}

TEST_F(AccountServiceTest, UpdateProfileTrimsAndClearsPhone) {
  ProfileChange change{" Annie ", std::nullopt, "555"};
  Tx tx = harness_.NewTx();
  json updated = Must(accounts().UpdateProfile(tx, ann_.principal, change), "update");
  EXPECT_EQ(updated["first_name"], "Annie");
  EXPECT_EQ(updated["last_name"], "Lee");
  EXPECT_EQ(updated["phone"], "555");
  Tx tx2 = harness_.NewTx();
  json cleared =
      Must(accounts().UpdateProfile(tx2, ann_.principal, {std::nullopt, std::nullopt, ""}),
           "clear phone");
  EXPECT_TRUE(cleared["phone"].is_null());
  Tx tx3 = harness_.NewTx();
  EXPECT_EQ(accounts()
                .UpdateProfile(tx3, ann_.principal, {"", std::nullopt, std::nullopt})
                .status()
                .message(),
            "first_name must not be empty");
}

TEST_F(AccountServiceTest, LastActiveAdminCannotBeDemotedOrDeactivated) {
  ASSERT_EQ(admin_.user.role, "admin");
  Result<User> demote = SetRole(admin_.user.id, "user");
  EXPECT_EQ(demote.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(demote.status().message(), "user " + std::to_string(admin_.user.id) +
                                           " is the last active admin; make another admin first");
  EXPECT_EQ(SetActive(admin_.user.id, false).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Must(harness_.store().users().Get(admin_.user.id), "get").role, "admin");

  ASSERT_EQ(Must(SetRole(ann_.user.id, "admin"), "promote").role, "admin");
  EXPECT_EQ(Must(SetRole(admin_.user.id, "user"), "now allowed").role, "user");
  EXPECT_EQ(SetActive(ann_.user.id, false).status().code(), Code::kFailedPrecondition);
}

TEST_F(AccountServiceTest, SetRoleEmitsOnlyOnChange) {
  harness_.outbox().TakePending();
  ASSERT_TRUE(SetRole(ann_.user.id, "user").ok());  // already a user
  EXPECT_EQ(harness_.outbox().Mark(), 0u);
  ASSERT_TRUE(SetRole(ann_.user.id, "admin").ok());
  auto events = harness_.outbox().TakePending();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].topic, "user.role_changed");
  EXPECT_EQ(json::parse(events[0].payload),
            (json{{"user_id", ann_.user.id}, {"from", "user"}, {"to", "admin"}}));
}

TEST_F(AccountServiceTest, DeactivateRevokesSessionsAndActivateRestoresLogin) {
  User off = Must(SetActive(ann_.user.id, false), "deactivate");
  EXPECT_FALSE(off.is_active);
  EXPECT_TRUE(
      Must(harness_.store().sessions().GetSession(ann_.principal.session_id), "session").revoked);
  EXPECT_EQ(harness_.Authorize(ann_.access_token()).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(harness_.Login("ann@example.com").status().code(), Code::kPermissionDenied);

  EXPECT_TRUE(Must(SetActive(ann_.user.id, true), "activate").is_active);
  EXPECT_EQ(harness_.Authorize(ann_.access_token()).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(harness_.Login("ann@example.com").ok());
  EXPECT_TRUE(harness_.Authorize(bob_.access_token()).ok());  // others untouched
}

TEST_F(AccountServiceTest, AdminViewsOfUsers) {
  Tx tx = harness_.NewTx();
  store::UserFilter only_admins;
  only_admins.role = "admin";
  std::vector<User> admins = Must(accounts().ListUsers(tx, only_admins), "list");
  ASSERT_EQ(admins.size(), 1u);
  EXPECT_EQ(admins[0].id, admin_.user.id);
  json bob = Must(accounts().GetUser(tx, bob_.user.id), "get");
  EXPECT_EQ(bob["email"], "bob@example.com");
  EXPECT_EQ(bob["addresses"], json::array());
  EXPECT_EQ(accounts().GetUser(tx, 999).status().code(), Code::kNotFound);
  EXPECT_EQ(SetRole(999, "admin").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace mart
