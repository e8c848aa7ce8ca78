#include "stores/session_store.h"

#include <gtest/gtest.h>

#include <string>

#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

class SessionStoreTest : public ::testing::Test {
 protected:
  SessionStore& sessions() { return harness_.store().sessions(); }
  IdempotencyStore& keys() { return harness_.store().idempotency(); }

  int64_t AddUser(const std::string& email) {
    User user;
    user.email = email;
    user.first_name = user.last_name = "X";
    return Must(harness_.store().users().Insert(user, email, "h"), "insert user");
  }

  bool Revoked(int64_t session) { return Must(sessions().GetSession(session), "get").revoked; }

  test::StoreHarness harness_;
};

TEST_F(SessionStoreTest, CreateAndGetSession) {
  int64_t user = AddUser("ann@example.com");
  int64_t session = Must(sessions().CreateSession(user, 100), "create");
  SessionRow row = Must(sessions().GetSession(session), "get");
  EXPECT_EQ(row.id, session);
  EXPECT_EQ(row.user_id, user);
  EXPECT_FALSE(row.revoked);
  Status missing = sessions().GetSession(session + 100).status();
  EXPECT_EQ(missing.code(), Code::kNotFound);
  EXPECT_EQ(missing.message(), "session " + std::to_string(session + 100) + " not found");
}

// Sessions and idempotency keys read ahead for a batch (Store::ReadAhead)
// answer without a statement, missing ones included, until a statement
// changes their tables; another caller's key of the same name is not theirs.
TEST_F(SessionStoreTest, SessionsAndKeysReadAheadAnswerUntilTheirTablesChange) {
  int64_t ann = AddUser("ann@example.com");
  int64_t session = Must(sessions().CreateSession(ann, 100), "create");
  ASSERT_TRUE(keys().Insert("user:1", "k", {"order.place", "f1", "{}"}, 100).ok());
  ASSERT_TRUE(keys().Insert("user:2", "other", {"order.place", "f2", "{}"}, 100).ok());
  ASSERT_TRUE(harness_.store()
                  .ReadAhead({.sessions = {session, session + 1},
                              .keys = {{"user:1", "k"}, {"user:2", "k"}, {"user:1", "other"}}})
                  .ok());
  const uint64_t before = StatementsExecuted();
  EXPECT_FALSE(Revoked(session));
  EXPECT_EQ(sessions().GetSession(session + 1).status().code(), Code::kNotFound);
  EXPECT_EQ(Must(keys().Find("user:1", "k"), "ann's")->fingerprint, "f1");
  EXPECT_FALSE(Must(keys().Find("user:2", "k"), "bob's k").has_value());
  EXPECT_FALSE(Must(keys().Find("user:1", "other"), "ann's other").has_value());
  EXPECT_EQ(StatementsExecuted(), before);
  ASSERT_TRUE(sessions().RevokeSession(session, "logout", 200).ok());
  EXPECT_TRUE(Revoked(session));
  ASSERT_TRUE(keys().Insert("user:2", "k", {"order.place", "f3", "{}"}, 200).ok());
  EXPECT_EQ(Must(keys().Find("user:2", "k"), "bob's k")->fingerprint, "f3");
  harness_.store().ForgetReadAhead();
}

TEST_F(SessionStoreTest, RevokeSessionIsIdempotent) {
  int64_t session = Must(sessions().CreateSession(AddUser("ann@example.com"), 100), "create");
  ASSERT_TRUE(sessions().RevokeSession(session, "logout", 200).ok());
  EXPECT_TRUE(Revoked(session));
  EXPECT_TRUE(sessions().RevokeSession(session, "again", 300).ok());
  EXPECT_TRUE(Revoked(session));
}

TEST_F(SessionStoreTest, RevokeUserSessionsKeepsOneAndSparesOtherUsers) {
  int64_t ann = AddUser("ann@example.com");
  int64_t bob = AddUser("bob@example.com");
  int64_t ann1 = Must(sessions().CreateSession(ann, 1), "a1");
  int64_t ann2 = Must(sessions().CreateSession(ann, 2), "a2");
  int64_t ann3 = Must(sessions().CreateSession(ann, 3), "a3");
  int64_t bob1 = Must(sessions().CreateSession(bob, 4), "b1");
  ASSERT_TRUE(sessions().RevokeUserSessions(ann, ann2, "password changed", 10).ok());
  EXPECT_TRUE(Revoked(ann1));
  EXPECT_FALSE(Revoked(ann2));
  EXPECT_TRUE(Revoked(ann3));
  EXPECT_FALSE(Revoked(bob1));
  ASSERT_TRUE(sessions().RevokeUserSessions(ann, 0, "deactivated", 11).ok());
  EXPECT_TRUE(Revoked(ann2));
  EXPECT_FALSE(Revoked(bob1));
}

TEST_F(SessionStoreTest, RefreshTokenRoundTrip) {
  int64_t session = Must(sessions().CreateSession(AddUser("ann@example.com"), 1), "create");
  ASSERT_TRUE(sessions().InsertRefreshToken("jti-1", session, 1, 999).ok());
  RefreshTokenRow row = Must(sessions().GetRefreshToken("jti-1"), "get");
  EXPECT_EQ(row.jti, "jti-1");
  EXPECT_EQ(row.session_id, session);
  EXPECT_EQ(row.expires_at, 999);
  EXPECT_FALSE(row.used);
  EXPECT_EQ(sessions().GetRefreshToken("jti-2").status().code(), Code::kNotFound);
  EXPECT_FALSE(sessions().InsertRefreshToken("jti-1", session, 2, 999).ok());  // jti is unique
}

TEST_F(SessionStoreTest, MarkRefreshTokenUsedTwiceIsFailedPrecondition) {
  int64_t session = Must(sessions().CreateSession(AddUser("ann@example.com"), 1), "create");
  ASSERT_TRUE(sessions().InsertRefreshToken("jti-1", session, 1, 999).ok());
  ASSERT_TRUE(sessions().MarkRefreshTokenUsed("jti-1", 5).ok());
  EXPECT_TRUE(Must(sessions().GetRefreshToken("jti-1"), "get").used);
  Status again = sessions().MarkRefreshTokenUsed("jti-1", 6);
  EXPECT_EQ(again.code(), Code::kFailedPrecondition);
  EXPECT_EQ(again.message(), "refresh token was already used");
}

TEST_F(SessionStoreTest, IdempotencyKeyIsNewUntilInserted) {
  auto none = Must(keys().Find("user:1", "k1"), "find");
  EXPECT_FALSE(none.has_value());
  ASSERT_TRUE(keys().Insert("user:1", "k1", {"address.add", "fp", R"({"id":1})"}, 100).ok());
  auto found = Must(keys().Find("user:1", "k1"), "find");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->method, "address.add");
  EXPECT_EQ(found->fingerprint, "fp");
  EXPECT_EQ(found->reply, R"({"id":1})");
}

TEST_F(SessionStoreTest, IdempotencyKeysAreScopedByPrincipal) {
  ASSERT_TRUE(keys().Insert("user:1", "k", {"m", "fp", "{}"}, 100).ok());
  EXPECT_FALSE(Must(keys().Find("user:2", "k"), "other user").has_value());
  EXPECT_FALSE(Must(keys().Find("operator", "k"), "operator").has_value());
  EXPECT_TRUE(keys().Insert("user:2", "k", {"m", "fp2", "{}"}, 100).ok());
  EXPECT_FALSE(keys().Insert("user:1", "k", {"m", "fp3", "{}"}, 101).ok());  // no overwrite
  EXPECT_EQ(Must(keys().Find("user:1", "k"), "kept")->fingerprint, "fp");
}

TEST_F(SessionStoreTest, PruneForgetsOnlyRecordsBeforeTheCutoff) {
  ASSERT_TRUE(keys().Insert("p", "old", {"m", "f", "{}"}, 100).ok());
  ASSERT_TRUE(keys().Insert("p", "edge", {"m", "f", "{}"}, 200).ok());
  ASSERT_TRUE(keys().Insert("p", "new", {"m", "f", "{}"}, 300).ok());
  EXPECT_EQ(Must(keys().Prune(200), "prune"), 1);
  EXPECT_FALSE(Must(keys().Find("p", "old"), "old").has_value());
  EXPECT_TRUE(Must(keys().Find("p", "edge"), "edge").has_value());
  EXPECT_TRUE(Must(keys().Find("p", "new"), "new").has_value());
  EXPECT_EQ(Must(keys().Prune(200), "prune again"), 0);
}

}  // namespace
}  // namespace mart::store
