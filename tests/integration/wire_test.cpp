// The wire contract through a live daemon: idempotency, malformed and oversized
// frames, concurrency with group commit, and an unreachable daemon.
#include <gtest/gtest.h>

#include <thread>

#include <zmq.hpp>

#include "daemon_fixture.h"

namespace mart::testing {
namespace {

using nlohmann::json;

class WireTest : public DaemonTest {
 protected:
  // Sends one raw frame and returns the decoded reply.
  Reply RawRoundTrip(const std::string& frame) {
    zmq::context_t context(1);
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 10000);
    socket.connect(options_.listen);
    socket.send(zmq::buffer(frame), zmq::send_flags::none);
    zmq::message_t message;
    Reply reply;
    EXPECT_TRUE(socket.recv(message).has_value());
    EXPECT_TRUE(DecodeReply(message.to_string_view(), &reply).ok());
    return reply;
  }

  json AddAddressParams(const std::string& city) {
    return {{"line1", "1 Main St"}, {"city", city}, {"postal_code", "1"}, {"country", "X"}};
  }
};

TEST_F(WireTest, RetryWithTheSameKeyReplaysAndAppliesOnce) {
  std::string token = RegisterAndLogin("a@example.com");
  auto first = Call("address.add", AddAddressParams("A"), token, "key-1");
  auto again = Call("address.add", AddAddressParams("A"), token, "key-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(*first, *again);
  auto list = Call("address.list", json::object(), token);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);

  auto different = Call("address.add", AddAddressParams("B"), token, "key-1");
  ASSERT_FALSE(different.ok());
  EXPECT_EQ(different.status().code(), Code::kInvalidArgument);
}

TEST_F(WireTest, AFailedRequestDoesNotBurnItsKey) {
  std::string token = RegisterAndLogin("a@example.com");
  json bad = AddAddressParams("A");
  bad["city"] = "   ";
  EXPECT_EQ(Call("address.add", bad, token, "key-2").status().code(), Code::kInvalidArgument);
  bad["city"] = "A";
  auto good = Call("address.add", bad, token, "key-2");
  EXPECT_TRUE(good.ok()) << good.status().ToString();
}

TEST_F(WireTest, RetriesOfPasswordChangeAndLogoutReplay) {
  std::string token = RegisterAndLogin("a@example.com");
  json change = {{"current_password", "Password123"}, {"new_password", "NewPassword1"}};
  auto first = Call("profile.password", change, token, "pw-key");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // The old password is no longer current, yet the retry gets the original reply.
  auto retry = Call("profile.password", change, token, "pw-key");
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(*first, *retry);
  // The same key with another password is not a retry.
  change["new_password"] = "OtherPassword2";
  auto other = Call("profile.password", change, token, "pw-key");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(Call("auth.login", {{"email", "a@example.com"}, {"password", "NewPassword1"}}).ok());

  auto logout = Call("auth.logout", json::object(), token, "out-key");
  ASSERT_TRUE(logout.ok());
  auto logout_retry = Call("auth.logout", json::object(), token, "out-key");
  ASSERT_TRUE(logout_retry.ok()) << logout_retry.status().ToString();
  EXPECT_EQ(Call("auth.whoami", json::object(), token).status().code(), Code::kUnauthenticated);
}

TEST_F(WireTest, OversizedRequestsFailFastInTheClient) {
  auto reply = Call("auth.register", {{"email", std::string(kMaxMessageBytes, 'a')}});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Code::kInvalidArgument);
}

TEST_F(WireTest, MalformedFramesGetErrorsAndTheDaemonKeepsServing) {
  const std::vector<std::string> frames = {
      "not json",
      "[1,2,3]",
      R"({"v":2,"id":"x","method":"daemon.status"})",
      R"({"v":1,"id":"x","method":7})",
      R"({"v":1,"id":"x","method":"daemon.status","params":[]})",
      R"({"v":1,"id":"x","method":"auth.register","params":{"email":5}})",
      R"({"v":1,"id":"x","method":"address.add","params":{},"auth":"garbage"})",
      std::string("{\"v\":1,\"id\":\"x\",\"method\":\"\xff\xfe\"}"),
      std::string(kMaxMessageBytes + 10, '{'),
  };
  for (const std::string& frame : frames) {
    Reply reply = RawRoundTrip(frame);
    EXPECT_FALSE(reply.status.ok()) << frame.substr(0, 60);
    EXPECT_TRUE(reply.status.code() == Code::kInvalidArgument ||
                reply.status.code() == Code::kUnauthenticated)
        << reply.status.ToString();
  }
  EXPECT_TRUE(Call("daemon.status").ok());
}

TEST_F(WireTest, ConcurrentClientsAllCommitAndExactlyOneBecomesAdmin) {
  constexpr int kClients = 8;
  std::vector<std::thread> threads;
  std::vector<Status> results(kClients);
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto client = NewClient();
      auto registered = client->Call(
          "auth.register", {{"email", "u" + std::to_string(i) + "@example.com"},
                            {"password", "Password123"}, {"first_name", "U"}, {"last_name", "V"}});
      results[i] = registered.status();
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& status : results) EXPECT_TRUE(status.ok()) << status.ToString();
  auto admins = Call("user.list", {{"role", "admin"}}, Cookie());
  auto all = Call("user.list", json::object(), Cookie());
  ASSERT_TRUE(admins.ok() && all.ok());
  EXPECT_EQ(admins->size(), 1u);
  EXPECT_EQ(all->size(), static_cast<size_t>(kClients));
}

TEST_F(WireTest, AcknowledgedWritesSurviveARestart) {
  std::string token = RegisterAndLogin("a@example.com");
  ASSERT_TRUE(Call("address.add", AddAddressParams("Kept"), token).ok());
  client_.reset();
  RestartDaemon();
  auto login = Call("auth.login", {{"email", "a@example.com"}, {"password", "Password123"}});
  ASSERT_TRUE(login.ok());
  auto list = Call("address.list", json::object(), (*login)["access_token"].get<std::string>());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0]["city"], "Kept");
  // Tokens signed before the restart stay valid: the key lives in the data dir.
  EXPECT_TRUE(Call("auth.whoami", json::object(), token).ok());
}

TEST_F(WireTest, ASecondDaemonOnTheSameDataDirIsRefused) {
  daemon::DaemonOptions second = options_;
  second.listen = "ipc://" + root_ + "/other.sock";
  daemon::Daemon other(second, &clock_);
  Status started = other.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), Code::kFailedPrecondition);
  EXPECT_NE(started.message().find("another martd"), std::string::npos) << started.message();
  EXPECT_TRUE(Call("daemon.status").ok());  // the first one is untouched
}

TEST_F(WireTest, NoDaemonMeansUnavailableAtOnce) {
  ClientOptions options;
  options.endpoints = {"ipc://" + root_ + "/nobody-here.sock"};
  Client client(options);
  auto reply = client.Call("daemon.status", json::object());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Code::kUnavailable);
  EXPECT_NE(reply.status().message().find("not running"), std::string::npos);
}

TEST_F(WireTest, ADaemonThatGoesAwayMidCallIsUnavailableNotATimeout) {
  // A silent peer on an ipc socket takes the request and never answers; then
  // it goes away. The call must notice rather than wait out its timeout and
  // its retries (the bridge's pooled clients did: 10 s per request).
  const std::string endpoint = "ipc://" + root_ + "/silent.sock";
  zmq::context_t context(1);
  auto peer = std::make_unique<zmq::socket_t>(context, zmq::socket_type::router);
  peer->set(zmq::sockopt::linger, 0);
  peer->bind(endpoint);
  ClientOptions options;
  options.endpoints = {endpoint};
  options.timeout = std::chrono::milliseconds(600000);
  options.retries = 3;
  Client client(options);
  std::thread closer([&] {
    zmq::message_t identity;
    zmq::message_t request;
    ASSERT_TRUE(peer->recv(identity).has_value());
    ASSERT_TRUE(peer->recv(request).has_value());
    peer->close();
  });
  auto reply = client.Call("daemon.status", json::object());
  closer.join();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Code::kUnavailable);
  EXPECT_NE(reply.status().message().find("not running"), std::string::npos)
      << reply.status().message();
}

}  // namespace
}  // namespace mart::testing
