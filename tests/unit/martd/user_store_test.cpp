#include "stores/user_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mart/text.h"
#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

class UserStoreTest : public ::testing::Test {
 protected:
  UserStore& users() { return harness_.store().users(); }
  int64_t now() { return harness_.clock().NowMicros(); }

  int64_t AddUser(const std::string& email, std::string role = "user", bool active = true) {
    User user;
    user.email = email;
    user.first_name = "First";
    user.last_name = "Last";
    user.role = std::move(role);
    user.is_active = active;
    user.created_at = user.updated_at = now();
    return Must(users().Insert(user, ToLowerAscii(email), "hash-of-" + email), "insert user");
  }

  int64_t AddAddress(int64_t user_id, const std::string& line1, bool is_default = false) {
    Address address;
    address.user_id = user_id;
    address.line1 = line1;
    address.city = "City";
    address.postal_code = "12345";
    address.country = "US";
    address.is_default = is_default;
    address.created_at = address.updated_at = now();
    return Must(users().InsertAddress(address), "insert address");
  }

  std::vector<int64_t> AddressIds(int64_t user_id) {
    std::vector<int64_t> ids;
    for (const Address& a : Must(users().Addresses(user_id), "addresses")) ids.push_back(a.id);
    return ids;
  }

  test::StoreHarness harness_;
};

TEST_F(UserStoreTest, InsertThenGetAndFindByEmail) {
  User user;
  user.email = "Ann@Example.com";
  user.first_name = "Ann";
  user.last_name = "Lee";
  user.phone = "555";
  user.role = "admin";
  user.created_at = 10;
  user.updated_at = 20;
  int64_t id = Must(users().Insert(user, "ann@example.com", "$argon2id$x"), "insert");
  EXPECT_GT(id, 0);

  User got = Must(users().Get(id), "get");
  EXPECT_EQ(got.email, "Ann@Example.com");  // as typed; the normalized form is for lookups
  EXPECT_EQ(got.first_name, "Ann");
  EXPECT_EQ(got.phone, std::optional<std::string>("555"));
  EXPECT_EQ(got.role, "admin");
  EXPECT_TRUE(got.is_active);
  EXPECT_EQ(got.created_at, 10);
  EXPECT_EQ(got.updated_at, 20);

  auto [found, hash] = Must(users().FindByEmail("ann@example.com"), "find");
  EXPECT_EQ(found.id, id);
  EXPECT_EQ(hash, "$argon2id$x");
  EXPECT_EQ(Must(users().PasswordHash(id), "hash"), "$argon2id$x");
  EXPECT_TRUE(Must(users().EmailTaken("ann@example.com"), "taken"));
  EXPECT_FALSE(Must(users().EmailTaken("Ann@Example.com"), "taken"));  // callers normalize
}

TEST_F(UserStoreTest, MissingUserIsNotFound) {
  Status get = users().Get(99).status();
  EXPECT_EQ(get.code(), Code::kNotFound);
  EXPECT_EQ(get.message(), "user 99 not found");
  EXPECT_EQ(users().FindByEmail("x@y.z").status().code(), Code::kNotFound);
  EXPECT_EQ(users().PasswordHash(99).status().code(), Code::kNotFound);
  EXPECT_EQ(users().UpdateProfile(99, "a", "b", std::nullopt, now()).code(), Code::kNotFound);
  EXPECT_EQ(users().SetPasswordHash(99, "h", now()).code(), Code::kNotFound);
  EXPECT_EQ(users().SetRole(99, "admin", now()).code(), Code::kNotFound);
  EXPECT_EQ(users().SetActive(99, false, now()).code(), Code::kNotFound);
}

TEST_F(UserStoreTest, NormalizedEmailIsUniqueInTheSchema) {
  AddUser("ann@example.com");
  User again;
  again.email = "ANN@example.com";
  again.first_name = again.last_name = "X";
  EXPECT_EQ(users().Insert(again, "ann@example.com", "h").status().code(), Code::kInternal);
}

TEST_F(UserStoreTest, UpdatesChangeFieldsAndUpdatedAt) {
  int64_t id = AddUser("ann@example.com");
  harness_.clock().AdvanceSeconds(60);
  ASSERT_TRUE(users().UpdateProfile(id, "Anne", "Leigh", std::nullopt, now()).ok());
  ASSERT_TRUE(users().SetRole(id, "admin", now()).ok());
  ASSERT_TRUE(users().SetActive(id, false, now()).ok());
  ASSERT_TRUE(users().SetPasswordHash(id, "new-hash", now()).ok());
  User user = Must(users().Get(id), "get");
  EXPECT_EQ(user.first_name, "Anne");
  EXPECT_EQ(user.last_name, "Leigh");
  EXPECT_FALSE(user.phone.has_value());
  EXPECT_EQ(user.role, "admin");
  EXPECT_FALSE(user.is_active);
  EXPECT_EQ(user.updated_at, now());
  EXPECT_EQ(user.created_at, now() - 60 * 1000000);
  EXPECT_EQ(Must(users().PasswordHash(id), "hash"), "new-hash");
}

TEST_F(UserStoreTest, SchemaRefusesAnUnknownRole) {
  int64_t id = AddUser("ann@example.com");
  EXPECT_EQ(users().SetRole(id, "root", now()).code(), Code::kInternal);
  EXPECT_EQ(Must(users().Get(id), "get").role, "user");
}

TEST_F(UserStoreTest, CountActiveAdminsIgnoresUsersAndInactiveAdmins) {
  EXPECT_EQ(Must(users().CountActiveAdmins(), "count"), 0);
  AddUser("a@x.io", "admin");
  AddUser("b@x.io", "admin", /*active=*/false);
  AddUser("c@x.io", "user");
  EXPECT_EQ(Must(users().CountActiveAdmins(), "count"), 1);
}

TEST_F(UserStoreTest, ListFiltersAndPagesInIdOrder) {
  int64_t a = AddUser("alice@shop.io", "admin");
  int64_t b = AddUser("bob@other.io");
  int64_t c = AddUser("carol@shop.io", "user", /*active=*/false);
  auto ids = [&](const UserFilter& filter) {
    std::vector<int64_t> out;
    for (const User& u : Must(users().List(filter), "list")) out.push_back(u.id);
    return out;
  };
  UserFilter all;
  EXPECT_EQ(ids(all), (std::vector<int64_t>{a, b, c}));
  UserFilter by_role;
  by_role.role = "user";
  EXPECT_EQ(ids(by_role), (std::vector<int64_t>{b, c}));
  UserFilter inactive;
  inactive.active = false;
  EXPECT_EQ(ids(inactive), (std::vector<int64_t>{c}));
  UserFilter active;
  active.active = true;
  EXPECT_EQ(ids(active), (std::vector<int64_t>{a, b}));
  UserFilter by_email;
  by_email.email_contains = "SHOP";
  EXPECT_EQ(ids(by_email), (std::vector<int64_t>{a, c}));
  UserFilter page;
  page.limit = 1;
  page.offset = 1;
  EXPECT_EQ(ids(page), (std::vector<int64_t>{b}));
  UserFilter past_the_end;
  past_the_end.offset = 3;
  EXPECT_TRUE(ids(past_the_end).empty());
}

TEST_F(UserStoreTest, AddressesListDefaultFirstThenById) {
  int64_t user = AddUser("ann@example.com");
  int64_t first = AddAddress(user, "1 First St");
  int64_t second = AddAddress(user, "2 Second St", /*is_default=*/true);
  int64_t third = AddAddress(user, "3 Third St");
  EXPECT_EQ(AddressIds(user), (std::vector<int64_t>{second, first, third}));
  Address got = Must(users().GetAddress(user, third), "get");
  EXPECT_EQ(got.line1, "3 Third St");
  EXPECT_EQ(got.user_id, user);
  EXPECT_FALSE(got.line2.has_value());
}

// Default addresses read ahead for a batch (Store::ReadAhead) answer without
// a statement, a buyer without one included, until a statement changes
// addresses or users: then the table answers again.
TEST_F(UserStoreTest, DefaultAddressesReadAheadAnswerUntilAnAddressChanges) {
  int64_t ann = AddUser("ann@example.com");
  int64_t bob = AddUser("bob@example.com");
  AddAddress(ann, "1 First St", true);
  int64_t second = AddAddress(ann, "2 Second St");
  ASSERT_TRUE(harness_.store().ReadAhead({.default_addresses = {ann, bob, ann}}).ok());
  const uint64_t before = StatementsExecuted();
  EXPECT_EQ(Must(users().DefaultAddress(ann), "ann's")->line1, "1 First St");
  EXPECT_FALSE(Must(users().DefaultAddress(bob), "bob's").has_value());
  EXPECT_EQ(StatementsExecuted(), before);
  ASSERT_TRUE(users().SetDefaultAddress(ann, second, now()).ok());
  EXPECT_EQ(Must(users().DefaultAddress(ann), "ann's new")->line1, "2 Second St");
  EXPECT_GT(StatementsExecuted(), before);
  AddAddress(bob, "1 Bob St", true);
  ASSERT_TRUE(harness_.store().ReadAhead({.default_addresses = {bob}}).ok());
  ASSERT_TRUE(users().SetActive(bob, false, now()).ok());  // names users: forgets too
  const uint64_t after = StatementsExecuted();
  EXPECT_EQ(Must(users().DefaultAddress(bob), "bob's")->line1, "1 Bob St");
  EXPECT_GT(StatementsExecuted(), after);  // from the table
  harness_.store().ForgetReadAhead();
}

TEST_F(UserStoreTest, SchemaAllowsOneDefaultAddressPerUser) {
  int64_t ann = AddUser("ann@example.com");
  int64_t bob = AddUser("bob@example.com");
  AddAddress(ann, "1 Ann St", true);
  AddAddress(bob, "1 Bob St", true);  // another user's default is independent
  Address second;
  second.user_id = ann;
  second.line1 = "2 Ann St";
  second.city = second.postal_code = second.country = "x";
  second.is_default = true;
  EXPECT_EQ(users().InsertAddress(second).status().code(), Code::kInternal);
}

TEST_F(UserStoreTest, ForeignKeysAreEnforced) {
  Address orphan;
  orphan.user_id = 12345;
  orphan.line1 = orphan.city = orphan.postal_code = orphan.country = "x";
  EXPECT_EQ(users().InsertAddress(orphan).status().code(), Code::kInternal);
}

TEST_F(UserStoreTest, SetDefaultAddressLeavesExactlyOneDefault) {
  int64_t user = AddUser("ann@example.com");
  int64_t first = AddAddress(user, "1 First St", true);
  int64_t second = AddAddress(user, "2 Second St");
  ASSERT_TRUE(users().SetDefaultAddress(user, second, now()).ok());
  EXPECT_FALSE(Must(users().GetAddress(user, first), "first").is_default);
  EXPECT_TRUE(Must(users().GetAddress(user, second), "second").is_default);
  ASSERT_TRUE(users().SetDefaultAddress(user, second, now()).ok());  // again: still one
  EXPECT_EQ(AddressIds(user), (std::vector<int64_t>{second, first}));
}

TEST_F(UserStoreTest, AnotherUsersAddressIsNotFoundAndUntouched) {
  int64_t ann = AddUser("ann@example.com");
  int64_t bob = AddUser("bob@example.com");
  int64_t bobs = AddAddress(bob, "1 Bob St", true);
  EXPECT_EQ(users().GetAddress(ann, bobs).status().code(), Code::kNotFound);

  Address change = Must(users().GetAddress(bob, bobs), "get");
  change.user_id = ann;
  change.line1 = "hijacked";
  EXPECT_EQ(users().UpdateAddress(change, now()).code(), Code::kNotFound);
  EXPECT_EQ(users().DeleteAddress(ann, bobs).code(), Code::kNotFound);
  Address after = Must(users().GetAddress(bob, bobs), "still there");
  EXPECT_EQ(after.line1, "1 Bob St");
  EXPECT_TRUE(after.is_default);
}

TEST_F(UserStoreTest, UpdateAndDeleteAddress) {
  int64_t user = AddUser("ann@example.com");
  int64_t id = AddAddress(user, "1 First St");
  Address address = Must(users().GetAddress(user, id), "get");
  address.city = "Shelbyville";
  address.state = "EX";
  ASSERT_TRUE(users().UpdateAddress(address, now()).ok());
  Address updated = Must(users().GetAddress(user, id), "get");
  EXPECT_EQ(updated.city, "Shelbyville");
  EXPECT_EQ(updated.state, std::optional<std::string>("EX"));
  ASSERT_TRUE(users().DeleteAddress(user, id).ok());
  EXPECT_EQ(users().GetAddress(user, id).status().code(), Code::kNotFound);
  EXPECT_EQ(users().DeleteAddress(user, id).code(), Code::kNotFound);
}

TEST_F(UserStoreTest, DeletedIdsAreNeverHandedOutAgain) {
  int64_t user = AddUser("ann@example.com");
  AddAddress(user, "1 First St");
  int64_t second = AddAddress(user, "2 Second St");
  ASSERT_TRUE(users().DeleteAddress(user, second).ok());
  EXPECT_GT(AddAddress(user, "3 Third St"), second);  // a script's old id stays dead
}

}  // namespace
}  // namespace mart::store
