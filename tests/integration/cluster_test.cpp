// Two martd on one PostgreSQL store (README "Running several martd"), in
// process, each with its own data dir and endpoint: the signing key they must
// share, tokens and idempotency keys that hold across them, login limits
// counted together, one live feed carrying every instance's events in order,
// and daemon.status naming the instances. Runs in the pg set only: an SQLite
// file has one martd.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "daemon_fixture.h"
#include "mart/paths.h"

namespace mart::testing {
namespace {

using nlohmann::json;

class ClusterTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    if (options_.store.empty()) GTEST_SKIP() << "several martd need a PostgreSQL store";
    second_ = options_;
    second_.data_dir = root_ + "/b";
    second_.listen = "ipc://" + root_ + "/b/run/martd.sock";
    second_.signing_key = options_.data_dir + "/signing.key";  // the cluster's key
    b_ = std::make_unique<daemon::Daemon>(second_, &clock_);
    Status started = b_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  void TearDown() override {
    b_.reset();
    DaemonTest::TearDown();
  }

  std::unique_ptr<Client> ClientOf(const daemon::DaemonOptions& options) {
    ClientOptions client;
    client.endpoints = {options.listen};
    client.timeout = std::chrono::milliseconds(10000);
    client.retries = 0;
    return std::make_unique<Client>(client);
  }

  static std::string CookieOf(const daemon::DaemonOptions& options) {
    std::ifstream in(options.data_dir + "/cookie");
    std::string cookie;
    std::getline(in, cookie);
    return std::string(kCookieAuthPrefix) + cookie;
  }

  Result<json> CallB(std::string_view method, json params, const std::string& auth,
                     const std::string& key = "", const std::string& source = "") {
    if (!client_b_) client_b_ = ClientOf(second_);
    return client_b_->Call(method, params,
                           CallOptions{.auth = auth, .idempotency_key = key,
                                       .forwarded_for = source});
  }

  daemon::DaemonOptions second_;
  std::unique_ptr<daemon::Daemon> b_;
  std::unique_ptr<Client> client_b_;
};

TEST_F(ClusterTest, ATokenMintedByOneInstanceVerifiesOnTheOther) {
  const std::string token = RegisterAndLogin("ann@example.com");
  auto me = CallB("profile.show", json::object(), token);
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ((*me)["email"], "ann@example.com");
}

TEST_F(ClusterTest, AnInstanceWithAnotherSigningKeyIsRefused) {
  daemon::DaemonOptions third = options_;
  third.data_dir = root_ + "/c";
  third.listen = "ipc://" + root_ + "/c/run/martd.sock";
  daemon::Daemon c(third, &clock_);  // makes a signing key of its own
  Status started = c.Start();
  ASSERT_EQ(started.code(), Code::kFailedPrecondition) << started.ToString();
  EXPECT_NE(started.message().find("--signing-key"), std::string::npos) << started.message();
  EXPECT_NE(started.message().find("fingerprint"), std::string::npos) << started.message();
  // The key itself is never in the message, only its one-way fingerprint.
  std::ifstream in(third.data_dir + "/signing.key", std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(key.size(), 32u);
  EXPECT_EQ(started.message().find(key), std::string::npos);
}

TEST_F(ClusterTest, ASigningKeyFileOthersMayReadIsRefused) {
  const std::string loose = root_ + "/loose.key";
  {
    std::ofstream out(loose, std::ios::binary);
    out << std::string(32, 'k');
  }
  ::chmod(loose.c_str(), 0644);
  daemon::DaemonOptions third = options_;
  third.data_dir = root_ + "/c";
  third.listen = "ipc://" + root_ + "/c/run/martd.sock";
  third.signing_key = loose;
  daemon::Daemon c(third, &clock_);
  Status started = c.Start();
  EXPECT_EQ(started.code(), Code::kFailedPrecondition) << started.ToString();
  EXPECT_NE(started.message().find("chmod 600"), std::string::npos) << started.message();
}

// Two instances racing one idempotency key: one effect, the other replays.
TEST_F(ClusterTest, AnIdempotencyKeyHoldsAcrossInstances) {
  const json product = {{"name", "Kettle"}, {"category", "Kitchen"}, {"price", 30},
                        {"quantity", 5}};
  auto first = Call("product.create", product, Cookie(), "same-key-1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // The operator is one principal on every instance, so the key's scope matches.
  auto again = CallB("product.create", product, CookieOf(second_), "same-key-1");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)["id"], (*first)["id"]);
  auto listed = CallB("product.list", json::object(), "");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), 1u) << listed->dump();
}

// Five wrong passwords from one source through A lock that source out on B
// as well: spreading guesses over instances gains nothing.
TEST_F(ClusterTest, LoginLimitsAreCountedAcrossInstances) {
  RegisterAndLogin("ann@example.com");
  const std::string stranger = "203.0.113.9";
  for (int i = 0; i < 5; ++i) {
    auto wrong = NewClient()->Call("auth.login",
                                   {{"email", "ann@example.com"}, {"password", "wrong-guess"}},
                                   CallOptions{.auth = "", .idempotency_key = "",
                                               .forwarded_for = stranger});
    ASSERT_EQ(wrong.status().code(), Code::kUnauthenticated) << wrong.status().ToString();
  }
  auto on_b = CallB("auth.login", {{"email", "ann@example.com"}, {"password", "Password123"}},
                    "", "", stranger);
  EXPECT_EQ(on_b.status().code(), Code::kRateLimited) << on_b.status().ToString();
  // The owner, from elsewhere, still logs in through either.
  auto owner = CallB("auth.login", {{"email", "ann@example.com"}, {"password", "Password123"}},
                     "", "", "198.51.100.7");
  EXPECT_TRUE(owner.ok()) << owner.status().ToString();
  // An admin's unlock through B clears what A counted (ann is user 1).
  auto unlocked = CallB("user.unlock", {{"id", 1}}, CookieOf(second_));
  ASSERT_TRUE(unlocked.ok()) << unlocked.status().ToString();
  auto after_unlock = NewClient()->Call(
      "auth.login", {{"email", "ann@example.com"}, {"password", "Password123"}},
      CallOptions{.auth = "", .idempotency_key = "", .forwarded_for = stranger});
  EXPECT_TRUE(after_unlock.ok()) << after_unlock.status().ToString();
}

TEST_F(ClusterTest, StatusNamesEveryInstance) {
  auto status = Call("daemon.status", json::object(), Cookie());
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  const json& instances = (*status)["cluster"]["instances"];
  ASSERT_EQ(instances.size(), 2u) << status->dump();
  int self = 0;
  for (const json& instance : instances) {
    if (instance["is_self"].get<bool>()) {
      ++self;
      EXPECT_EQ(instance["id"], (*status)["instance"]["id"]);
      EXPECT_EQ(instance["endpoint"], options_.listen);
    } else {
      EXPECT_EQ(instance["endpoint"], second_.listen);
    }
  }
  EXPECT_EQ(self, 1);
  // Anyone learns which instance answered, not where the others run.
  auto anonymous = CallB("daemon.status", json::object(), "");
  ASSERT_TRUE(anonymous.ok()) << anonymous.status().ToString();
  EXPECT_TRUE((*anonymous)["instance"].contains("id"));
  EXPECT_FALSE(anonymous->contains("cluster"));
  EXPECT_NE((*anonymous)["instance"]["id"], (*status)["instance"]["id"]);
}

// Each instance's live feed carries the events committed through either, in
// seq order, without a gap: A's own commits, and B's heard and read from the log.
TEST_F(ClusterTest, EveryInstancesFeedCarriesEveryEventInOrder) {
  zmq::context_t context(1);
  std::vector<zmq::socket_t> subscribers;
  for (const auto* options : {&options_, &second_}) {
    subscribers.emplace_back(context, zmq::socket_type::sub);
    subscribers.back().set(zmq::sockopt::linger, 0);
    subscribers.back().set(zmq::sockopt::subscribe, "");
    subscribers.back().connect(EventsEndpointFor(options->listen));
  }
  // A subscriber joins asynchronously: probe through A until both hear one.
  std::vector<int64_t> next(2, 0);
  for (int i = 0; i < 400 && (next[0] == 0 || next[1] == 0); ++i) {
    auto probe = Call("events.publish", {{"topic", "test.probe"}, {"data", json::object()}},
                      Cookie());
    ASSERT_TRUE(probe.ok()) << probe.status().ToString();
    for (size_t s = 0; s < 2; ++s) {
      subscribers[s].set(zmq::sockopt::rcvtimeo, 10);
      std::vector<zmq::message_t> parts;
      while (zmq::recv_multipart(subscribers[s], std::back_inserter(parts))) {
        next[s] = std::stoll(parts[2].to_string()) + 1;
        parts.clear();
      }
    }
  }
  ASSERT_GT(next[0], 0);
  ASSERT_GT(next[1], 0);
  // Then events through both, interleaved.
  for (int i = 0; i < 20; ++i) {
    auto published =
        i % 2 == 0 ? Call("events.publish", {{"topic", "test.a"}, {"data", {{"i", i}}}}, Cookie())
                   : CallB("events.publish", {{"topic", "test.b"}, {"data", {{"i", i}}}},
                           CookieOf(second_));
    ASSERT_TRUE(published.ok()) << published.status().ToString();
  }
  auto logged = Call("events.read", {{"after", 0}, {"limit", 1000}}, Cookie());
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  const int64_t last = (*logged)["last_seq"].get<int64_t>();
  for (size_t s = 0; s < 2; ++s) {
    subscribers[s].set(zmq::sockopt::rcvtimeo, 10000);
    int a = 0;
    int b = 0;
    while (next[s] <= last) {
      std::vector<zmq::message_t> parts;
      ASSERT_TRUE(zmq::recv_multipart(subscribers[s], std::back_inserter(parts)))
          << "subscriber " << s << " heard nothing after seq " << next[s] - 1;
      ASSERT_EQ(parts.size(), 3u);
      const int64_t seq = std::stoll(parts[2].to_string());
      if (seq < next[s]) continue;  // a probe heard late
      ASSERT_EQ(seq, next[s]) << "subscriber " << s << ": a gap";
      const std::string topic = parts[0].to_string();
      a += topic == "test.a";
      b += topic == "test.b";
      ++next[s];
    }
    EXPECT_EQ(a, 10) << "subscriber " << s;
    EXPECT_EQ(b, 10) << "subscriber " << s;
  }
}

// Eight clients, half on each instance, race for 3 products x 20 units with
// cancels and restocks through both. Every write, the workers' included, runs
// under the store's one writer lock, so afterwards admin.check finds the
// stock invariant, the holds and every order's stock consistent (each event
// applied once, by whichever instance's worker), nothing is oversold, every
// acknowledged order is there, and the log is gap-free. A fixed number of
// calls, no timing.
TEST_F(ClusterTest, OrdersRacingThroughBothInstancesNeverOversell) {
  std::vector<std::string> products;
  for (const char* name : {"Kettle", "Toaster", "Blender"}) {
    auto created = Call("product.create", {{"name", name}, {"category", "Kitchen"},
                                           {"price", 30}, {"quantity", 20}},
                        Cookie());
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    products.push_back((*created)["id"].get<std::string>());
  }
  constexpr int kClients = 8;
  std::vector<std::string> tokens;
  for (int i = 0; i < kClients; ++i) {
    tokens.push_back(RegisterAndLogin("buyer" + std::to_string(i) + "@example.com"));
  }
  const json address = {{"line1", "1 Main St"}, {"city", "Town"}, {"postal_code", "111"},
                        {"country", "Land"}};
  const std::string cookies[2] = {Cookie(), CookieOf(second_)};
  std::mutex mutex;
  std::vector<std::string> acked;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto client = ClientOf(t % 2 == 0 ? options_ : second_);
      std::mt19937 random(static_cast<unsigned>(t + 1));
      std::vector<std::string> mine;
      for (int op = 0; op < 30; ++op) {
        const std::string& product = products[random() % products.size()];
        Result<json> reply = json();
        if (op % 10 == 9) {
          reply = client->Call("inventory.adjust", {{"product_id", product}, {"delta", 2},
                                                    {"reason", "restock"}},
                               CallOptions{.auth = cookies[t % 2]});
        } else if (op % 5 == 4 && !mine.empty()) {
          reply = client->Call("order.cancel", {{"id", mine[random() % mine.size()]}},
                               CallOptions{.auth = tokens[t]});
          if (reply.status().code() == Code::kFailedPrecondition) reply = json();  // ended already
        } else {
          json items = {{{"product_id", product}, {"quantity", 1 + random() % 3}}};
          reply = client->Call("order.place", {{"items", items}, {"shipping_address", address}},
                               CallOptions{.auth = tokens[t]});
          if (reply.ok()) mine.push_back((*reply)["id"].get<std::string>());
        }
        if (!reply.ok()) {
          std::lock_guard lock(mutex);
          failures.push_back(reply.status().ToString());
        }
      }
      std::lock_guard lock(mutex);
      acked.insert(acked.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " calls failed, the first: "
                                << failures.front();
  ASSERT_GT(acked.size(), 100u);

  // Until the workers are done (a bound only a hung daemon reaches).
  bool drained = false;
  for (int i = 0; i < 2000 && !drained; ++i) {
    auto queues = Call("queue.list", json::object(), Cookie());
    auto pending = Call("order.list", {{"status", "pending"}, {"limit", 1}}, Cookie());
    ASSERT_TRUE(queues.ok() && pending.ok());
    drained = pending->empty();
    for (const json& row : *queues) drained = drained && row["lag"] == 0;
    if (!drained) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(drained) << "the workers never drained";

  for (const std::string& auth : cookies) {
    auto report = auth == cookies[0] ? Call("admin.check", json::object(), auth)
                                     : CallB("admin.check", json::object(), auth);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ((*report)["ok"], true) << report->dump(2);
  }
  for (const std::string& product : products) {
    auto stock = CallB("inventory.get", {{"product_id", product}}, cookies[1]);
    ASSERT_TRUE(stock.ok()) << stock.status().ToString();
    EXPECT_GE((*stock)["available_quantity"].get<int64_t>(), 0);
    EXPECT_GE((*stock)["reserved_quantity"].get<int64_t>(), 0);
  }
  for (const std::string& id : acked) {
    auto order = CallB("order.get", {{"id", id}}, cookies[1]);
    EXPECT_TRUE(order.ok()) << id << ": " << order.status().ToString();
  }
  int64_t expected = 1;
  for (bool more = true; more;) {
    auto page = Call("events.read", {{"after", expected - 1}, {"limit", 1000}}, Cookie());
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const json& event : (*page)["events"]) {
      ASSERT_EQ(event["seq"].get<int64_t>(), expected) << "the log has a gap";
      ++expected;
    }
    more = !(*page)["events"].empty();
  }
}

}  // namespace
}  // namespace mart::testing
