// `martd --export kafka://…` against librdkafka's own mock cluster (it speaks
// the Kafka protocol, idempotent producer included, and can take its brokers
// down), in this process: every event of a mixed workload arrives at least
// once, in order per topic and key; a broker outage shows as lag and an error in
// `queue list`, orders go on, and the backlog drains when the brokers return;
// a paused sink holds its events until resumed. Waits are for conditions,
// bounded, never for time.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "daemon_fixture.h"
#include "events/export_target.h"

namespace mart::testing {
namespace {

using nlohmann::json;

constexpr int kBrokers = 3;

// One exported message as a consumer sees it.
struct Received {
  std::string topic;
  std::string key;
  int64_t header_seq = 0;
  json body;
};

class ExportKafkaTest : public DaemonTest {
 protected:
  void SetUp() override {
    char error[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
    cluster_handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    ASSERT_NE(cluster_handle_, nullptr) << error;
    cluster_ = rd_kafka_mock_cluster_new(cluster_handle_, kBrokers);
    ASSERT_NE(cluster_, nullptr);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);

    root_ = temp_.path();
    options_.data_dir = root_ + "/data";
    options_.listen = "ipc://" + root_ + "/data/run/martd.sock";
    options_.auth.password_cost = PasswordCost::kMinimum;
    options_.store = test::FreshTestStore();
    auto target = events::ParseExportTarget(
        "kafka://" + bootstraps_ + "?topic-prefix=shop.&timeout-s=2", {"inventory"});
    ASSERT_TRUE(target.ok()) << target.status().ToString();
    options_.exports = {*target};
    StartDaemon();
  }

  void TearDown() override {
    DaemonTest::TearDown();
    if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
    if (cluster_handle_ != nullptr) rd_kafka_destroy(cluster_handle_);
  }

  void SetBrokers(bool up) {
    for (int id = 1; id <= kBrokers; ++id) {
      if (up) {
        rd_kafka_mock_broker_set_up(cluster_, id);
      } else {
        rd_kafka_mock_broker_set_down(cluster_, id);
      }
    }
  }

  json Must(Result<json> result, const std::string& what) {
    EXPECT_TRUE(result.ok()) << what << ": " << result.status().ToString();
    return result.ok() ? *result : json();
  }

  // The sink's `queue list` row.
  json SinkRow() {
    for (const json& row : Must(Call("queue.list", json::object(), Cookie()), "queue.list")) {
      if (row["worker"] == "kafka") return row;
    }
    ADD_FAILURE() << "queue list has no kafka row";
    return json::object();
  }

  // Waits (bounded) until `done(row)` holds for the sink's row; the last row.
  template <class Done>
  json WaitForSink(Done done) {
    json row;
    for (int i = 0; i < 1500; ++i) {
      row = SinkRow();
      if (done(row)) return row;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the sink never got there: " << row.dump();
    return row;
  }

  // Products, buyers and orders: placed, cancelled and shipped.
  void Workload(int orders) {
    if (!admin_made_) {
      Must(Call("auth.register", {{"email", "boss@example.com"}, {"password", "Password123"},
                                  {"first_name", "Boss"}, {"last_name", "Admin"}}),
           "admin");
      admin_made_ = true;
    }
    std::vector<std::string> products;
    for (int i = 0; i < 3; ++i) {
      json p = Must(Call("product.create",
                         {{"name", "Item " + std::to_string(products_++)},
                          {"category", "Electronics"}, {"price", 9.99}, {"quantity", 1000}},
                         Cookie()),
                    "product");
      products.push_back(p["id"].get<std::string>());
    }
    const std::string token = RegisterAndLogin("buyer" + std::to_string(buyers_++) + "@example.com");
    for (int i = 0; i < orders; ++i) {
      json order = Must(
          Call("order.place",
               {{"items", {{{"product_id", products[i % 3]}, {"quantity", 1 + i % 2}}}},
                {"shipping_address", {{"line1", "1 Main St"}, {"city", "Town"},
                                      {"postal_code", "111"}, {"country", "Land"}}}},
               token),
          "place");
      if (i % 3 == 1) {
        Must(Call("order.cancel", {{"id", order["id"]}}, token), "cancel");
      }
    }
  }

  // Every message under the sink's topics, until `count` distinct seqs came
  // (bounded).
  std::vector<Received> Consume(const std::set<std::string>& topics, size_t count) {
    char error[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps_.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "group.id", ("test-" + std::to_string(groups_++)).c_str(), error,
                      sizeof error);
    rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", error, sizeof error);
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    EXPECT_NE(consumer, nullptr) << error;
    if (consumer == nullptr) return {};
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(0);
    for (const std::string& topic : topics) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
    }
    EXPECT_EQ(rd_kafka_subscribe(consumer, list), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(list);
    std::vector<Received> received;
    std::set<int64_t> seqs;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (seqs.size() < count && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 200);
      if (message == nullptr) continue;
      if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        Received r;
        r.topic = rd_kafka_topic_name(message->rkt);
        r.key.assign(static_cast<const char*>(message->key), message->key_len);
        r.body = json::parse(std::string(static_cast<const char*>(message->payload), message->len),
                             nullptr, false);
        rd_kafka_headers_t* headers = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            rd_kafka_header_get_last(headers, "mart-seq", &value, &size) ==
                RD_KAFKA_RESP_ERR_NO_ERROR) {
          r.header_seq = std::stoll(std::string(static_cast<const char*>(value), size));
        }
        seqs.insert(r.header_seq);
        received.push_back(std::move(r));
      }
      rd_kafka_message_destroy(message);
    }
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    return received;
  }

  // What the log holds, by seq: topic and the aggregate key a message must carry.
  std::map<int64_t, std::pair<std::string, std::string>> Log() {
    std::map<int64_t, std::pair<std::string, std::string>> log;
    int64_t after = 0;
    for (;;) {
      json page = Must(Call("events.read", {{"after", after}, {"limit", 1000}}, Cookie()), "read");
      for (const json& event : page["events"]) {
        const json& data = event["data"];
        std::string key;
        for (const char* field : {"order_id", "product_id", "user_id"}) {
          if (data.contains(field)) {
            key = data[field].is_string() ? data[field].get<std::string>() : data[field].dump();
            break;
          }
        }
        log[event["seq"]] = {event["topic"], key};
      }
      if (page["next_after"].is_null() || page["next_after"] == after) break;
      after = page["next_after"];
      if (after >= page["last_seq"]) break;
    }
    return log;
  }

  // Every event of the log arrived, with its seq in the header and the body,
  // under shop.<topic>, keyed by its aggregate; per topic and key (one
  // partition), in seq order.
  void ExpectEveryEventExported() {
    auto log = Log();
    ASSERT_FALSE(log.empty());
    std::set<std::string> topics;
    for (const auto& [seq, event] : log) topics.insert("shop." + event.first);
    std::vector<Received> received = Consume(topics, log.size());
    std::set<int64_t> seen;
    std::map<std::pair<std::string, std::string>, int64_t> last_per_key;
    for (const Received& r : received) {
      ASSERT_TRUE(r.body.is_object()) << r.topic;
      EXPECT_EQ(r.body["seq"], r.header_seq);
      auto it = log.find(r.header_seq);
      ASSERT_NE(it, log.end()) << "seq " << r.header_seq << " is not in the log";
      EXPECT_EQ(r.topic, "shop." + it->second.first);
      EXPECT_EQ(r.key, it->second.second) << r.topic;
      if (seen.insert(r.header_seq).second) {
        // A duplicate may repeat an earlier seq; a first arrival never goes back.
        int64_t& last = last_per_key[{r.topic, r.key}];
        EXPECT_GT(r.header_seq, last) << r.topic << " key " << r.key << " out of order";
        last = r.header_seq;
      }
    }
    for (const auto& [seq, event] : log) {
      EXPECT_TRUE(seen.count(seq)) << "seq " << seq << " (" << event.first << ") never arrived";
    }
  }

  rd_kafka_t* cluster_handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstraps_;
  bool admin_made_ = false;
  int products_ = 0;
  int buyers_ = 0;
  int groups_ = 0;
};

TEST_F(ExportKafkaTest, EveryEventArrivesInOrderPerKey) {
  Workload(30);
  json row = WaitForSink([](const json& r) { return r["lag"] == 0 && r["processed"] > 0; });
  EXPECT_EQ(row["kind"], "export");
  EXPECT_EQ(row["role"], "active");
  EXPECT_EQ(row["cursor"], row["last_seq"]);  // one row: the workers may append meanwhile
  EXPECT_NE(row["target"].get<std::string>().find(bootstraps_), std::string::npos);
  ExpectEveryEventExported();
}

TEST_F(ExportKafkaTest, ABrokerOutageShowsAsLagAndDrainsWhenItEnds) {
  Workload(3);
  WaitForSink([](const json& r) { return r["lag"] == 0; });
  SetBrokers(false);
  Workload(10);  // orders go on while no broker answers
  json down = WaitForSink([](const json& r) { return !r["last_error"].is_null(); });
  EXPECT_GT(down["lag"], 0);
  EXPECT_EQ(down["state"], "retrying");
  EXPECT_GT(down["failed"], 0);
  SetBrokers(true);
  json drained = WaitForSink([](const json& r) { return r["lag"] == 0; });
  EXPECT_TRUE(drained["last_error"].is_null());
  EXPECT_EQ(drained["attempts"], 0);
  ExpectEveryEventExported();
}

TEST_F(ExportKafkaTest, APausedSinkHoldsItsEventsUntilResumed) {
  json paused = Must(Call("worker.pause", {{"worker", "kafka"}}, Cookie()), "pause");
  EXPECT_EQ(paused["state"], "paused");
  Workload(5);
  // Nothing moves while paused: the row still says paused with the whole log as lag.
  json row = SinkRow();
  EXPECT_EQ(row["state"], "paused");
  EXPECT_EQ(row["cursor"], 0);
  EXPECT_GT(row["lag"], 0);
  EXPECT_EQ(row["lag"], row["last_seq"]);
  Must(Call("worker.resume", {{"worker", "kafka"}}, Cookie()), "resume");
  WaitForSink([](const json& r) { return r["lag"] == 0; });
  ExpectEveryEventExported();
  // A restart keeps the cursor: nothing is exported twice without a reason.
  const json before = SinkRow();
  RestartDaemon();
  client_.reset();
  const json after = SinkRow();
  EXPECT_EQ(after["cursor"], before["cursor"]);
  EXPECT_EQ(after["processed"], before["processed"]);
}

// Several martd on one PostgreSQL store, each given the same --export: one
// runs the sink, the other stands by and takes it over when the first stops;
// nothing is lost across the hand-over.
TEST_F(ExportKafkaTest, OneInstanceRunsTheSinkAndAnotherTakesOver) {
  if (options_.store.empty()) GTEST_SKIP() << "several martd need a PostgreSQL store";
  daemon::DaemonOptions second = options_;
  second.data_dir = root_ + "/b";
  second.listen = "ipc://" + root_ + "/b/run/martd.sock";
  second.signing_key = options_.data_dir + "/signing.key";
  auto b = std::make_unique<daemon::Daemon>(second, &clock_);
  Status started = b->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  ClientOptions client_options;
  client_options.endpoints = {second.listen};
  client_options.timeout = std::chrono::milliseconds(10000);
  client_options.retries = 0;
  Client on_b(client_options);
  std::string cookie_b;
  std::ifstream(second.data_dir + "/cookie") >> cookie_b;
  auto row_on_b = [&] {
    auto rows = on_b.Call("queue.list", json::object(),
                          CallOptions{std::string(kCookieAuthPrefix) + cookie_b, ""});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    for (const json& row : rows.ok() ? *rows : json::array()) {
      if (row["worker"] == "kafka") return row;
    }
    return json::object();
  };

  Workload(5);
  WaitForSink([](const json& r) { return r["lag"] == 0 && r["role"] == "active"; });
  json standby = json::object();
  for (int i = 0; i < 500 && standby.value("role", "") != "standby"; ++i) {
    standby = row_on_b();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(standby["role"], "standby");
  EXPECT_EQ(standby["state"], "standby");

  // The runner goes; the other instance takes the sink over and exports what follows.
  daemon_.reset();
  client_.reset();
  auto buyer = on_b.Call("auth.register", {{"email", "late@example.com"}, {"password", "Password123"},
                                           {"first_name", "Late"}, {"last_name", "Buyer"}},
                         CallOptions{});
  EXPECT_TRUE(buyer.ok()) << buyer.status().ToString();
  json taken = json::object();
  for (int i = 0; i < 1500; ++i) {
    taken = row_on_b();
    if (taken.value("role", "") == "active" && taken["lag"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(taken["role"], "active");
  EXPECT_EQ(taken["lag"], 0);
  // Everything is on Kafka, the late registration included.
  StartDaemon();
  ExpectEveryEventExported();
  b.reset();
}

}  // namespace
}  // namespace mart::testing
