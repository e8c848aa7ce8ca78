// Refunds through a real in-process daemon while every route that ends a paid
// order races: the owner cancels, an admin refunds, and the orders worker
// cancels for lack of stock once the inventory worker resumes, all at once.
// Each payment is refunded exactly once, with one payment.refunded event and
// one notification, and `admin check` holds. No timing assumptions: threads
// make a fixed number of calls, and waiting for the workers polls the daemon
// until they are done (with a bound that only a hung daemon reaches).
#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon_fixture.h"

namespace mart::testing {
namespace {

using nlohmann::json;

constexpr int kOrders = 12;

class RefundConcurrencyTest : public DaemonTest {
 protected:
  json Must(Result<json> result, const std::string& what) {
    EXPECT_TRUE(result.ok()) << what << ": " << result.status().ToString();
    return result.ok() ? *result : json();
  }

  // Polls until no worker has events left. False only if that never happens.
  bool WaitForWorkers() {
    for (int i = 0; i < 2000; ++i) {
      bool idle = true;
      for (const json& row : Must(Call("queue.list", json::object(), Cookie()), "queue.list")) {
        idle = idle && row["lag"] == 0;
      }
      if (idle) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  // Calls `method` on every order; a call may lose the race (FAILED_PRECONDITION:
  // the order already ended the other way) and nothing else may go wrong.
  static void EndAll(Client& client, const std::vector<std::string>& orders,
                     const std::string& method, json params, const std::string& auth,
                     std::vector<std::string>* problems) {
    for (const std::string& id : orders) {
      params["id"] = id;
      auto reply = client.Call(method, params, CallOptions{auth, ""});
      if (!reply.ok() && reply.status().code() != Code::kFailedPrecondition) {
        problems->push_back(method + " " + id + ": " + reply.status().ToString());
      }
    }
  }
};

TEST_F(RefundConcurrencyTest, CancelRefundAndTheOrdersWorkerRacingRefundEachPaymentOnce) {
  RegisterAndLogin("boss@example.com");  // the first account: admin
  const std::string ann = RegisterAndLogin("ann@example.com");
  const std::string cookie = Cookie();
  json product = Must(Call("product.create", {{"name", "Last One"}, {"category", "Electronics"},
                                              {"price", 10.00}, {"quantity", 1}},
                           cookie),
                      "product");
  Must(Call("worker.pause", {{"worker", "inventory"}}, cookie), "pause inventory");
  std::vector<std::string> orders;
  for (int i = 0; i < kOrders; ++i) {
    json placed = Must(Call("order.place",
                            {{"items", {{{"product_id", product["id"]}, {"quantity", 2}}}},
                             {"shipping_address", {{"line1", "1 Main St"}, {"city", "Town"},
                                                   {"postal_code", "1"}, {"country", "US"}}}},
                            ann),
                       "place");
    orders.push_back(placed["id"].get<std::string>());
    // Paid while unreserved; its stock will fail (2 units wanted, 1 exists).
    json paid = Must(Call("order.pay", {{"id", orders.back()}, {"card_number", "4242424242424242"},
                                        {"expiry", "12/39"}, {"cvc", "123"}},
                          ann),
                     "pay");
    ASSERT_EQ(paid["status"], "succeeded");
  }

  std::vector<std::string> owner_problems, admin_problems, worker_problems;
  std::latch start(3);
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    auto client = NewClient();
    start.arrive_and_wait();
    EndAll(*client, orders, "order.cancel", {{"reason", "changed my mind"}}, ann,
           &owner_problems);
  });
  threads.emplace_back([&] {
    auto client = NewClient();
    std::vector<std::string> reversed(orders.rbegin(), orders.rend());
    start.arrive_and_wait();
    EndAll(*client, reversed, "order.status", {{"status", "refunded"}}, cookie, &admin_problems);
  });
  threads.emplace_back([&] {
    auto client = NewClient();
    start.arrive_and_wait();
    auto resumed = client->Call("worker.resume", {{"worker", "inventory"}}, CallOptions{cookie, ""});
    if (!resumed.ok()) worker_problems.push_back(resumed.status().ToString());
  });
  for (auto& thread : threads) thread.join();
  for (const auto* problems : {&owner_problems, &admin_problems, &worker_problems}) {
    EXPECT_TRUE(problems->empty()) << problems->front();
  }
  ASSERT_TRUE(WaitForWorkers());

  std::set<int64_t> refunded_payments;
  for (const std::string& id : orders) {
    json order = Must(Call("order.get", {{"id", id}}, ann), "order");
    EXPECT_TRUE(order["status"] == "cancelled" || order["status"] == "refunded") << order.dump();
    json payments = Must(Call("payment.list", {{"order_id", id}}, ann), "payments");
    ASSERT_EQ(payments.size(), 1u) << payments.dump();
    EXPECT_EQ(payments[0]["status"], "refunded") << payments.dump();
    ASSERT_EQ(payments[0]["refunds"].size(), 1u) << payments.dump();
    EXPECT_EQ(payments[0]["refunds"][0]["status"], "succeeded");
    EXPECT_EQ(payments[0]["refunds"][0]["amount"], 20.00);
    refunded_payments.insert(payments[0]["id"].get<int64_t>());
  }
  EXPECT_EQ(refunded_payments.size(), static_cast<size_t>(kOrders));

  json events = Must(Call("events.read", {{"topic", "payment.refunded"}, {"limit", 1000}}, cookie),
                     "events");
  std::multiset<int64_t> evented;
  for (const json& event : events["events"]) evented.insert(event["data"]["payment_id"].get<int64_t>());
  EXPECT_EQ(evented, std::multiset<int64_t>(refunded_payments.begin(), refunded_payments.end()))
      << events.dump();
  json notices = Must(Call("notification.list", {{"type", "payment_refunded"}}, ann), "notes");
  EXPECT_EQ(notices.size(), static_cast<size_t>(kOrders));
  json report = Must(Call("admin.check", json::object(), cookie), "admin.check");
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

}  // namespace
}  // namespace mart::testing
