// Dispatcher::Execute through the whole request path (second file of
// dispatcher_test): idempotent replay, savepoint rollback of failed requests
// and their events, re-checks against the database, the error boundary.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <string>

#include "rpc/dispatcher.h"
#include "testing/fault.h"
#include "stores/schema.h"
#include "util/reply_naming.h"
#include "util/test_dispatch.h"

namespace mart::rpc {
namespace {

using nlohmann::json;
using test::Must;

json Registration(std::string email) {
  return {{"email", std::move(email)},
          {"password", std::string(test::kTestPassword)},
          {"first_name", "Ann"},
          {"last_name", "Lee"}};
}

using test::NewAddress;

class DispatcherExecuteTest : public ::testing::Test {
 protected:
  explicit DispatcherExecuteTest(HandlerTable table = handlers::AllHandlers())
      : harness_(std::move(table)) {}

  int64_t LastSeq() { return Must(harness_.store().events().LastSeq(), "last seq"); }
  size_t UserCount() { return Must(harness_.store().users().List({}), "users").size(); }

  // Registers and logs in over the wire; returns the login result.
  json SignUp(const std::string& email) {
    Reply registered = harness_.Call("auth.register", Registration(email));
    EXPECT_TRUE(registered.status.ok()) << registered.status.ToString();
    Reply login = harness_.Call("auth.login",
                                {{"email", email}, {"password", std::string(test::kTestPassword)}});
    EXPECT_TRUE(login.status.ok()) << login.status.ToString();
    return login.result;
  }

  test::DispatchHarness harness_;
};

TEST_F(DispatcherExecuteTest, RegisterLoginWhoamiOverTheWire) {
  json tokens = SignUp("ann@example.com");
  Reply whoami = harness_.Call("auth.whoami", {}, tokens["access_token"].get<std::string>());
  ASSERT_TRUE(whoami.status.ok()) << whoami.status.ToString();
  EXPECT_EQ(whoami.id, "req-3");
  EXPECT_EQ(whoami.result["email"], "ann@example.com");
  EXPECT_EQ(whoami.result["is_operator"], false);
}

TEST_F(DispatcherExecuteTest, DaemonStatusReportsReadinessAndSchema) {
  harness_.clock().AdvanceSeconds(90);
  Reply status = harness_.Call("daemon.status");
  ASSERT_TRUE(status.status.ok());
  EXPECT_EQ(status.result["ready"], true);
  EXPECT_EQ(status.result["pid"], 4242);
  EXPECT_EQ(status.result["uptime_s"], 90);
  EXPECT_EQ(status.result["schema_version"], store::LatestSchemaVersion());
}

TEST_F(DispatcherExecuteTest, PrepareFailureChangesNothing) {
  json weak = Registration("ann@example.com");
  weak["password"] = "weak";
  Reply reply = harness_.Call("auth.register", weak);
  EXPECT_EQ(reply.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(reply.status.message(), "password must be at least 8 characters long");
  EXPECT_EQ(UserCount(), 0u);
}

TEST_F(DispatcherExecuteTest, IdempotentRetryReplaysWithoutASecondEffect) {
  Reply first = harness_.Call("auth.register", Registration("ann@example.com"), {}, "key-1");
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  ASSERT_EQ(harness_.last_events().size(), 1u);
  const int64_t seq = LastSeq();

  Reply retry = harness_.Call("auth.register", Registration("ann@example.com"), {}, "key-1");
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();  // not ALREADY_EXISTS
  EXPECT_EQ(retry.result, first.result);
  EXPECT_EQ(UserCount(), 1u);
  EXPECT_EQ(LastSeq(), seq);
  EXPECT_TRUE(harness_.last_events().empty());

  Reply fresh = harness_.Call("auth.register", Registration("ann@example.com"), {}, "key-2");
  EXPECT_EQ(fresh.status.code(), Code::kAlreadyExists);  // a new key runs again
}

TEST_F(DispatcherExecuteTest, AReplayedImportSaysSoAndOtherReplaysAreUnmarked) {
  const std::string cookie = test::ServiceHarness::CookieAuth();
  json batch = {{"products", json::array({{{"name", "Lamp"}, {"category", "Home"},
                                           {"price", "25.00"}}})}};
  Reply first = harness_.Call("product.import", batch, cookie, "file-0");
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.result["replayed"], false);
  EXPECT_EQ(first.result["created"], 1);
  Reply again = harness_.Call("product.import", batch, cookie, "file-0");
  ASSERT_TRUE(again.status.ok()) << again.status.ToString();
  EXPECT_EQ(again.result["replayed"], true) << "a client must tell a replay from a fresh run";
  EXPECT_EQ(again.result["ids"], first.result["ids"]);

  Reply user = harness_.Call("auth.register", Registration("ann@example.com"), {}, "key-1");
  Reply retry = harness_.Call("auth.register", Registration("ann@example.com"), {}, "key-1");
  EXPECT_EQ(retry.result, user.result) << "methods without the mark replay their result as stored";
}

TEST_F(DispatcherExecuteTest, SameKeyWithDifferentParamsIsInvalidArgument) {
  ASSERT_TRUE(harness_.Call("auth.register", Registration("ann@example.com"), {}, "k").status.ok());
  Reply other = harness_.Call("auth.register", Registration("bob@example.com"), {}, "k");
  EXPECT_EQ(other.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(other.status.message(), "idempotency key k was used before with different parameters");
  EXPECT_EQ(UserCount(), 1u);
}

TEST_F(DispatcherExecuteTest, KeysAreScopedPerCaller) {
  std::string ann = SignUp("ann@example.com")["access_token"];
  std::string bob = SignUp("bob@example.com")["access_token"];
  Reply a = harness_.Call("address.add", NewAddress("1 Ann St"), ann, "same-key");
  Reply b = harness_.Call("address.add", NewAddress("1 Bob St"), bob, "same-key");
  ASSERT_TRUE(a.status.ok());
  ASSERT_TRUE(b.status.ok()) << b.status.ToString();
  EXPECT_NE(a.result["id"], b.result["id"]);
  EXPECT_EQ(b.result["line1"], "1 Bob St");
}

TEST_F(DispatcherExecuteTest, AFailedRequestDoesNotBurnItsKey) {
  json admin = SignUp("admin@example.com");
  const std::string cookie = test::ServiceHarness::CookieAuth();
  const json demote = {{"id", admin["user"]["id"]}, {"role", "user"}};
  Reply refused = harness_.Call("user.set_role", demote, cookie, "demote-1");
  ASSERT_EQ(refused.status.code(), Code::kFailedPrecondition);  // last admin

  SignUp("ann@example.com");
  ASSERT_TRUE(harness_.Call("user.set_role", {{"id", 2}, {"role", "admin"}}, cookie).status.ok());
  Reply retried = harness_.Call("user.set_role", demote, cookie, "demote-1");
  ASSERT_TRUE(retried.status.ok()) << retried.status.ToString();  // the failure is not replayed
  EXPECT_EQ(retried.result["role"], "user");
}

TEST_F(DispatcherExecuteTest, AReusedKeyWithAnotherPasswordIsRefused) {
  ASSERT_TRUE(harness_.Call("auth.register", Registration("ann@example.com"), {}, "k").status.ok());
  json other_password = Registration("ann@example.com");
  other_password["password"] = "Different456";
  Reply reply = harness_.Call("auth.register", other_password, {}, "k");
  EXPECT_EQ(reply.status.code(), Code::kInvalidArgument);  // not a replayed success
}

TEST_F(DispatcherExecuteTest, RetriedLogoutReplaysAlthoughTheSessionEnded) {
  std::string access = SignUp("ann@example.com")["access_token"];
  Reply first = harness_.Call("auth.logout", {}, access, "logout-1");
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  Reply retry = harness_.Call("auth.logout", {}, access, "logout-1");
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();
  EXPECT_EQ(retry.result, first.result);
  EXPECT_EQ(harness_.Call("auth.logout", {}, access, "logout-2").status.code(),
            Code::kUnauthenticated);  // a new key is a new request
}

TEST_F(DispatcherExecuteTest, RetriedPasswordChangeReplaysAlthoughThePasswordChanged) {
  std::string access = SignUp("ann@example.com")["access_token"];
  json change = {{"current_password", std::string(test::kTestPassword)},
                 {"new_password", "NewPassword456"}};
  Reply first = harness_.Call("profile.password", change, access, "pw-1");
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  Reply retry = harness_.Call("profile.password", change, access, "pw-1");
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();
  EXPECT_EQ(retry.result, first.result);
  Reply unkeyed = harness_.Call("profile.password", change, access);
  EXPECT_EQ(unkeyed.status.message(), "current_password is incorrect");
}

TEST_F(DispatcherExecuteTest, DaemonStatusAnswersWhileNotReady) {
  harness_.ready() = false;
  Reply status = harness_.Call("daemon.status");
  ASSERT_TRUE(status.status.ok()) << status.status.ToString();
  EXPECT_EQ(status.result["ready"], false);
  EXPECT_EQ(harness_.Call("auth.whoami", {}, test::ServiceHarness::CookieAuth()).status.code(),
            Code::kUnavailable);
}

TEST_F(DispatcherExecuteTest, TokenRepliesAreNeverStoredForReplay) {
  SignUp("ann@example.com");
  json login = {{"email", "ann@example.com"}, {"password", std::string(test::kTestPassword)}};
  Reply first = harness_.Call("auth.login", login, {}, "login-key");
  Reply second = harness_.Call("auth.login", login, {}, "login-key");
  ASSERT_TRUE(first.status.ok());
  ASSERT_TRUE(second.status.ok());
  EXPECT_NE(first.result["access_token"], second.result["access_token"]);
  EXPECT_FALSE(Must(harness_.store().idempotency().Find("anonymous", "login-key"), "find"));
}

TEST_F(DispatcherExecuteTest, RefreshReuseRevocationCommitsDespiteTheError) {
  json tokens = SignUp("ann@example.com");
  json old_refresh = {{"refresh_token", tokens["refresh_token"]}};
  Reply rotated = harness_.Call("auth.refresh", old_refresh);
  ASSERT_TRUE(rotated.status.ok()) << rotated.status.ToString();
  std::string new_access = rotated.result["access_token"];
  ASSERT_TRUE(harness_.Call("auth.whoami", {}, new_access).status.ok());

  Reply reused = harness_.Call("auth.refresh", old_refresh);
  EXPECT_EQ(reused.status.code(), Code::kUnauthenticated);
  Reply after = harness_.Call("auth.whoami", {}, new_access);
  EXPECT_EQ(after.status.code(), Code::kUnauthenticated);
  EXPECT_EQ(after.status.message(), "session has ended (logged out or revoked); log in again");
}

TEST_F(DispatcherExecuteTest, LoggedOutTokenFailsAtExecute) {
  std::string access = SignUp("ann@example.com")["access_token"];
  ASSERT_TRUE(harness_.Call("auth.logout", {}, access).status.ok());
  EXPECT_EQ(harness_.Call("address.list", {}, access).status.code(), Code::kUnauthenticated);
}

TEST_F(DispatcherExecuteTest, RoleIsRecheckedAgainstTheDatabase) {
  json admin = SignUp("admin@example.com");  // first user: admin, and the token says so
  std::string access = admin["access_token"];
  SignUp("ann@example.com");
  const std::string cookie = test::ServiceHarness::CookieAuth();
  ASSERT_TRUE(harness_.Call("user.set_role", {{"id", 2}, {"role", "admin"}}, cookie).status.ok());
  ASSERT_TRUE(
      harness_.Call("user.set_role", {{"id", admin["user"]["id"]}, {"role", "user"}}, cookie)
          .status.ok());
  Reply listed = harness_.Call("user.list", {}, access);
  EXPECT_EQ(listed.status.code(), Code::kPermissionDenied);
}

// A table whose address.add writes, emits and then fails in a chosen way.
HandlerTable WithFailingAddressAdd() {
  HandlerTable table = handlers::AllHandlers();
  table["address.add"] = {[](RequestContext& ctx, const json& params) -> Result<json> {
    static int drops = 0;
    if (params.value("line1", "") == "drop" && drops++ == 0) {
      // The first time only: the server ends this connection (PostgreSQL).
      MART_ASSIGN_OR_RETURN(store::Query q, ctx.tx.store.db().Prepare(
                                                "SELECT pg_terminate_backend(pg_backend_pid())"));
      (void)q.Next();
    }
    Address address;
    address.user_id = ctx.principal.user_id;
    address.line1 = params.value("line1", "");
    address.city = address.postal_code = address.country = "x";
    MART_RETURN_IF_ERROR(ctx.tx.store.users().InsertAddress(address).status());
    MART_RETURN_IF_ERROR(ctx.tx.events.Emit("test.emitted", {{"line1", address.line1}}));
    if (address.line1 == "throw") throw std::runtime_error("boom");
    if (address.line1 == "late") {
      // Two rows with one key: on PostgreSQL the second fails only once sent.
      for (int i = 0; i < 2; ++i) {
        MART_ASSIGN_OR_RETURN(store::Query q, ctx.tx.store.db().Prepare(
                                                  "INSERT INTO batch_marks (id) VALUES (1)"));
        MART_RETURN_IF_ERROR(q.Run());
      }
      return json{{"ok", true}};
    }
    if (address.line1 == "keep") ctx.keep_effects_on_error = true;
    if (address.line1 == "ok" || address.line1 == "drop") return json{{"ok", true}};
    return FailedPrecondition("refused after writing");
  }};
  return table;
}

class DispatcherRollbackTest : public DispatcherExecuteTest {
 protected:
  explicit DispatcherRollbackTest(HandlerTable table = WithFailingAddressAdd())
      : DispatcherExecuteTest(std::move(table)) {}

  // address.add as one request of a batch.
  Request Add(const std::string& access, std::string line1) {
    Request request;
    request.id = "add-" + line1 + "-" + std::to_string(++requests_);
    request.method = "address.add";
    request.auth = access;
    request.params = NewAddress(std::move(line1));
    return request;
  }
  int requests_ = 0;

  size_t AddressCount(const std::string& access) {
    Reply list = harness_.Call("address.list", {}, access);
    EXPECT_TRUE(list.status.ok()) << list.status.ToString();
    return list.result.size();
  }
};

TEST_F(DispatcherRollbackTest, FailedRequestLosesItsWritesAndEvents) {
  std::string access = SignUp("ann@example.com")["access_token"];
  const int64_t seq = LastSeq();
  Reply failed = harness_.Call("address.add", NewAddress("fail"), access, "k");
  EXPECT_EQ(failed.status.code(), Code::kFailedPrecondition);
  EXPECT_TRUE(harness_.last_events().empty());
  EXPECT_EQ(LastSeq(), seq);
  EXPECT_EQ(AddressCount(access), 0u);

  Reply ok = harness_.Call("address.add", NewAddress("ok"), access);
  ASSERT_TRUE(ok.status.ok());
  ASSERT_EQ(harness_.last_events().size(), 1u);
  EXPECT_EQ(harness_.last_events()[0].seq, seq + 1);  // no gap left by the failure
}

// The store thread runs a batch's requests in one transaction. A write that
// fails only once sent (PostgreSQL writes behind, and releases a batch's
// savepoints behind too) fails its own request and no other: each other
// request keeps its reply, rows and events, with no gap in the log.
TEST_F(DispatcherRollbackTest, AWriteFailingLateInABatchFailsOnlyItsRequest) {
  ASSERT_TRUE(
      harness_.store().db().Execute("CREATE TABLE batch_marks (id BIGINT PRIMARY KEY)").ok());
  std::string access = SignUp("ann@example.com")["access_token"];
  const int64_t seq = LastSeq();
  std::vector<Request> batch = {Add(access, "ok"), Add(access, "late"), Add(access, "ok")};
  std::vector<Reply> replies = harness_.CallBatch(batch);
  ASSERT_EQ(replies.size(), 3u);
  for (size_t i = 0; i < replies.size(); ++i) EXPECT_EQ(replies[i].id, batch[i].id);
  EXPECT_TRUE(replies[0].status.ok()) << replies[0].status.ToString();
  EXPECT_EQ(replies[1].status.code(), Code::kInternal) << replies[1].status.ToString();
  EXPECT_TRUE(replies[2].status.ok()) << replies[2].status.ToString();
  ASSERT_EQ(harness_.last_events().size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(harness_.last_events()[i].seq, seq + 1 + static_cast<int64_t>(i));
    EXPECT_EQ(harness_.last_events()[i].topic, "test.emitted");
  }
  EXPECT_EQ(AddressCount(access), 2u);
  // The batch after it is as any other.
  replies = harness_.CallBatch({Add(access, "ok"), Add(access, "ok")});
  EXPECT_TRUE(replies[0].status.ok() && replies[1].status.ok());
  EXPECT_EQ(AddressCount(access), 4u);
}

// A batch whose write failed late runs again one request at a time; when its
// transaction cannot even begin again, every request of it fails with that,
// none is told OK, and nothing of it stays.
TEST_F(DispatcherRollbackTest, ABatchThatCannotBeginAgainAfterALateFailureFailsWhole) {
  if (harness_.store().db().backend() != store::Backend::kPostgres) {
    GTEST_SKIP() << "writes fail late on PostgreSQL only (MART_TEST_STORE)";
  }
  ASSERT_TRUE(
      harness_.store().db().Execute("CREATE TABLE batch_marks (id BIGINT PRIMARY KEY)").ok());
  std::string access = SignUp("ann@example.com")["access_token"];
  const int64_t seq = LastSeq();
  ASSERT_TRUE(fault::Arm("batch.restart").ok());
  std::vector<Reply> replies =
      harness_.CallBatch({Add(access, "ok"), Add(access, "late"), Add(access, "ok")});
  fault::DisarmAll();
  ASSERT_EQ(replies.size(), 3u);
  for (const Reply& reply : replies) {
    EXPECT_EQ(reply.status.code(), Code::kUnavailable) << reply.status.ToString();
    EXPECT_NE(reply.status.message().find("batch.restart"), std::string::npos)
        << reply.status.ToString();
  }
  EXPECT_TRUE(harness_.last_events().empty());
  EXPECT_EQ(LastSeq(), seq);
  EXPECT_EQ(AddressCount(access), 0u);
  // The next batch begins as any other.
  replies = harness_.CallBatch({Add(access, "ok"), Add(access, "ok")});
  EXPECT_TRUE(replies[0].status.ok() && replies[1].status.ok());
  EXPECT_EQ(AddressCount(access), 2u);
}

// A connection lost in the middle of a batch, before its commit, loses no
// request: the batch runs again on a new connection.
TEST_F(DispatcherRollbackTest, ABatchWhoseConnectionBreaksRunsAgainOnANewOne) {
  if (harness_.store().db().backend() != store::Backend::kPostgres) {
    GTEST_SKIP() << "the server ends the connection: PostgreSQL (MART_TEST_STORE)";
  }
  std::string access = SignUp("ann@example.com")["access_token"];
  const int64_t seq = LastSeq();
  std::vector<Reply> replies =
      harness_.CallBatch({Add(access, "ok"), Add(access, "drop"), Add(access, "ok")});
  ASSERT_EQ(replies.size(), 3u);
  for (const Reply& reply : replies) EXPECT_TRUE(reply.status.ok()) << reply.status.ToString();
  ASSERT_EQ(harness_.last_events().size(), 3u);
  EXPECT_EQ(harness_.last_events()[2].seq, seq + 3);
  EXPECT_EQ(AddressCount(access), 3u);
}

// On PostgreSQL a batch's requests are released without a round trip each.
TEST_F(DispatcherRollbackTest, ABatchReleasesItsRequestsWithoutARoundTripEach) {
  if (harness_.store().db().backend() != store::Backend::kPostgres) {
    GTEST_SKIP() << "round trips are PostgreSQL's (MART_TEST_STORE)";
  }
  std::string access = SignUp("ann@example.com")["access_token"];
  harness_.CallBatch({Add(access, "ok"), Add(access, "ok"), Add(access, "ok")});  // prepared
  uint64_t before = store::RoundTrips();
  harness_.CallBatch({Add(access, "ok")});
  const uint64_t one = store::RoundTrips() - before;  // its release, then COMMIT
  before = store::RoundTrips();
  harness_.CallBatch({Add(access, "ok"), Add(access, "ok"), Add(access, "ok")});
  const uint64_t three = store::RoundTrips() - before;
  // Each released on its own, three would take 3 * one - 2 (one COMMIT).
  EXPECT_LT(three, 3 * one - 2) << "one request: " << one;
  EXPECT_EQ(AddressCount(access), 7u);
}

// address.add as an order's writes, to see a batch's waiting rows
// (Store::DeferAppends): line1 "order" inserts an order of two lines, its
// history row and an event ("order-refused": a line named Refused); "fail"
// does the same and then fails; "count"
// answers how many orders the caller has, read inside the batch, and
// "count-fail" reads them and then fails; "noop" writes nothing.
HandlerTable WithOrderWritingAdd() {
  HandlerTable table = handlers::AllHandlers();
  table["address.add"] = {[](RequestContext& ctx, const json& params) -> Result<json> {
    static int orders = 0;
    const std::string what = params.value("line1", "");
    store::Store& store = ctx.tx.store;
    if (what == "noop") return json{{"ok", true}};
    if (what.starts_with("count")) {
      store::OrderFilter filter;
      filter.user_id = ctx.principal.user_id;
      MART_ASSIGN_OR_RETURN(auto listed, store.orders().List(filter));
      if (what == "count-fail") return FailedPrecondition("refused after reading");
      return json{{"orders", listed.size()}};
    }
    char id[32];
    std::snprintf(id, sizeof id, "%024d", ++orders);
    Order order;
    order.id = id;
    order.user_id = ctx.principal.user_id;
    order.items = {{"aaaaaaaaaaaaaaaaaaaaaaaa", "Kettle", 1, 100},
                   {"bbbbbbbbbbbbbbbbbbbbbbbb", what == "order-refused" ? "Refused" : "Cup", 2, 50}};
    order.total_cents = 200;
    order.shipping_address = {"1 Main St", std::nullopt, "Town", std::nullopt, "111", "Land"};
    order.created_at = order.updated_at = ctx.tx.now;
    MART_RETURN_IF_ERROR(store.orders().Insert(order));
    MART_RETURN_IF_ERROR(store.orders().AppendChange(
        {0, order.id, std::nullopt, OrderStatus::kPending, "test", std::nullopt, ctx.tx.now}));
    MART_RETURN_IF_ERROR(ctx.tx.events.Emit("test.order", {{"id", order.id}}));
    if (what == "fail") return FailedPrecondition("refused after writing");
    return json{{"id", order.id}};
  }};
  return table;
}

class DispatcherBatchAppendsTest : public DispatcherRollbackTest {
 protected:
  DispatcherBatchAppendsTest() : DispatcherRollbackTest(WithOrderWritingAdd()) {}

  std::vector<Reply> Batch(const std::string& access, const std::vector<std::string>& lines) {
    std::vector<Request> batch;
    for (const std::string& line : lines) batch.push_back(Add(access, line));
    return harness_.CallBatch(batch);
  }
  int64_t OrderCount(const std::string& access) {
    Reply count = harness_.Call("address.add", NewAddress("count"), access);
    EXPECT_TRUE(count.status.ok()) << count.status.ToString();
    return count.result.value("orders", int64_t{-1});
  }
  // Each order has its two lines and one history row.
  void ExpectWhole(const std::string& id) {
    Order order = Must(harness_.store().orders().Get(id), "order " + id);
    EXPECT_EQ(order.items.size(), 2u) << id;
    EXPECT_EQ(Must(harness_.store().orders().History(id), "history").size(), 1u) << id;
  }
  // How many times a PostgreSQL batch ran again one request at a time during
  // `run` (0 on SQLite, where each request runs alone).
  template <typename Run>
  uint64_t RunsAgainDuring(Run run) {
    const uint64_t before = store::BatchesRunAgain();
    run();
    return store::BatchesRunAgain() - before;
  }
  uint64_t OnPostgres(uint64_t runs) {
    return harness_.store().db().backend() == store::Backend::kPostgres ? runs : 0;
  }
  // A batch of an order, `middle` and an order: the middle one fails, both
  // orders are whole with their events, and the log has no gap. On PostgreSQL
  // the batch ran again one request at a time `runs_again` times.
  void ExpectTheMiddleOneFailedAlone(const std::string& middle, uint64_t runs_again) {
    std::string access = SignUp("ann@example.com")["access_token"];
    const int64_t seq = LastSeq();
    std::vector<Reply> replies;
    EXPECT_EQ(RunsAgainDuring([&] { replies = Batch(access, {"order", middle, "order"}); }),
              OnPostgres(runs_again));
    ASSERT_EQ(replies.size(), 3u);
    EXPECT_TRUE(replies[0].status.ok()) << replies[0].status.ToString();
    EXPECT_EQ(replies[1].status.code(), Code::kFailedPrecondition) << replies[1].status.ToString();
    EXPECT_TRUE(replies[2].status.ok()) << replies[2].status.ToString();
    ASSERT_EQ(harness_.last_events().size(), 2u);
    EXPECT_EQ(harness_.last_events()[0].seq, seq + 1);
    EXPECT_EQ(harness_.last_events()[1].seq, seq + 2);
    EXPECT_EQ(LastSeq(), seq + 2);
    ExpectWhole(replies[0].result["id"]);
    ExpectWhole(replies[2].result["id"]);
    EXPECT_EQ(OrderCount(access), 2);
  }
};

// On PostgreSQL a batch's orders, their lines, history rows and events go in
// one statement each at the batch's end, not one per request.
TEST_F(DispatcherBatchAppendsTest, ABatchsAppendedRowsAreWrittenSetWise) {
  if (harness_.store().db().backend() != store::Backend::kPostgres) {
    GTEST_SKIP() << "a batch runs as one unit on PostgreSQL only (MART_TEST_STORE)";
  }
  std::string access = SignUp("ann@example.com")["access_token"];
  const std::vector<std::string> orders(8, "order");
  const std::vector<std::string> noops(8, "noop");
  Batch(access, orders);  // every statement prepared
  Batch(access, noops);
  uint64_t before = store::StatementsExecuted();
  Batch(access, noops);
  const uint64_t without = store::StatementsExecuted() - before;
  before = store::StatementsExecuted();
  std::vector<Reply> replies = Batch(access, orders);
  const uint64_t with = store::StatementsExecuted() - before;
  // One INSERT each for the orders, lines, history rows and events, and the
  // log's last number read once, in the first request's savepoint (a request
  // that runs no statement of its own has none: its session is read ahead):
  // 8 * 4 + 3 when each request writes its own.
  EXPECT_LE(with - without, 7u) << "8 requests without writes: " << without;
  for (const Reply& reply : replies) {
    ASSERT_TRUE(reply.status.ok()) << reply.status.ToString();
    ExpectWhole(reply.result["id"]);
  }
  EXPECT_EQ(OrderCount(access), 16);
}

// A request that fails drops the rows it left waiting and no other's; the
// log has no gap.
TEST_F(DispatcherBatchAppendsTest, AFailedRequestDropsOnlyItsOwnWaitingRows) {
  ExpectTheMiddleOneFailedAlone("fail", 0);
}

// A request that reads orders sees those placed before it in its batch.
TEST_F(DispatcherBatchAppendsTest, ARequestSeesTheOrdersOfTheRequestsBeforeIt) {
  std::string access = SignUp("ann@example.com")["access_token"];
  std::vector<Reply> replies;
  EXPECT_EQ(RunsAgainDuring([&] { replies = Batch(access, {"order", "order", "count", "order"}); }),
            0u);
  ASSERT_EQ(replies.size(), 4u);
  ASSERT_TRUE(replies[2].status.ok()) << replies[2].status.ToString();
  EXPECT_EQ(replies[2].result["orders"], 2);
  EXPECT_EQ(OrderCount(access), 3);
}

// A request that wrote the waiting rows of the requests before it (it read
// their table) and then failed took them with its rollback: the batch runs
// again one request at a time, and every other request keeps its order.
TEST_F(DispatcherBatchAppendsTest, AFailureAfterReadingWaitingRowsRunsTheBatchAgain) {
  ExpectTheMiddleOneFailedAlone("count-fail", 1);
}

// A waiting row the database refuses (on PostgreSQL, in the batch's set-wise
// write at its end) fails its own request alone: the batch runs again one
// request at a time, and nothing of the refused order stays.
TEST_F(DispatcherBatchAppendsTest, AWaitingRowTheDatabaseRefusesFailsOnlyItsRequest) {
  std::string access = SignUp("ann@example.com")["access_token"];
  const int64_t seq = LastSeq();
  test::InjectTriggerFault(harness_.store().db(), "refuse_line", "BEFORE INSERT", "order_items",
                           "line refused", "NEW.name = 'Refused'");
  std::vector<Reply> replies;
  EXPECT_EQ(RunsAgainDuring([&] { replies = Batch(access, {"order", "order-refused", "order"}); }),
            OnPostgres(1));
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_TRUE(replies[0].status.ok()) << replies[0].status.ToString();
  EXPECT_FALSE(replies[1].status.ok());
  EXPECT_NE(replies[1].status.message().find("line refused"), std::string::npos)
      << replies[1].status.ToString();
  EXPECT_TRUE(replies[2].status.ok()) << replies[2].status.ToString();
  ASSERT_EQ(harness_.last_events().size(), 2u);
  EXPECT_EQ(harness_.last_events()[1].seq, seq + 2);
  test::FixTriggerFault(harness_.store().db(), "refuse_line", "order_items");
  ExpectWhole(replies[0].result["id"]);
  ExpectWhole(replies[2].result["id"]);
  EXPECT_EQ(OrderCount(access), 2);
}

// A key stored by a request of a batch waits with its rows: a later request
// of the same batch with the same key gets the first one's reply again, and
// with other parameters is refused, as after the commit, and the batch never
// runs again (which would also give those replies, at twice the cost).
TEST_F(DispatcherBatchAppendsTest, AKeyUsedAgainInItsBatchIsFoundAmongTheWaitingOnes) {
  std::string access = SignUp("ann@example.com")["access_token"];
  std::vector<Request> batch = {Add(access, "order"), Add(access, "order"), Add(access, "noop")};
  for (Request& request : batch) request.idempotency_key = "same-key";
  std::vector<Reply> replies;
  EXPECT_EQ(RunsAgainDuring([&] { replies = harness_.CallBatch(batch); }), 0u);
  ASSERT_EQ(replies.size(), 3u);
  ASSERT_TRUE(replies[0].status.ok()) << replies[0].status.ToString();
  ASSERT_TRUE(replies[1].status.ok()) << replies[1].status.ToString();
  EXPECT_EQ(replies[1].result["id"], replies[0].result["id"]);
  EXPECT_EQ(replies[2].status.code(), Code::kInvalidArgument) << replies[2].status.ToString();
  EXPECT_EQ(OrderCount(access), 1);
  Reply again = harness_.Call("address.add", NewAddress("order"), access, "same-key");
  ASSERT_TRUE(again.status.ok()) << again.status.ToString();
  EXPECT_EQ(again.result["id"], replies[0].result["id"]);
  EXPECT_EQ(OrderCount(access), 1);
}

TEST_F(DispatcherRollbackTest, KeepEffectsCommitsWritesAndEventsOfAFailure) {
  std::string access = SignUp("ann@example.com")["access_token"];
  Reply kept = harness_.Call("address.add", NewAddress("keep"), access);
  EXPECT_EQ(kept.status.code(), Code::kFailedPrecondition);
  ASSERT_EQ(harness_.last_events().size(), 1u);
  EXPECT_EQ(harness_.last_events()[0].topic, "test.emitted");
  EXPECT_EQ(AddressCount(access), 1u);
}

TEST_F(DispatcherRollbackTest, ThrowingHandlerBecomesInternalAndRollsBack) {
  std::string access = SignUp("ann@example.com")["access_token"];
  const int64_t seq = LastSeq();
  Reply thrown = harness_.Call("address.add", NewAddress("throw"), access);
  EXPECT_EQ(thrown.status.code(), Code::kInternal);
  EXPECT_EQ(thrown.status.message(), "internal error in address.add");
  EXPECT_TRUE(harness_.last_events().empty());
  EXPECT_EQ(LastSeq(), seq);
  EXPECT_EQ(AddressCount(access), 0u);
}

TEST_F(DispatcherExecuteTest, AnEndedSessionCannotTestPasswords) {
  std::string access = SignUp("ann@example.com")["access_token"];
  ASSERT_TRUE(harness_.Call("auth.logout", {}, access).status.ok());
  for (const char* guess : {"Guess12345", "Password123"}) {
    Reply reply =
        harness_.Call("profile.password",
                      {{"current_password", guess}, {"new_password", "NewPassword456"}}, access);
    EXPECT_EQ(reply.status.code(), Code::kUnauthenticated) << guess;  // same either way
  }
}

// An id copied in upper case (from a log, a spreadsheet) names the same object.
TEST_F(DispatcherExecuteTest, UpperCaseObjectIdsNameTheSameObject) {
  const std::string op = test::ServiceHarness::CookieAuth();
  Reply created = harness_.Call(
      "product.create", {{"name", "Lamp"}, {"category", "Home"}, {"price", "12.50"}, {"quantity", 3}},
      op);
  ASSERT_TRUE(created.status.ok()) << created.status.ToString();
  std::string id = created.result["id"];
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_NE(upper, id);
  Reply got = harness_.Call("product.get", {{"id", upper}});
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.result["id"], id);
  Reply stock = harness_.Call("inventory.get", {{"product_id", upper}}, op);
  ASSERT_TRUE(stock.status.ok()) << stock.status.ToString();
  EXPECT_EQ(stock.result["product_id"], id);
}

// Issue 17: every object's own id is `id` in the native protocol, products
// and orders included (the seeds' `_id` is the REST bridge's alone), and its
// booleans follow one rule (PROTOCOL.md §12, Naming). The authorization
// matrix checks every method's replies the same way.
TEST_F(DispatcherExecuteTest, ProductsAndOrdersCarryTheirOwnIdAsId) {
  const std::string op = test::ServiceHarness::CookieAuth();
  const std::string ann = SignUp("ann@example.com")["access_token"];
  auto call = [&](std::string_view method, json params, const std::string& auth) {
    Reply reply = harness_.Call(method, std::move(params), auth);
    EXPECT_TRUE(reply.status.ok()) << method << ": " << reply.status.ToString();
    EXPECT_EQ(test::ReplyNamingProblems(reply.result), std::vector<std::string>()) << method;
    return reply.result;
  };
  json product = call("product.create", {{"name", "Lamp"}, {"category", "Home"},
                                         {"price", "12.50"}, {"quantity", 3}}, op);
  ASSERT_TRUE(product.contains("id")) << product;
  const json pid = product["id"];
  EXPECT_EQ(call("product.get", {{"id", pid}}, ann)["id"], pid);
  EXPECT_EQ(call("product.list", json::object(), ann)[0]["id"], pid);
  EXPECT_EQ(call("product.update", {{"id", pid}, {"price", "13"}}, op)["id"], pid);
  EXPECT_EQ(call("inventory.get", {{"product_id", pid}}, op)["product_id"], pid);
  call("inventory.list", json::object(), op);
  call("address.add", {{"line1", "1 Main St"}, {"city", "Town"}, {"postal_code", "1"},
                       {"country", "XX"}}, ann);
  json order = call("order.place", {{"items", {{{"product_id", pid}, {"quantity", 1}}}}}, ann);
  ASSERT_TRUE(order.contains("id")) << order;
  const json oid = order["id"];
  EXPECT_EQ(call("order.get", {{"id", oid}}, ann)["id"], oid);
  EXPECT_EQ(call("order.list", json::object(), ann)[0]["id"], oid);
  EXPECT_EQ(call("order.history", {{"id", oid}}, ann)[0]["order_id"], oid);
  EXPECT_EQ(call("order.cancel", {{"id", oid}}, ann)["id"], oid);
  call("auth.whoami", json::object(), ann);
  call("auth.whoami", json::object(), op);
  call("worker.list", json::object(), op);
  EXPECT_EQ(call("product.delete", {{"id", pid}}, op), json({{"id", pid}, {"deleted", true}}));
}

}  // namespace
}  // namespace mart::rpc
