// The live event feed: a SUB socket on the daemon's events endpoint receives
// every committed event as [topic][json][seq], the same events `events.read`
// returns from the log, in sequence without gaps.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "daemon_fixture.h"
#include "mart/paths.h"

namespace mart::testing {
namespace {

using nlohmann::json;

struct Frame {
  std::string topic;
  json body;
  std::string seq;
};

class EventFeedTest : public DaemonTest {
 protected:
  void Subscribe() {
    subscriber_.set(zmq::sockopt::linger, 0);
    subscriber_.set(zmq::sockopt::subscribe, "");
    subscriber_.connect(EventsEndpointFor(options_.listen));
  }

  // One three-part message, or nothing within `timeout_ms`.
  std::optional<Frame> Receive(int timeout_ms) {
    subscriber_.set(zmq::sockopt::rcvtimeo, timeout_ms);
    std::vector<zmq::message_t> parts;
    zmq::message_t part;
    do {
      if (!subscriber_.recv(part)) return std::nullopt;
      parts.push_back(std::move(part));
    } while (subscriber_.get(zmq::sockopt::rcvmore));
    EXPECT_EQ(parts.size(), 3u);
    if (parts.size() != 3) return std::nullopt;
    return Frame{parts[0].to_string(), json::parse(parts[1].to_string(), nullptr, false),
                 parts[2].to_string()};
  }

  // A subscriber joins asynchronously and misses what was published before:
  // publish probes until one arrives. Returns its seq. Events committed before
  // the probes may still arrive first (on PostgreSQL the feed relay reads them
  // from the log), so only a probe ends the handshake.
  int64_t Handshake() {
    for (int i = 0; i < 200; ++i) {
      auto published = Call("events.publish", {{"topic", "test.probe"}, {"data", {{"i", i}}}},
                            Cookie());
      EXPECT_TRUE(published.ok()) << published.status().ToString();
      while (auto frame = Receive(50)) {
        if (frame->topic == "test.probe") return frame->body["seq"].get<int64_t>();
      }
    }
    ADD_FAILURE() << "the subscriber never received a probe";
    return 0;
  }

  zmq::context_t context_{1};
  zmq::socket_t subscriber_{context_, zmq::socket_type::sub};
};

TEST_F(EventFeedTest, CommittedEventsArriveAsTopicJsonSeqFrames) {
  auto status = Call("daemon.status", json::object(), Cookie());
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ((*status)["events_endpoint"], EventsEndpointFor(options_.listen));

  const std::string token = RegisterAndLogin("ann@example.com");
  auto product = Call("product.create", {{"name", "Smart Watch"}, {"category", "Electronics"},
                                         {"price", 179.99}, {"quantity", 75}},
                      Cookie());
  ASSERT_TRUE(product.ok()) << product.status().ToString();
  Subscribe();
  const int64_t after = Handshake();
  ASSERT_GT(after, 0);

  json items = {{{"product_id", (*product)["id"]}, {"quantity", 1}}};
  json address = {{"line1", "1 Main St"}, {"city", "Springfield"}, {"postal_code", "54321"},
                  {"country", "US"}};
  auto placed = Call("order.place", {{"items", items}, {"shipping_address", address}}, token);
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();

  // The log after the handshake: any later probes, then the order's events,
  // which the workers added in the same commit as the placement.
  auto logged = Call("events.read", {{"after", after}}, Cookie());
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  const json& events = (*logged)["events"];
  std::vector<std::string> order_topics;
  for (const json& event : events) {
    if (event["topic"] != "test.probe") order_topics.push_back(event["topic"].get<std::string>());
  }
  EXPECT_EQ(order_topics, (std::vector<std::string>{"order.placed", "inventory.reserved",
                                                    "order.status_changed"}));

  int64_t expected_seq = after + 1;
  for (const json& event : events) {
    auto frame = Receive(10000);
    ASSERT_TRUE(frame.has_value()) << "no frame for event " << event.dump();
    EXPECT_EQ(frame->topic, event["topic"]);
    EXPECT_EQ(frame->seq, std::to_string(expected_seq));  // gap-free
    EXPECT_EQ(frame->body, event);                        // the log's own JSON
    ++expected_seq;
  }
  EXPECT_EQ(expected_seq - 1, (*logged)["last_seq"].get<int64_t>());
}

}  // namespace
}  // namespace mart::testing
