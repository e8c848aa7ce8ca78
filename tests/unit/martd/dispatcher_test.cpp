// Dispatcher: registry completeness and the guard chain of Admit. Execute
// (idempotency, savepoints, events) is in dispatcher_execute_test.cpp.
#include "rpc/dispatcher.h"

#include <gtest/gtest.h>

#include <string>

#include "handlers/handlers.h"
#include "mart/wire/envelope.h"
#include "util/test_dispatch.h"

namespace mart::rpc {
namespace {

using nlohmann::json;
using test::Must;

std::string Frame(std::string_view method, json params = json::object(),
                  std::string_view auth = {}) {
  Request request;
  request.id = "r-1";
  request.method = std::string(method);
  request.auth = std::string(auth);
  request.params = std::move(params);
  return EncodeRequest(request);
}

TEST(DispatcherCompletenessTest, AllHandlersCoverTheRegistry) {
  test::DispatchHarness harness;
  EXPECT_TRUE(harness.dispatcher().CheckComplete().ok());
}

TEST(DispatcherCompletenessTest, SpecWithoutHandlerIsRefused) {
  HandlerTable table = handlers::AllHandlers();
  table.erase("address.add");
  test::DispatchHarness harness(std::move(table));
  Status status = harness.dispatcher().CheckComplete();
  EXPECT_EQ(status.code(), Code::kInternal);
  EXPECT_EQ(status.message(), "method address.add has a spec but no handler");
}

TEST(DispatcherCompletenessTest, HandlerWithoutRunIsRefused) {
  HandlerTable table = handlers::AllHandlers();
  table["auth.whoami"].run = nullptr;
  test::DispatchHarness harness(std::move(table));
  EXPECT_EQ(harness.dispatcher().CheckComplete().message(),
            "method auth.whoami has a spec but no handler");
}

TEST(DispatcherCompletenessTest, HandlerWithoutSpecIsRefused) {
  HandlerTable table = handlers::AllHandlers();
  table["shipment.track"] = {[](RequestContext&, const json&) -> Result<json> { return json(); }};
  test::DispatchHarness harness(std::move(table));
  Status status = harness.dispatcher().CheckComplete();
  EXPECT_EQ(status.code(), Code::kInternal);
  EXPECT_EQ(status.message(), "handler shipment.track has no spec in the command registry");
}

// A reader's connection is read-only and runs beside the store thread: a
// method that writes, or has a prepare step, must never be routed there.
TEST(DispatcherCompletenessTest, AReaderHandlerForAMutatingMethodIsRefused) {
  HandlerTable table = handlers::AllHandlers();
  table["order.place"] = rpc::OnReader(table["order.place"].run);
  test::DispatchHarness harness(std::move(table));
  EXPECT_EQ(harness.dispatcher().CheckComplete().message(),
            "handler order.place runs on a reader but writes or prepares");
}

TEST(DispatcherCompletenessTest, AReaderHandlerWithAPrepareStepIsRefused) {
  HandlerTable table = handlers::AllHandlers();
  table["product.list"].prepare = [](PrepareContext&, const json& params) -> Result<json> {
    return params;
  };
  test::DispatchHarness harness(std::move(table));
  EXPECT_EQ(harness.dispatcher().CheckComplete().message(),
            "handler product.list runs on a reader but writes or prepares");
}

class DispatcherAdmitTest : public ::testing::Test {
 protected:
  Status Admit(const std::string& frame, Job* job) {
    return harness_.dispatcher().Admit(frame, job);
  }
  Status Admit(const std::string& frame) {
    Job job;
    return Admit(frame, &job);
  }

  test::DispatchHarness harness_;
};

TEST_F(DispatcherAdmitTest, UndecodableFrameIsInvalidArgumentWithTheIdKept) {
  Job job;
  Status status = Admit(R"({"v":1,"id":"abc","method":7})", &job);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(job.request.id, "abc");
  EXPECT_EQ(job.spec, nullptr);
}

TEST_F(DispatcherAdmitTest, UnknownMethodComesFirstAndSuggests) {
  harness_.ready() = false;  // later guards would fail too
  Status status = Admit(Frame("adress.add", {{"bogus", 1}}, "bad-token"));
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "unknown method 'adress.add' (did you mean 'address.add'?)");
  EXPECT_EQ(status.details(), (json{{"method", "adress.add"}}));
  EXPECT_EQ(Admit(Frame("shipment.track")).message(), "unknown method 'shipment.track'");
}

TEST_F(DispatcherAdmitTest, NotReadyComesBeforeAuthentication) {
  harness_.ready() = false;
  Status status = Admit(Frame("user.list", {{"bogus", 1}}, "bad-token"));
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_EQ(status.message(), "daemon is not ready (starting or shutting down)");
  // daemon.status stays answerable, so that callers can see the state.
  EXPECT_TRUE(Admit(Frame("daemon.status")).ok());
}

TEST_F(DispatcherAdmitTest, BadTokenComesBeforeAccessAndParams) {
  Status status = Admit(Frame("user.list", {{"bogus", 1}}, "bad-token"));
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(status.message(), "token is malformed");
  // Even a method open to anyone refuses a bad credential rather than ignore it.
  EXPECT_EQ(Admit(Frame("daemon.status", {}, "bad-token")).code(), Code::kUnauthenticated);
}

// Regression: this token (header {"alg":256}, no valid signature needed)
// made Admit throw on the socket thread, which terminated martd.
TEST_F(DispatcherAdmitTest, HostileTokenHeaderIsUnauthenticatedNotACrash) {
  Status status;
  ASSERT_NO_THROW(status = Admit(Frame("auth.whoami", {}, "eyJhbGciOjI1Nn0.e30.AAAA")));
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(status.message(), "token is malformed");
}

// A request frame whose `field` param is `depth` nested arrays.
std::string DeepFrame(std::string_view method, std::string_view field, std::string_view auth,
                      size_t depth) {
  std::string frame = R"({"v":1,"id":"deep","method":")" + std::string(method) + R"(","auth":")" +
                      std::string(auth) + R"(","idempotency_key":"k","params":{")" +
                      std::string(field) + "\":";
  return frame + std::string(depth, '[') + std::string(depth, ']') + "}}";
}

// Regression: Admit fingerprinted a keyed request's params before they were
// validated, and dump() recursed once per nesting level: one unauthenticated
// frame of ~400k nested arrays overflowed the socket thread's stack and
// killed martd.
TEST_F(DispatcherAdmitTest, DeeplyNestedParamsWithAKeyAreRefusedNotACrash) {
  const size_t depth = 500000;
  std::string anonymous = DeepFrame("auth.register", "email", "", depth);
  ASSERT_LE(anonymous.size(), kMaxMessageBytes);
  Reply refused = harness_.CallFrame(anonymous);
  EXPECT_EQ(refused.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(refused.status.message(), "request nests JSON deeper than 32 levels");

  test::TestLogin ann = harness_.SignUp("ann@example.com");
  Reply user = harness_.CallFrame(DeepFrame("address.add", "line1", ann.access_token(), depth));
  EXPECT_EQ(user.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(user.status.message(), "request nests JSON deeper than 32 levels");
  // Within the limit, the params check names the field as before.
  Reply shallow = harness_.CallFrame(DeepFrame("address.add", "line1", ann.access_token(), 20));
  EXPECT_EQ(shallow.status.message(), "line1 must be a string");
}

TEST_F(DispatcherAdmitTest, AnonymousCallerOfAUserMethodIsUnauthenticated) {
  Status status = Admit(Frame("address.list", {{"bogus", 1}}));
  EXPECT_EQ(status.code(), Code::kUnauthenticated);
  EXPECT_EQ(status.message(),
            "address.list needs a login (run 'martctl auth login' or pass a token)");
}

TEST_F(DispatcherAdmitTest, UserGuardsWaitForTheStoreThreadUnlessThereIsAPrepareStep) {
  harness_.SignUp("admin@example.com");
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  // The role in a token may be stale: access and params are checked at Execute.
  Job job;
  EXPECT_TRUE(Admit(Frame("user.list", {{"bogus", 1}}, ann.access_token()), &job).ok());
  EXPECT_FALSE(job.params_checked);
  EXPECT_EQ(job.principal.user_id, ann.user.id);
  // A prepare step runs before the store thread, so its params are checked now.
  Job prepared;
  Status bad = Admit(Frame("profile.password", {{"bogus", 1}}, ann.access_token()), &prepared);
  EXPECT_EQ(bad.code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.message(), "unknown parameter 'bogus' for profile.password");
  Job anonymous;
  EXPECT_EQ(Admit(Frame("auth.register", {{"email", 5}}), &anonymous).code(),
            Code::kInvalidArgument);
}

// The whole chain, Admit to Execute: each request also fails every later guard.
TEST_F(DispatcherAdmitTest, GuardOrderOverTheWholePath) {
  harness_.SignUp("admin@example.com");
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  Reply denied = harness_.Call("user.list", {{"bogus", 1}}, ann.access_token());
  EXPECT_EQ(denied.status.code(), Code::kPermissionDenied);
  EXPECT_EQ(denied.status.message(), "user.list is for admins only");

  Reply invalid = harness_.Call("address.list", {{"bogus", 1}}, ann.access_token());
  EXPECT_EQ(invalid.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(invalid.status.message(), "unknown parameter 'bogus' for address.list");

  Reply anonymous_invalid = harness_.Call("auth.refresh", {{"bogus", 1}});
  EXPECT_EQ(anonymous_invalid.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(anonymous_invalid.status.message(), "unknown parameter 'bogus' for auth.refresh");
}

// Regression: admin methods with a prepare step (admin.backup, admin.verify)
// checked access in Admit with the token's role claim, so a logged-out or
// deactivated user's token got PERMISSION_DENIED instead of UNAUTHENTICATED.
// Their guards now wait for the confirmed caller, in the same order.
TEST_F(DispatcherAdmitTest, AdminPrepareStepsConfirmTheCallerBeforeAccessAndParams) {
  harness_.SignUp("admin@example.com");
  test::TestLogin ann = harness_.SignUp("ann@example.com");
  Reply denied = harness_.Call("admin.backup", {{"bogus", 1}}, ann.access_token());
  EXPECT_EQ(denied.status.code(), Code::kPermissionDenied);
  EXPECT_EQ(denied.status.message(), "admin.backup is for admins only");
  ASSERT_TRUE(harness_.Call("auth.logout", json::object(), ann.access_token()).status.ok());
  for (const char* method : {"admin.backup", "admin.verify"}) {
    Reply ended = harness_.Call(method, {{"file", "/nonexistent/copy.db"}}, ann.access_token());
    EXPECT_EQ(ended.status.code(), Code::kUnauthenticated) << method;
    EXPECT_EQ(ended.status.message(), "session has ended (logged out or revoked); log in again")
        << method;
  }
}

TEST_F(DispatcherAdmitTest, InvalidParamsOfAnAdminComeLast) {
  test::TestLogin admin = harness_.SignUp("admin@example.com");
  Reply reply = harness_.Call("user.list", {{"limit", 0}}, admin.access_token());
  EXPECT_EQ(reply.status.code(), Code::kInvalidArgument);
  EXPECT_EQ(reply.status.message(), "limit must be between 1 and 1000, not 0");
}

TEST_F(DispatcherAdmitTest, AdmittedJobCarriesSpecHandlerAndPrincipal) {
  test::TestLogin admin = harness_.SignUp("admin@example.com");
  Job job;
  ASSERT_TRUE(Admit(Frame("user.list", {{"limit", 5}}, admin.access_token()), &job).ok());
  ASSERT_NE(job.spec, nullptr);
  EXPECT_EQ(job.spec->method, "user.list");
  ASSERT_NE(job.handler, nullptr);
  EXPECT_EQ(job.principal.user_id, admin.user.id);
  EXPECT_TRUE(job.fingerprint.empty());  // read-only: no idempotency
}

TEST_F(DispatcherAdmitTest, OperatorCookiePassesAdminGuards) {
  EXPECT_TRUE(Admit(Frame("user.list", {}, test::ServiceHarness::CookieAuth())).ok());
  EXPECT_TRUE(harness_.Call("user.list", {}, test::ServiceHarness::CookieAuth()).status.ok());
}

TEST_F(DispatcherAdmitTest, FingerprintIsSetOnlyForReplayableKeyedCalls) {
  test::TestLogin admin = harness_.SignUp("admin@example.com");
  auto fingerprint = [&](std::string_view method, json params, std::string_view key) {
    Request request;
    request.id = "1";
    request.method = std::string(method);
    request.auth = admin.access_token();
    request.idempotency_key = std::string(key);
    request.params = std::move(params);
    Job job;
    EXPECT_TRUE(Admit(EncodeRequest(request), &job).ok()) << method;
    return job.fingerprint;
  };
  json address = {{"line1", "1 A St"}, {"city", "C"}, {"postal_code", "1"}, {"country", "US"}};
  EXPECT_EQ(fingerprint("address.add", address, "k").size(), 64u);
  EXPECT_TRUE(fingerprint("address.add", address, "").empty());
  EXPECT_TRUE(fingerprint("auth.refresh", {{"refresh_token", "x"}}, "k").empty());
  EXPECT_TRUE(fingerprint("address.list", json::object(), "k").empty());
}

// Regression: Prepare confirmed the session but kept the access check Admit
// made with the token's role, so a demoted admin's still-valid token ran an
// admin-only prepare step.
TEST(DispatcherPrepareTest, ADemotedAdminsTokenDoesNotRunAnAdminPrepareStep) {
  bool prepared = false;
  HandlerTable table = handlers::AllHandlers();
  table["admin.check"].prepare = [&](PrepareContext&, const json& params) -> Result<json> {
    prepared = true;
    return params;
  };
  test::DispatchHarness harness(std::move(table));
  test::TestLogin first = harness.SignUp("admin@example.com");
  test::TestLogin ann = harness.SignUp("ann@example.com");
  const std::string cookie = test::ServiceHarness::CookieAuth();
  ASSERT_TRUE(harness.Call("admin.check", {}, first.access_token()).status.ok());
  ASSERT_TRUE(prepared);
  prepared = false;
  ASSERT_TRUE(harness.Call("user.set_role", {{"id", ann.user.id}, {"role", "admin"}}, cookie)
                  .status.ok());
  ASSERT_TRUE(harness.Call("user.set_role", {{"id", first.user.id}, {"role", "user"}}, cookie)
                  .status.ok());

  Reply reply = harness.Call("admin.check", {}, first.access_token());
  EXPECT_EQ(reply.status.code(), Code::kPermissionDenied);
  EXPECT_EQ(reply.status.message(), "admin.check is for admins only");
  EXPECT_FALSE(prepared);
}

}  // namespace
}  // namespace mart::rpc
