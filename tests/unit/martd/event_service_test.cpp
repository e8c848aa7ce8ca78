#include "services/event_service.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "util/test_store.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

class EventServiceTest : public ::testing::Test {
 protected:
  void Emit(std::string_view topic, json data = json::object()) {
    Must(h_.outbox().Emit(topic, std::move(data)), "emit");
  }

  json Read(int64_t after, const std::string& glob = "", int64_t limit = 100) {
    Tx tx = h_.NewTx();
    return Must(events_.Read(tx, after, glob, limit), "read");
  }

  static std::vector<int64_t> SeqsOf(const json& page) {
    std::vector<int64_t> seqs;
    for (const json& event : page["events"]) seqs.push_back(event["seq"].get<int64_t>());
    return seqs;
  }

  Result<json> Publish(const std::string& topic, json data = json::object()) {
    Tx tx = h_.NewTx();
    return events_.Publish(tx, topic, std::move(data), test::ServiceHarness::Operator());
  }

  test::StoreHarness h_;
  EventService events_;
};

using Seqs = std::vector<int64_t>;

TEST_F(EventServiceTest, ReadPagesThroughTheLogOldestFirst) {
  for (int i = 1; i <= 5; ++i) Emit(i % 2 ? "order.placed" : "stock.updated", {{"n", i}});
  json first = Read(0, "", 2);
  EXPECT_EQ(SeqsOf(first), (Seqs{1, 2}));
  EXPECT_EQ(first["next_after"], 2);
  EXPECT_EQ(first["last_seq"], 5);
  json second = Read(first["next_after"].get<int64_t>(), "", 2);
  EXPECT_EQ(SeqsOf(second), (Seqs{3, 4}));
  json third = Read(second["next_after"].get<int64_t>(), "", 2);
  EXPECT_EQ(SeqsOf(third), (Seqs{5}));
  EXPECT_EQ(third["next_after"], 5);
  json end = Read(5);
  EXPECT_TRUE(end["events"].empty());
  EXPECT_EQ(end["next_after"], 5);
  EXPECT_EQ(end["last_seq"], 5);
  EXPECT_EQ(Read(99)["next_after"], 99);  // never moves a reader backwards
}

TEST_F(EventServiceTest, EventsHaveSeqTopicTimeAndData) {
  Emit("order.placed", {{"order_id", "66f1c0ffee0000000000beef"}});
  json event = Read(0)["events"][0];
  EXPECT_EQ(event, (json{{"seq", 1},
                         {"topic", "order.placed"},
                         {"created_at", FormatTimestamp(h_.clock().NowMicros())},
                         {"data", {{"order_id", "66f1c0ffee0000000000beef"}}}}));
}

TEST_F(EventServiceTest, TopicGlobsFilterAndNextAfterSkipsWhatWasScanned) {
  Emit("order.placed");         // 1
  Emit("stock.updated");        // 2
  Emit("order.status_changed"); // 3
  Emit("inventory.reserved");   // 4
  Emit("order.placed");         // 5
  json orders = Read(0, "order.*");
  EXPECT_EQ(SeqsOf(orders), (Seqs{1, 3, 5}));
  EXPECT_EQ(orders["next_after"], 5);
  json limited = Read(0, "order.*", 2);
  EXPECT_EQ(SeqsOf(limited), (Seqs{1, 3}));
  EXPECT_EQ(limited["next_after"], 3);  // where the second match was, not the end
  EXPECT_EQ(SeqsOf(Read(0, "*.placed")), (Seqs{1, 5}));
  EXPECT_EQ(SeqsOf(Read(0, "inventory.reserved")), (Seqs{4}));
  EXPECT_EQ(SeqsOf(Read(0, "[is]*")), (Seqs{2, 4}));
  json none = Read(0, "payment.*");
  EXPECT_TRUE(none["events"].empty());
  EXPECT_EQ(none["next_after"], 5);  // all of it scanned: nothing to look at again
}

TEST_F(EventServiceTest, OneReadScansABoundedNumberOfEvents) {
  {
    store::Transaction transaction(h_.store().db());
    for (int64_t i = 0; i < EventService::kMaxScan + 20; ++i) Emit("stock.updated");
    Emit("order.placed");
    Must(transaction.Commit(), "commit");
  }
  json page = Read(0, "order.*");
  EXPECT_TRUE(page["events"].empty());
  EXPECT_GE(page["next_after"].get<int64_t>(), EventService::kMaxScan);
  EXPECT_LT(page["next_after"].get<int64_t>(), page["last_seq"].get<int64_t>());
  json rest = Read(page["next_after"].get<int64_t>(), "order.*");
  EXPECT_EQ(SeqsOf(rest), (Seqs{EventService::kMaxScan + 21}));
}

TEST(TopicMatchesTest, FnmatchRulesAndEmptyMatchesAll) {
  EXPECT_TRUE(TopicMatches("", "order.placed"));
  EXPECT_TRUE(TopicMatches("order.*", "order.placed"));
  EXPECT_TRUE(TopicMatches("order.?laced", "order.placed"));
  EXPECT_FALSE(TopicMatches("order", "order.placed"));
  EXPECT_FALSE(TopicMatches("order.*", "orders.placed"));
  EXPECT_FALSE(TopicMatches("Order.*", "order.placed"));
}

TEST_F(EventServiceTest, PublishAppendsAnOutsideEvent) {
  json published = Must(Publish("erp.synced", {{"batch", 42}}), "publish");
  EXPECT_EQ(published["seq"], 1);
  EXPECT_EQ(published["topic"], "erp.synced");
  EXPECT_EQ(published["data"], (json{{"batch", 42}}));
  EXPECT_EQ(published["created_at"], FormatTimestamp(h_.clock().NowMicros()));
  json logged = Read(0)["events"];
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0], published);
  auto pending = h_.outbox().TakePending();  // published live after the commit
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].topic, "erp.synced");
  for (const char* topic : {"erp.batch-1.done", "crm_2.customer_updated", "x.y"}) {
    EXPECT_TRUE(Publish(topic).ok()) << topic;
  }
}

TEST_F(EventServiceTest, PublishRefusesMartsOwnDomains) {
  for (const char* topic : {"order.placed", "order.status_changed", "inventory.reserved",
                            "stock.updated", "product.created", "user.registered",
                            "payment.succeeded", "notification.sent", "order.anything",
                            "queue.dead_lettered"}) {
    auto refused = Publish(topic);
    ASSERT_FALSE(refused.ok()) << topic;
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument) << topic;
    EXPECT_EQ(refused.status().details()["field"], "topic");
  }
  EXPECT_EQ(Must(h_.store().events().LastSeq(), "seq"), 0);
  EXPECT_EQ(h_.outbox().Mark(), 0u);
}

TEST_F(EventServiceTest, PublishRefusesMalformedTopics) {
  for (const char* topic : {"", "erp", "ERP.synced", "erp.Synced", "erp.", ".synced", "erp..synced",
                            "erp.sync ed", "erp.synced!", "erp/synced", "erp.*", "caf\xc3\xa9.x"}) {
    auto refused = Publish(topic);
    ASSERT_FALSE(refused.ok()) << "'" << topic << "'";
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument) << topic;
    EXPECT_EQ(refused.status().details()["field"], "topic");
  }
  EXPECT_EQ(Must(h_.store().events().LastSeq(), "seq"), 0);
}

}  // namespace
}  // namespace mart
