// Many clients changing one item's stock at once through a real in-process
// daemon: nothing goes below zero, every over-draw is refused cleanly, and
// the ledger adds up to what is left. No timing assumptions: each thread
// makes a fixed number of calls and the assertions hold for any interleaving.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "daemon_fixture.h"

namespace mart::testing {
namespace {

using nlohmann::json;

constexpr int kThreads = 8;
constexpr int kCallsPerThread = 60;
constexpr int64_t kInitial = 100;

// What one thread saw. Checked on the main thread after the join.
struct ThreadLog {
  int64_t adjusted = 0;  // sum of successful adjust deltas
  int64_t held = 0;      // units this thread still holds (reserved - released)
  int successes = 0;
  int refused = 0;                // FAILED_PRECONDITION over-draws
  std::vector<std::string> bad;   // anything that should not have happened
};

class InventoryConcurrencyTest : public DaemonTest {
 protected:
  std::string CreateProduct(const std::string& name, double price, int64_t quantity) {
    auto created = Call("product.create", {{"name", name}, {"category", "Electronics"},
                                           {"price", price}, {"quantity", quantity}},
                        Cookie());
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? (*created)["id"].get<std::string>() : std::string();
  }

  // The whole ledger, newest first, fetched in pages.
  std::vector<json> FullHistory(const std::string& id) {
    std::vector<json> rows;
    for (int offset = 0;; offset += 50) {
      auto page = Call("inventory.history", {{"product_id", id}, {"limit", 50}, {"offset", offset}},
                       Cookie());
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const json& row : *page) rows.push_back(row);
      if (page->size() < 50) break;
    }
    return rows;
  }
};

// Records one reply: a stock record with nothing negative, or a refusal.
void Note(ThreadLog& log, const Result<json>& reply, const char* what, bool may_be_refused) {
  if (reply.ok()) {
    ++log.successes;
    int64_t available = (*reply)["available_quantity"];
    int64_t reserved = (*reply)["reserved_quantity"];
    if (available < 0 || reserved < 0) log.bad.push_back(std::string(what) + ": " + reply->dump());
    return;
  }
  if (may_be_refused && reply.status().code() == Code::kFailedPrecondition) {
    ++log.refused;
    return;
  }
  log.bad.push_back(std::string(what) + ": " + reply.status().ToString());
}

void Hammer(Client& client, const std::string& auth, const std::string& id, int thread,
            ThreadLog& log) {
  std::vector<std::string> holds;  // references this thread reserved and still holds
  for (int i = 0; i < kCallsPerThread; ++i) {
    std::string tag = "t" + std::to_string(thread) + "-" + std::to_string(i);
    CallOptions options{auth, ""};
    switch (i % 3) {
      case 0: {
        auto reply = client.Call("inventory.adjust",
                                 {{"product_id", id}, {"delta", -1}, {"reason", "sold " + tag}},
                                 options);
        Note(log, reply, "adjust", true);
        if (reply.ok()) log.adjusted -= 1;
        break;
      }
      case 1: {
        json params = {{"product_id", id}, {"quantity", 1}, {"reference", tag}};
        auto reply = client.Call("inventory.reserve", params, options);
        Note(log, reply, "reserve", true);
        if (reply.ok()) {
          holds.push_back(tag);
          log.held += 1;
        }
        break;
      }
      default: {
        if (holds.empty()) break;
        // Only what this thread holds is released, so a release never fails.
        auto reply = client.Call("inventory.release",
                                 {{"product_id", id}, {"quantity", 1}, {"reference", holds.back()}},
                                 options);
        Note(log, reply, "release", false);
        if (reply.ok()) {
          holds.pop_back();
          log.held -= 1;
        }
      }
    }
  }
}

TEST_F(InventoryConcurrencyTest, ConcurrentAdjustReserveReleaseNeverGoNegative) {
  const std::string id = CreateProduct("Premium Smartphone", 899.99, kInitial);
  ASSERT_FALSE(id.empty());
  const std::string auth = Cookie();
  std::vector<ThreadLog> logs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = NewClient();
      Hammer(*client, auth, id, t, logs[t]);
    });
  }
  for (auto& thread : threads) thread.join();

  int64_t adjusted = 0, held = 0;
  int successes = 0, refused = 0;
  for (const ThreadLog& log : logs) {
    for (const std::string& problem : log.bad) ADD_FAILURE() << problem;
    adjusted += log.adjusted;
    held += log.held;
    successes += log.successes;
    refused += log.refused;
  }
  // 8 threads try 160 permanent removals from 100 units: some must be refused.
  EXPECT_GT(refused, 0);
  EXPECT_GE(adjusted, -kInitial);

  auto record = Call("inventory.get", {{"product_id", id}}, Cookie());
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  int64_t available = (*record)["available_quantity"];
  int64_t reserved = (*record)["reserved_quantity"];
  EXPECT_GE(available, 0);
  EXPECT_GE(reserved, 0);
  EXPECT_EQ(available + reserved, kInitial + adjusted);
  EXPECT_EQ(reserved, held);

  std::vector<json> ledger = FullHistory(id);
  ASSERT_EQ(ledger.size(), static_cast<size_t>(successes) + 1);  // plus the initial row
  int64_t sum = 0;
  for (size_t i = 0; i < ledger.size(); ++i) {
    sum += ledger[i]["delta"].get<int64_t>();
    EXPECT_GE(ledger[i]["available_after"].get<int64_t>(), 0);
    EXPECT_GE(ledger[i]["reserved_after"].get<int64_t>(), 0);
    if (i + 1 < ledger.size()) {  // newest first: each row starts where the older one ended
      EXPECT_EQ(ledger[i]["available_before"], ledger[i + 1]["available_after"]) << i;
      EXPECT_EQ(ledger[i]["reserved_before"], ledger[i + 1]["reserved_after"]) << i;
      EXPECT_GT(ledger[i]["id"].get<int64_t>(), ledger[i + 1]["id"].get<int64_t>());
    }
  }
  EXPECT_EQ(sum, available);
  EXPECT_EQ(ledger.front()["available_after"], available);
  EXPECT_EQ(ledger.front()["reserved_after"], reserved);
  EXPECT_EQ(ledger.back()["type"], "initial");
}

TEST_F(InventoryConcurrencyTest, OverDrawsNameTheCurrentValueAndTheChange) {
  const std::string id = CreateProduct("Cable", 9.99, 2);
  auto refused = Call("inventory.adjust", {{"product_id", id}, {"delta", -3}, {"reason", "lost"}},
                      Cookie());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(refused.status().details()["available"], 2);
  EXPECT_EQ(refused.status().details()["requested"], -3);
  EXPECT_NE(refused.status().message().find("available is 2, requested change -3"),
            std::string::npos)
      << refused.status().message();
  auto history = Call("inventory.history", {{"product_id", id}}, Cookie());
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 1u);  // the refusal left no ledger row
}

TEST_F(InventoryConcurrencyTest, ProductsAndStockSurviveARestart) {
  const std::string phone = CreateProduct("Premium Smartphone", 899.99, 50);
  const std::string headphones = CreateProduct("Wireless Headphones", 249.99, 100);
  const std::string watch = CreateProduct("Smart Watch", 179.99, 75);
  ASSERT_TRUE(Call("inventory.adjust",
                   {{"product_id", phone}, {"delta", -4}, {"reason", "damaged"}}, Cookie())
                  .ok());
  ASSERT_TRUE(Call("inventory.reserve",
                   {{"product_id", headphones}, {"quantity", 3}, {"reference", "TICKET-7"}},
                   Cookie())
                  .ok());
  ASSERT_TRUE(Call("product.delete", {{"id", watch}}, Cookie()).ok());

  client_.reset();
  RestartDaemon();

  auto list = Call("product.list", {{"sort", "price"}});  // anyone may list
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0]["id"], headphones);
  EXPECT_EQ((*list)[0]["price"], 249.99);
  EXPECT_EQ((*list)[0]["quantity"], 97);
  EXPECT_EQ((*list)[1]["id"], phone);
  EXPECT_EQ((*list)[1]["quantity"], 46);
  EXPECT_EQ(Call("product.get", {{"id", watch}}).status().code(), Code::kNotFound);

  auto stock = Call("inventory.get", {{"product_id", headphones}}, Cookie());
  ASSERT_TRUE(stock.ok());
  EXPECT_EQ((*stock)["reserved_quantity"], 3);
  EXPECT_EQ((*stock)["reorder_threshold"], 10);
  // The hold survived too: it can be released, but not more than it holds.
  EXPECT_EQ(Call("inventory.release",
                 {{"product_id", headphones}, {"quantity", 4}, {"reference", "TICKET-7"}},
                 Cookie())
                .status()
                .code(),
            Code::kFailedPrecondition);
  EXPECT_TRUE(Call("inventory.release",
                   {{"product_id", headphones}, {"quantity", 3}, {"reference", "TICKET-7"}},
                   Cookie())
                  .ok());
  auto history = Call("inventory.history", {{"product_id", phone}}, Cookie());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0]["type"], "adjust");
  EXPECT_EQ((*history)[0]["reason"], "damaged");
}

}  // namespace
}  // namespace mart::testing
