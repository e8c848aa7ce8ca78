// --export URLs and the messages an event becomes (events/export_target.h,
// events/exporter.h). The sinks themselves meet real brokers in
// tests/integration/export_kafka_test.cpp and tests/e2e/export_amqp.sh.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "events/exporter.h"
#include "temp_dir.h"

namespace mart::events {
namespace {

using nlohmann::json;

const std::vector<std::string> kWorkers = {"inventory", "orders", "payments", "notifications"};

TEST(ExportTargetTest, AnAmqpUrlTakesItsPartsAndDefaults) {
  auto target = ParseExportTarget("amqp://127.0.0.1", kWorkers);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->kind, ExportKind::kAmqp);
  EXPECT_EQ(target->name, "amqp");
  EXPECT_EQ(target->host, "127.0.0.1");
  EXPECT_EQ(target->port, 5672);
  EXPECT_EQ(target->vhost, "/");
  EXPECT_EQ(target->user, "guest");
  EXPECT_EQ(target->password, "guest");  // RabbitMQ's default user, loopback only
  EXPECT_EQ(target->exchange, "mart.events");
  EXPECT_FALSE(target->from_end);
  EXPECT_EQ(target->timeout_s, 30);

  ::setenv("MART_EXPORT_PASSWORD_SHOP_BUS", "s3cret-from-env", 1);
  target = ParseExportTarget(
      "amqp://mart@mq.local:5673/shop%2Fprod?exchange=shop.events&name=shop_bus&from=end"
      "&timeout-s=5",
      kWorkers);
  ::unsetenv("MART_EXPORT_PASSWORD_SHOP_BUS");
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->name, "shop_bus");
  EXPECT_EQ(target->host, "mq.local");
  EXPECT_EQ(target->port, 5673);
  EXPECT_EQ(target->vhost, "shop/prod");
  EXPECT_EQ(target->user, "mart");
  EXPECT_EQ(target->password, "s3cret-from-env");
  EXPECT_EQ(target->exchange, "shop.events");
  EXPECT_TRUE(target->from_end);
  EXPECT_EQ(target->timeout_s, 5);
  EXPECT_EQ(target->Describe(), "amqp://mart@mq.local:5673/shop%2Fprod exchange shop.events");
  EXPECT_EQ(target->Describe().find("s3cret"), std::string::npos);
}

TEST(ExportTargetTest, APasswordComesFromAPrivateFileNeverFromTheUrl) {
  test::TempDir dir;
  const std::string file = dir.path() + "/amqp.password";
  std::ofstream(file) << "file-secret\n";
  ::chmod(file.c_str(), 0644);
  auto open = ParseExportTarget("amqp://mart@h?password-file=" + file, kWorkers);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("chmod 600"), std::string::npos) << open.status().message();
  ::chmod(file.c_str(), 0600);
  auto target = ParseExportTarget("amqp://mart@h?password-file=" + file, kWorkers);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->password, "file-secret");

  for (const std::string url : {"amqp://mart:pw-in-url@h", "amqp://mart@h?password=pw-in-url",
                                 "amqp://mart@h?exchange=x&pass=pw-in-url&name=n"}) {
    auto refused = ParseExportTarget(url, kWorkers);
    ASSERT_FALSE(refused.ok()) << url;
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("password-file"), std::string::npos);
    // The refusal shows the URL, never the password in it.
    EXPECT_EQ(refused.status().message().find("pw-in-url"), std::string::npos)
        << refused.status().message();
    EXPECT_NE(refused.status().message().find("***"), std::string::npos);
  }
  // A named user without any password is refused at start, not at the first publish.
  auto none = ParseExportTarget("amqp://mart@h", kWorkers);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("MART_EXPORT_PASSWORD_AMQP"), std::string::npos)
      << none.status().message();
}

TEST(ExportTargetTest, AKafkaUrlTakesSeveralBrokersAndATopicPrefix) {
  auto target = ParseExportTarget("kafka://k1,k2:9093/?topic-prefix=shop-", kWorkers);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->kind, ExportKind::kKafka);
  EXPECT_EQ(target->name, "kafka");
  EXPECT_EQ(target->brokers, "k1:9092,k2:9093");
  EXPECT_EQ(target->topic_prefix, "shop-");
  EXPECT_EQ(ParseExportTarget("kafka://k1", kWorkers)->topic_prefix, "mart.");
}

TEST(ExportTargetTest, BadUrlsSayWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://h", "give amqp://"},
      {"amqps://h", "not supported"},
      {"amqp://h:0", "port from 1 to 65535"},
      {"amqp://h:99999", "port from 1 to 65535"},
      {"amqp://h?exchnage=x", "unknown parameter 'exchnage'"},
      {"amqp://h?exchange=amq.topic", "not starting with amq."},
      {"amqp://h?from=middle", "from=beginning"},
      {"amqp://h?timeout-s=0", "1 to 300"},
      {"kafka://", "at least one HOST"},
      {"kafka://u@k1", "SASL"},
      {"kafka://k1?topic-prefix=a/b", "topic-prefix"},
      {"kafka://k1?name=Orders", "a-z"},
      {"kafka://k1?name=orders", "already a worker's"},
  };
  for (const auto& [url, why] : cases) {
    auto target = ParseExportTarget(url, kWorkers);
    ASSERT_FALSE(target.ok()) << url;
    EXPECT_EQ(target.status().code(), Code::kInvalidArgument) << url;
    EXPECT_NE(target.status().message().find(why), std::string::npos)
        << url << ": " << target.status().message();
    EXPECT_EQ(target.status().message().rfind("--export " + url, 0), 0u) << target.status().message();
  }
}

TEST(ExportTargetTest, DefaultNamesSkipThoseTaken) {
  std::vector<std::string> taken = kWorkers;
  taken.push_back("amqp");
  auto second = ParseExportTarget("amqp://h2", taken);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->name, "amqp-2");
  EXPECT_FALSE(ParseExportMap("everything").ok());
  EXPECT_EQ(*ParseExportMap("seeds"), ExportMap::kSeeds);
}

store::EventRow Event(int64_t seq, std::string topic, json data) {
  return {seq, std::move(topic), data.dump(), 1'764'000'000'000'000 + seq};
}

TEST(ExportMessagesTest, AnEventIsOneMessageKeyedByItsAggregate) {
  auto amqp = *ParseExportTarget("amqp://h", kWorkers);
  auto kafka = *ParseExportTarget("kafka://k?topic-prefix=shop.", kWorkers);
  const store::EventRow placed = Event(
      7, "order.placed",
      {{"order_id", "6b02aa"}, {"user_id", 2}, {"items", json::array()}, {"total_price", 5.5}});
  auto to_amqp = MessagesFor(amqp, placed);
  ASSERT_EQ(to_amqp.size(), 1u);
  EXPECT_EQ(to_amqp[0].seq, 7);
  EXPECT_EQ(to_amqp[0].topic, "order.placed");
  EXPECT_EQ(to_amqp[0].destination, "order.placed");
  EXPECT_FALSE(to_amqp[0].to_queue);
  EXPECT_EQ(to_amqp[0].key, "6b02aa");
  EXPECT_EQ(to_amqp[0].version, 2);  // order.placed's, from the catalog
  json body = json::parse(to_amqp[0].body);
  EXPECT_EQ(body["seq"], 7);
  EXPECT_EQ(body["topic"], "order.placed");
  EXPECT_EQ(body["data"]["order_id"], "6b02aa");
  EXPECT_TRUE(body.contains("created_at"));

  auto to_kafka = MessagesFor(kafka, placed);
  ASSERT_EQ(to_kafka.size(), 1u);
  EXPECT_EQ(to_kafka[0].destination, "shop.order.placed");
  EXPECT_EQ(to_kafka[0].body, to_amqp[0].body);

  // A user's events are keyed by the user's id; an outside event has no key.
  EXPECT_EQ(MessagesFor(kafka, Event(8, "user.registered",
                                     {{"user_id", 12}, {"email", "a@b.c"}, {"role", "user"}}))[0]
                .key,
            "12");
  EXPECT_EQ(MessagesFor(kafka, Event(9, "warehouse.counted", {{"n", 1}}))[0].key, "");
}

TEST(ExportMessagesTest, TheSeedMapAddsTheSeedProjectsNames) {
  auto amqp = *ParseExportTarget("amqp://h", kWorkers);
  amqp.map = ExportMap::kSeeds;
  auto kafka = *ParseExportTarget("kafka://k", kWorkers);
  kafka.map = ExportMap::kSeeds;

  auto placed = MessagesFor(amqp, Event(3, "order.placed", {{"order_id", "o1"}, {"user_id", 2}}));
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(placed[1].destination, "order_created");
  EXPECT_TRUE(placed[1].to_queue);
  EXPECT_EQ(json::parse(placed[1].body)["data"]["order_id"], "o1");

  auto processing = MessagesFor(
      amqp, Event(4, "order.status_changed", {{"order_id", "o1"}, {"from", "pending"},
                                              {"to", "processing"}}));
  ASSERT_EQ(processing.size(), 2u);
  EXPECT_EQ(processing[1].destination, "order_processed");
  auto shipped = MessagesFor(
      amqp, Event(5, "order.status_changed", {{"order_id", "o1"}, {"from", "processing"},
                                              {"to", "shipped"}}));
  EXPECT_EQ(shipped.size(), 1u);

  auto stock = MessagesFor(kafka, Event(6, "stock.updated",
                                        {{"product_id", "p1"}, {"type", "adjust"}, {"delta", -3},
                                         {"available", 47}, {"reserved", 0}}));
  ASSERT_EQ(stock.size(), 2u);
  EXPECT_EQ(stock[1].destination, "stock-updated");
  EXPECT_FALSE(stock[1].to_queue);
  EXPECT_EQ(json::parse(stock[1].body), (json{{"product_id", "p1"}, {"stock", 47}}));
  EXPECT_EQ(stock[1].seq, 6);  // the copy still carries the seq, for de-duplication
  EXPECT_EQ(stock[1].key, "p1");

  // An order's reservation (version 2) is one event with each line's stock
  // after it; the seeds' consumers still get a stock-updated per product,
  // keyed by the product, after the event's own message.
  auto reserved = MessagesFor(
      kafka, Event(8, "inventory.reserved",
                   {{"order_id", "o1"},
                    {"items", {{{"product_id", "p1"}, {"quantity", 2}, {"available", 45},
                                {"reserved", 2}},
                               {{"product_id", "p2"}, {"quantity", 1}, {"available", 0},
                                {"reserved", 1}}}}}));
  ASSERT_EQ(reserved.size(), 3u);
  EXPECT_EQ(reserved[0].topic, "inventory.reserved");
  EXPECT_EQ(reserved[0].key, "o1");
  EXPECT_EQ(reserved[0].version, 2);
  EXPECT_EQ(reserved[1].destination, "stock-updated");
  EXPECT_EQ(json::parse(reserved[1].body), (json{{"product_id", "p1"}, {"stock", 45}}));
  EXPECT_EQ(reserved[1].key, "p1");
  EXPECT_EQ(json::parse(reserved[2].body), (json{{"product_id", "p2"}, {"stock", 0}}));
  EXPECT_EQ(reserved[2].key, "p2");
  for (const char* topic : {"inventory.released", "inventory.shipped"}) {
    auto moved = MessagesFor(
        kafka, Event(9, topic, {{"order_id", "o1"},
                                {"items", {{{"product_id", "p1"}, {"quantity", 2},
                                            {"available", 47}, {"reserved", 0}}}}}));
    ASSERT_EQ(moved.size(), 2u) << topic;
    EXPECT_EQ(json::parse(moved[1].body), (json{{"product_id", "p1"}, {"stock", 47}})) << topic;
  }
  // A version-1 event in an older log had its own stock.updated: no copy.
  EXPECT_EQ(MessagesFor(kafka, Event(10, "inventory.reserved",
                                     {{"order_id", "o1"},
                                      {"items", {{{"product_id", "p1"}, {"quantity", 2}}}}}))
                .size(),
            1u);

  auto product = MessagesFor(kafka, Event(7, "product.created",
                                          {{"product_id", "p1"}, {"name", "Watch"},
                                           {"category", "Electronics"}, {"price_cents", 17999}}));
  ASSERT_EQ(product.size(), 2u);
  EXPECT_EQ(product[1].destination, "product-topic");
  json seed = json::parse(product[1].body);
  EXPECT_EQ(seed["_id"], "p1");
  EXPECT_EQ(seed["price"].dump(), "179.99");
  EXPECT_EQ(SeedDestinations(ExportKind::kKafka).size(), 5u);
}

}  // namespace
}  // namespace mart::events
