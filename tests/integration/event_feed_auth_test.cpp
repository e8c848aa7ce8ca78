// The live feed over tcp:// (CURVE) gives events only to a connection that
// proved, with events.subscribe, the identity events.read needs: anonymous
// callers and users get nothing (the old PORT+1 PUB socket handed every event
// to anyone holding the server's public key), an admin gets every event, a
// topic glob filters, and an admin demoted meanwhile loses the feed at the
// next renewal. "Gets nothing" is decided without timing: once a subscriber
// has an event, a round trip on any other connection returns after the
// socket thread pushed that event everywhere, and a push travels ahead of the
// reply on its connection, so Call would have kept it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "daemon_fixture.h"

namespace mart::testing {
namespace {

using nlohmann::json;

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

class EventFeedAuthTest : public DaemonTest {
 protected:
  void SetUp() override {
    root_ = temp_.path();
    options_.data_dir = root_ + "/data";
    options_.listen = "tcp://127.0.0.1:" + std::to_string(FreeLoopbackPort());
    options_.auth.password_cost = PasswordCost::kMinimum;
    StartDaemon();
    if (HasFatalFailure()) return;
    std::ifstream pub(options_.data_dir + "/curve.pub");
    std::getline(pub, server_key_);
    client_ = Remote();  // the fixture's own calls go over CURVE too
    admin_token_ = RegisterAndLogin("admin@example.com");  // the first user: an admin
    user_token_ = RegisterAndLogin("user@example.com");
  }

  // A new connection over CURVE, like a remote martctl.
  std::unique_ptr<Client> Remote() {
    ClientOptions options;
    options.endpoints = {options_.listen};
    options.server_key = server_key_;
    options.timeout = std::chrono::milliseconds(10000);
    options.retries = 0;
    return std::make_unique<Client>(options);
  }

  Result<json> On(Client& client, std::string_view method, json params, std::string auth) {
    return client.Call(method, params, CallOptions{std::move(auth), ""});
  }

  // Publishes an event and returns its seq.
  int64_t Publish(const std::string& topic) {
    auto published = Call("events.publish", {{"topic", topic}, {"data", {{"n", 1}}}}, Cookie());
    EXPECT_TRUE(published.ok()) << published.status().ToString();
    return published.ok() ? (*published)["seq"].get<int64_t>() : 0;
  }

  // Whether `client` holds no pushed event after a round trip of its own.
  bool GotNothing(Client& client) {
    auto status = On(client, "daemon.status", json::object(), "");
    EXPECT_TRUE(status.ok()) << status.status().ToString();
    return !client.NextEvent(std::chrono::milliseconds(0)).has_value();
  }

  std::string server_key_;
  std::string admin_token_;
  std::string user_token_;
};

TEST_F(EventFeedAuthTest, OnlyAnAdminSubscriberReceivesEvents) {
  auto status = Call("daemon.status", json::object(), "");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ((*status)["events_endpoint"], "") << "no unauthenticated PUB socket on tcp";

  auto anonymous = Remote();
  auto user = Remote();
  auto admin = Remote();
  auto refused = On(*anonymous, "events.subscribe", json::object(), "");
  EXPECT_EQ(refused.status().code(), Code::kUnauthenticated);
  refused = On(*user, "events.subscribe", json::object(), user_token_);
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied);
  auto terms = On(*admin, "events.subscribe", json::object(), admin_token_);
  ASSERT_TRUE(terms.ok()) << terms.status().ToString();
  EXPECT_GT((*terms)["lease_ms"].get<int64_t>(), 0);
  EXPECT_LE((*terms)["lease_ms"].get<int64_t>(), 60000);

  // A registration carries an e-mail: exactly what must not leak.
  RegisterAndLogin("carol@example.com");
  const int64_t seq = Publish("test.secret");
  bool seen = false;
  for (int i = 0; i < 20 && !seen; ++i) {
    auto event = admin->NextEvent(std::chrono::milliseconds(10000));
    ASSERT_TRUE(event.has_value()) << "the admin's feed stopped";
    EXPECT_EQ(json::parse(event->body)["seq"], std::stoll(event->seq));
    seen = event->seq == std::to_string(seq);
  }
  EXPECT_TRUE(seen) << "the admin received event " << seq;
  EXPECT_TRUE(GotNothing(*anonymous));
  EXPECT_TRUE(GotNothing(*user));
}

TEST_F(EventFeedAuthTest, TheOperatorCookieAndATopicGlobWork) {
  auto feed = Remote();
  auto terms = On(*feed, "events.subscribe", {{"topic", "test.b*"}}, Cookie());
  ASSERT_TRUE(terms.ok()) << terms.status().ToString();
  EXPECT_EQ((*terms)["topic"], "test.b*");
  Publish("test.a");
  const int64_t wanted = Publish("test.b");
  auto event = feed->NextEvent(std::chrono::milliseconds(10000));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->topic, "test.b");
  EXPECT_EQ(event->seq, std::to_string(wanted));
}

TEST_F(EventFeedAuthTest, ADemotedAdminLosesTheFeedAtTheNextRenewal) {
  auto me = Call("auth.whoami", json::object(), user_token_);
  ASSERT_TRUE(me.ok());
  const json id = (*me)["id"];
  ASSERT_TRUE(Call("user.set_role", {{"id", id}, {"role", "admin"}}, Cookie()).ok());
  auto demoted = Remote();
  auto watcher = Remote();
  ASSERT_TRUE(On(*demoted, "events.subscribe", json::object(), user_token_).ok());
  ASSERT_TRUE(On(*watcher, "events.subscribe", json::object(), Cookie()).ok());
  ASSERT_TRUE(Call("user.set_role", {{"id", id}, {"role", "user"}}, Cookie()).ok());

  auto renewal = On(*demoted, "events.subscribe", json::object(), user_token_);
  EXPECT_EQ(renewal.status().code(), Code::kPermissionDenied);
  while (demoted->NextEvent(std::chrono::milliseconds(0))) {
  }  // events from before the demotion
  const int64_t seq = Publish("test.after");
  bool seen = false;
  while (!seen) {
    auto event = watcher->NextEvent(std::chrono::milliseconds(10000));
    ASSERT_TRUE(event.has_value());
    seen = event->seq == std::to_string(seq);
  }
  EXPECT_TRUE(GotNothing(*demoted));
}

}  // namespace
}  // namespace mart::testing
