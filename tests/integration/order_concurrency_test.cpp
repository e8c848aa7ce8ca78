// Orders through a real in-process daemon: many clients racing for the last
// units, retries with one idempotency key, a paused worker, and who may do
// what. No timing assumptions: threads make a fixed number of calls, and
// waiting for the workers polls the daemon until they are done (with a bound
// that only a hung daemon reaches).
#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "daemon_fixture.h"

namespace mart::testing {
namespace {

using nlohmann::json;

json InlineAddress() {
  return {{"line1", "123 Example Street"}, {"line2", "Apt 4B"}, {"city", "Example City"},
          {"state", "EX"}, {"postal_code", "12345"}, {"country", "Example Country"}};
}

json OneLine(const std::string& product_id, int64_t quantity) {
  return {{"items", {{{"product_id", product_id}, {"quantity", quantity}}}},
          {"shipping_address", InlineAddress()}};
}

class OrderConcurrencyTest : public DaemonTest {
 protected:
  std::string CreateProduct(const std::string& name, double price, int64_t quantity) {
    auto created = Call("product.create", {{"name", name}, {"category", "Electronics"},
                                           {"price", price}, {"quantity", quantity}},
                        Cookie());
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? (*created)["id"].get<std::string>() : std::string();
  }

  // Registers and logs in; the user's id and access token.
  std::pair<int64_t, std::string> NewUser(Client& client, const std::string& email) {
    auto registered = client.Call("auth.register", {{"email", email}, {"password", "Password123"},
                                                    {"first_name", "Test"}, {"last_name", "User"}});
    if (!registered.ok()) return {0, registered.status().ToString()};
    auto tokens = client.Call("auth.login", {{"email", email}, {"password", "Password123"}});
    if (!tokens.ok()) return {0, tokens.status().ToString()};
    return {(*registered)["id"].get<int64_t>(), (*tokens)["access_token"].get<std::string>()};
  }

  json Must(Result<json> result, const std::string& what) {
    EXPECT_TRUE(result.ok()) << what << ": " << result.status().ToString();
    return result.ok() ? *result : json();
  }

  json Queue(const std::string& worker) {
    for (const json& row : Must(Call("queue.list", json::object(), Cookie()), "queue.list")) {
      if (row["worker"] == worker) return row;
    }
    return nullptr;
  }

  // Polls until the inventory and orders workers have nothing left and no
  // order is pending. False only if that never happens.
  bool WaitForWorkers() {
    for (int i = 0; i < 2000; ++i) {
      bool idle = true;
      for (const json& row : Must(Call("queue.list", json::object(), Cookie()), "queue.list")) {
        idle = idle && row["lag"] == 0;
      }
      auto pending = Call("order.list", {{"status", "pending"}, {"limit", 1}}, Cookie());
      if (idle && pending.ok() && pending->empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  // Every order, newest first.
  json AllOrders() { return Must(Call("order.list", {{"limit", 1000}}, Cookie()), "order.list"); }

  json Stock(const std::string& product_id) {
    return Must(Call("inventory.get", {{"product_id", product_id}}, Cookie()), "inventory.get");
  }

  void ExpectCheckOk() {
    json report = Must(Call("admin.check", json::object(), Cookie()), "admin.check");
    EXPECT_EQ(report["ok"], true) << report.dump(2);
  }
};

constexpr int kBuyers = 50;
constexpr int64_t kLastUnits = 10;

// What one buyer thread saw; checked on the main thread after the join.
struct Buyer {
  int64_t user_id = 0;
  std::string token;
  std::string order_id;
  std::string problem;
};

TEST_F(OrderConcurrencyTest, FiftyBuyersForTheLastTenUnitsNeverOversell) {
  Must(Call("auth.register", {{"email", "boss@example.com"}, {"password", "Password123"},
                              {"first_name", "Boss"}, {"last_name", "Admin"}}),
       "the first account, admin");
  const std::string product = CreateProduct("Limited Edition", 99.99, kLastUnits);
  ASSERT_FALSE(product.empty());
  const std::string cookie = Cookie();

  std::vector<Buyer> buyers(kBuyers);
  std::latch ready(kBuyers);
  std::vector<std::thread> threads;
  for (int t = 0; t < kBuyers; ++t) {
    threads.emplace_back([&, t] {
      Buyer& buyer = buyers[t];
      auto client = NewClient();
      auto [id, token] = NewUser(*client, "buyer" + std::to_string(t) + "@example.com");
      buyer.user_id = id;
      buyer.token = token;
      ready.arrive_and_wait();  // everyone places at once
      if (id == 0) {
        buyer.problem = "register: " + token;
        return;
      }
      // Half order for themselves, half are ordered for by the operator.
      json params = OneLine(product, 1);
      std::string auth = token;
      if (t % 2 == 1) {
        params["user_id"] = id;
        auth = cookie;
      }
      auto placed = client->Call("order.place", params, CallOptions{auth, ""});
      if (!placed.ok()) {
        buyer.problem = "place: " + placed.status().ToString();
        return;
      }
      buyer.order_id = (*placed)["id"].get<std::string>();
      if ((*placed)["user_id"] != id) buyer.problem = "placed for the wrong user: " + placed->dump();
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Buyer& buyer : buyers) {
    ASSERT_TRUE(buyer.problem.empty()) << buyer.problem;
  }
  ASSERT_TRUE(WaitForWorkers());

  int processing = 0, cancelled = 0;
  std::map<std::string, int> seen;
  for (const Buyer& buyer : buyers) {
    // Each buyer sees their own order.
    json order = Must(client_->Call("order.get", {{"id", buyer.order_id}},
                                    CallOptions{buyer.token, ""}),
                      "order.get");
    ++seen[order["id"].get<std::string>()];
    EXPECT_EQ(order["user_id"], buyer.user_id);
    if (order["status"] == "processing") {
      ++processing;
      EXPECT_EQ(order["stock"], "reserved");
      EXPECT_TRUE(order["reason"].is_null());
    } else {
      EXPECT_EQ(order["status"], "cancelled") << order.dump();
      ++cancelled;
      EXPECT_EQ(order["stock"], "failed");
      ASSERT_TRUE(order["reason"].is_string()) << order.dump();
      const std::string reason = order["reason"];
      EXPECT_NE(reason.find("insufficient stock"), std::string::npos) << reason;
      EXPECT_NE(reason.find(product), std::string::npos) << reason;
      EXPECT_NE(reason.find("requested 1, available 0"), std::string::npos) << reason;
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kBuyers));  // one distinct order each
  EXPECT_EQ(processing, kLastUnits);
  EXPECT_EQ(cancelled, kBuyers - kLastUnits);
  EXPECT_EQ(AllOrders().size(), static_cast<size_t>(kBuyers));

  json stock = Stock(product);
  EXPECT_EQ(stock["available_quantity"], 0);
  EXPECT_EQ(stock["reserved_quantity"], kLastUnits);
  ExpectCheckOk();
}

TEST_F(OrderConcurrencyTest, ARetriedPlaceWithOneKeyCreatesOneOrder) {
  const std::string product = CreateProduct("Smart Watch", 179.99, 75);
  const std::string token = RegisterAndLogin("ann@example.com");
  json params = OneLine(product, 2);
  auto client = NewClient();
  const CallOptions options{token, "retry-key-1"};
  json first = Must(client->Call("order.place", params, options), "first");
  // A second client stands in for martctl retrying after a timeout.
  json second = Must(NewClient()->Call("order.place", params, options), "retry");
  EXPECT_EQ(second["id"], first["id"]);
  EXPECT_EQ(second, first);  // the original reply, replayed
  ASSERT_TRUE(WaitForWorkers());
  EXPECT_EQ(Must(Call("order.list", json::object(), token), "list").size(), 1u);
  EXPECT_EQ(Stock(product)["reserved_quantity"], 2);  // reserved once

  json other = OneLine(product, 3);
  auto reused = client->Call("order.place", other, options);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Must(Call("order.list", json::object(), token), "list").size(), 1u);

  // A failed request does not burn its key.
  json wrong_price = params;
  wrong_price["items"][0]["price"] = 150.00;
  auto refused = client->Call("order.place", wrong_price, CallOptions{token, "retry-key-2"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  json right_price = params;
  right_price["items"][0]["price"] = 179.99;
  EXPECT_TRUE(client->Call("order.place", right_price, CallOptions{token, "retry-key-2"}).ok());
  ASSERT_TRUE(WaitForWorkers());
  EXPECT_EQ(Must(Call("order.list", json::object(), token), "list").size(), 2u);
}

class OrderResilienceTest : public OrderConcurrencyTest {
 protected:
  // On a fresh product of 5 units: b (3 units) is reserved; then a (2) is
  // placed, b cancelled and d (4) placed — with the inventory worker paused
  // over those three steps or not. The orders' statuses and stock states and
  // the product's stock at the end.
  json RunScript(bool pause) {
    const std::string product = CreateProduct(pause ? "Paused" : "Control", 10.00, 5);
    auto place = [&](int64_t quantity) {
      json params = OneLine(product, quantity);
      params["user_id"] = user_id_;
      return Must(Call("order.place", params, Cookie()), "place")["id"].get<std::string>();
    };
    auto status_of = [&](const std::string& id) {
      return Must(Call("order.get", {{"id", id}}, Cookie()), "get");
    };
    const std::string b = place(3);
    EXPECT_TRUE(WaitForWorkers());
    EXPECT_EQ(status_of(b)["status"], "processing");
    if (pause) {
      json paused = Must(Call("worker.pause", {{"worker", "inventory"}}, Cookie()), "pause");
      EXPECT_EQ(paused["state"], "paused");
    }
    const std::string a = place(2);
    if (pause) {
      EXPECT_EQ(status_of(a)["status"], "pending");
      EXPECT_EQ(Queue("inventory")["lag"], 1);
      EXPECT_EQ(Queue("inventory")["state"], "paused");
    }
    json cancelled = Must(Call("order.cancel", {{"id", b}, {"reason", "changed my mind"}},
                               Cookie()),
                          "cancel");
    EXPECT_EQ(cancelled["status"], "cancelled");
    const std::string d = place(4);
    if (pause) {
      EXPECT_EQ(Queue("inventory")["lag"], 3);
      EXPECT_EQ(status_of(a)["status"], "pending");
      EXPECT_EQ(status_of(d)["status"], "pending");
      EXPECT_EQ(Stock(product)["reserved_quantity"], 3);  // b's units wait for the worker
      json resumed = Must(Call("worker.resume", {{"worker", "inventory"}}, Cookie()), "resume");
      EXPECT_NE(resumed["state"], "paused");
    }
    EXPECT_TRUE(WaitForWorkers());
    EXPECT_EQ(Queue("inventory")["lag"], 0);
    json outcome = {{"statuses", json::array()}, {"stocks", json::array()}};
    for (const std::string& id : {b, a, d}) {
      json order = status_of(id);
      outcome["statuses"].push_back(order["status"]);
      outcome["stocks"].push_back(order["stock"]);
    }
    json stock = Stock(product);
    outcome["available"] = stock["available_quantity"];
    outcome["reserved"] = stock["reserved_quantity"];
    return outcome;
  }

  void SetUp() override {
    OrderConcurrencyTest::SetUp();
    RegisterAndLogin("boss@example.com");
    auto registered = Call("auth.register", {{"email", "ann@example.com"},
                                             {"password", "Password123"},
                                             {"first_name", "Ann"}, {"last_name", "Lee"}});
    ASSERT_TRUE(registered.ok()) << registered.status().ToString();
    user_id_ = (*registered)["id"].get<int64_t>();
  }

  int64_t user_id_ = 0;
};

TEST_F(OrderResilienceTest, PausingTheInventoryWorkerChangesNothingButWhen) {
  json control = RunScript(false);
  // Worked out by hand: a (2) fits in what b left (2 of 5); b's cancel
  // frees 3, which is still short of d's 4.
  const json expected = {{"statuses", {"cancelled", "processing", "cancelled"}},
                         {"stocks", {"released", "reserved", "failed"}},
                         {"available", 3},
                         {"reserved", 2}};
  EXPECT_EQ(control, expected);
  json paused = RunScript(true);
  EXPECT_EQ(paused, control);
  ExpectCheckOk();
}

TEST_F(OrderResilienceTest, APausedWorkerStaysPausedAcrossARestart) {
  const std::string product = CreateProduct("Smart Watch", 179.99, 75);
  Must(Call("worker.pause", {{"worker", "inventory"}}, Cookie()), "pause");
  json params = OneLine(product, 1);
  params["user_id"] = user_id_;
  const std::string id =
      Must(Call("order.place", params, Cookie()), "place")["id"].get<std::string>();
  client_.reset();
  RestartDaemon();
  EXPECT_EQ(Queue("inventory")["state"], "paused");
  EXPECT_EQ(Queue("inventory")["lag"], 1);
  EXPECT_EQ(Must(Call("order.get", {{"id", id}}, Cookie()), "get")["status"], "pending");
  Must(Call("worker.resume", {{"worker", "inventory"}}, Cookie()), "resume");
  ASSERT_TRUE(WaitForWorkers());
  EXPECT_EQ(Must(Call("order.get", {{"id", id}}, Cookie()), "get")["status"], "processing");
  EXPECT_EQ(Stock(product)["reserved_quantity"], 1);
}

class OrderAuthorizationTest : public OrderConcurrencyTest {
 protected:
  void SetUp() override {
    OrderConcurrencyTest::SetUp();
    admin_ = RegisterAndLogin("boss@example.com");  // the first account is admin
    ann_ = RegisterAndLogin("ann@example.com");
    bob_ = RegisterAndLogin("bob@example.com");
    product_ = CreateProduct("Smart Watch", 179.99, 75);
    order_ = Must(Call("order.place", OneLine(product_, 1), ann_), "place")["id"].get<std::string>();
    ASSERT_TRUE(WaitForWorkers());
  }

  Code CodeOf(std::string_view method, json params, const std::string& auth) {
    auto reply = Call(method, std::move(params), auth);
    return reply.ok() ? Code::kOk : reply.status().code();
  }

  std::string admin_, ann_, bob_, product_, order_;
};

TEST_F(OrderAuthorizationTest, UsersCannotReachOtherUsersOrders) {
  EXPECT_EQ(CodeOf("order.get", {{"id", order_}}, bob_), Code::kNotFound);
  EXPECT_EQ(CodeOf("order.history", {{"id", order_}}, bob_), Code::kNotFound);
  EXPECT_EQ(CodeOf("order.cancel", {{"id", order_}}, bob_), Code::kNotFound);
  EXPECT_EQ(CodeOf("order.status", {{"id", order_}, {"status", "cancelled"}}, bob_),
            Code::kNotFound);
  EXPECT_TRUE(Must(Call("order.list", json::object(), bob_), "bob's list").empty());
  EXPECT_EQ(CodeOf("order.list", {{"user_id", 2}}, bob_), Code::kPermissionDenied);
  json order = Must(Call("order.get", {{"id", order_}}, ann_), "ann's order");
  EXPECT_EQ(order["status"], "processing");  // nothing bob tried changed it
  EXPECT_EQ(Must(Call("order.history", {{"id", order_}}, ann_), "history").size(), 2u);
}

TEST_F(OrderAuthorizationTest, OwnersMayOnlyCancelAdminsMaySetAnyStatus) {
  for (const char* status : {"paid", "shipped", "refunded", "delivered"}) {
    EXPECT_EQ(CodeOf("order.status", {{"id", order_}, {"status", status}}, ann_),
              Code::kPermissionDenied)
        << status;
  }
  EXPECT_EQ(Must(Call("order.get", {{"id", order_}}, ann_), "get")["status"], "processing");
  EXPECT_EQ(Must(Call("order.status", {{"id", order_}, {"status", "paid"}}, admin_), "pay")["status"],
            "paid");
  EXPECT_EQ(Must(Call("order.cancel", {{"id", order_}}, ann_), "cancel")["status"], "cancelled");
  ASSERT_TRUE(WaitForWorkers());
  EXPECT_EQ(Stock(product_)["reserved_quantity"], 0);
  EXPECT_EQ(Stock(product_)["available_quantity"], 75);
}

TEST_F(OrderAuthorizationTest, QueueWorkerDlqEventAndAdminMethodsRefuseUsers) {
  const std::vector<std::pair<std::string, json>> calls = {
      {"queue.list", json::object()},
      {"worker.list", json::object()},
      {"worker.pause", {{"worker", "inventory"}}},
      {"worker.resume", {{"worker", "inventory"}}},
      {"dlq.list", json::object()},
      {"dlq.show", {{"id", 1}}},
      {"dlq.retry", {{"id", 1}}},
      {"dlq.purge", {{"all", true}}},
      {"events.read", json::object()},
      {"events.publish", {{"topic", "erp.synced"}}},
      {"admin.check", json::object()},
  };
  for (const auto& [method, params] : calls) {
    EXPECT_EQ(CodeOf(method, params, ann_), Code::kPermissionDenied) << method;
    EXPECT_EQ(CodeOf(method, params, ""), Code::kUnauthenticated) << method;
  }
  // None of it happened.
  EXPECT_EQ(Queue("inventory")["state"], "idle");
  json events = Must(Call("events.read", {{"topic", "erp.*"}}, Cookie()), "events");
  EXPECT_TRUE(events["events"].empty());
  // The same calls work for an admin.
  EXPECT_EQ(CodeOf("queue.list", json::object(), admin_), Code::kOk);
  EXPECT_EQ(CodeOf("events.read", json::object(), admin_), Code::kOk);
}

}  // namespace
}  // namespace mart::testing
