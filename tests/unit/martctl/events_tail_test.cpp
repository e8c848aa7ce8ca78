// events tail against a fake daemon whose events.read behaves like martd's
// (a topic glob, a limit, a bounded scan per call) and a scripted feed.
#include "martctl/local/events_tail.h"

#include <fnmatch.h>

#include <csignal>

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::Frame;
using testing::RecordedCall;

constexpr int64_t kScanPerCall = 7;  // small, so that reads must page

class EventsTailTest : public ::testing::Test {
 protected:
  EventsTailTest() {
    test_.answer = [this](const RecordedCall& call) { return Answer(call); };
  }

  // Appends events 1..count to the log; every third is "stock.updated".
  void Append(int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
      const int64_t seq = static_cast<int64_t>(log_.size()) + 1;
      log_.push_back(Frame(seq, seq % 3 == 0 ? "stock.updated" : "order.placed",
                           {{"n", seq}}).event);
    }
  }

  Result<json> Answer(const RecordedCall& call) {
    if (call.method == "events.subscribe") {
      subscriptions_.push_back(call.params);
      if (!refuse_renewal_.ok() && subscriptions_.size() > 1) return refuse_renewal_;
      return json{{"lease_ms", lease_ms_},
                  {"topic", call.params.value("topic", "")},
                  {"last_seq", static_cast<int64_t>(log_.size())}};
    }
    if (call.method != "events.read") return Internal("unexpected " + call.method);
    if (!down_.empty()) {
      Status status = down_.front();
      down_.erase(down_.begin());
      return status;
    }
    reads_.push_back(call.params);
    const int64_t after = call.params.value("after", int64_t{0});
    const int64_t limit = call.params.value("limit", int64_t{100});
    const std::string glob = call.params.value("topic", "");
    json events = json::array();
    int64_t cursor = after;
    for (int64_t scanned = 0; cursor < static_cast<int64_t>(log_.size()) &&
                              scanned < kScanPerCall && static_cast<int64_t>(events.size()) < limit;
         ++scanned) {
      const json& event = log_[static_cast<size_t>(cursor++)];
      const std::string topic = event["topic"];
      if (glob.empty() || ::fnmatch(glob.c_str(), topic.c_str(), 0) == 0) events.push_back(event);
    }
    return json{{"events", events},
                {"next_after", cursor},
                {"last_seq", static_cast<int64_t>(log_.size())}};
  }

  std::vector<int64_t> PrintedSeqs() {
    std::vector<int64_t> seqs;
    std::istringstream lines(test_.out.str());
    for (std::string line; std::getline(lines, line);) seqs.push_back(std::stoll(line));
    return seqs;
  }

  testing::TestIo test_;
  std::vector<json> log_;
  std::vector<json> reads_;
  std::vector<Status> down_;  // errors events.read answers first
  std::vector<json> subscriptions_;  // params of each events.subscribe
  int64_t lease_ms_ = 60000;
  Status refuse_renewal_ = Status::Ok();  // the answer to every renewal
};

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> seqs;
  for (int64_t seq = first; seq <= last; ++seq) seqs.push_back(seq);
  return seqs;
}

TEST_F(EventsTailTest, PrintsTheLastTenByDefault) {
  Append(30);
  ASSERT_EQ(test_.Run({"events", "tail", "-q"}), 0) << test_.err.str();
  EXPECT_EQ(PrintedSeqs(), Range(21, 30));
  EXPECT_TRUE(test_.subscribed.empty());
}

TEST_F(EventsTailTest, FindsTheLastMatchingEventsByWideningTheWindow) {
  Append(40);
  ASSERT_EQ(test_.Run({"events", "tail", "--topic", "stock.*", "-n", "4", "-q"}), 0)
      << test_.err.str();
  EXPECT_EQ(PrintedSeqs(), (std::vector<int64_t>{30, 33, 36, 39}));
  for (const json& read : reads_) {
    if (read["limit"] != 1) {
      EXPECT_EQ(read["topic"], "stock.*");
    }
  }
}

TEST_F(EventsTailTest, FewerEventsThanAskedForPrintsThemAll) {
  Append(3);
  ASSERT_EQ(test_.Run({"events", "tail", "-n", "50", "-q"}), 0);
  EXPECT_EQ(PrintedSeqs(), Range(1, 3));
  test_.out.str("");
  log_.clear();
  ASSERT_EQ(test_.Run({"events", "tail", "-q"}), 0);
  EXPECT_EQ(test_.out.str(), "");
}

TEST_F(EventsTailTest, FromTheBeginningAndSincePageThroughTheLog) {
  Append(25);
  ASSERT_EQ(test_.Run({"events", "tail", "--from-beginning", "-q"}), 0);
  EXPECT_EQ(PrintedSeqs(), Range(1, 25));
  test_.out.str("");
  ASSERT_EQ(test_.Run({"events", "tail", "--since", "17", "-q"}), 0);
  EXPECT_EQ(PrintedSeqs(), Range(18, 25));
}

TEST_F(EventsTailTest, LinesAreTabSeparatedOrJsonLines) {
  Append(1);
  ASSERT_EQ(test_.Run({"events", "tail"}), 0);
  EXPECT_EQ(test_.out.str(), "1\t2026-01-01T00:00:00.000000+00:00\torder.placed\t{\"n\":1}\n");
  test_.out.str("");
  ASSERT_EQ(test_.Run({"events", "tail", "-o", "json"}), 0);
  EXPECT_EQ(json::parse(test_.out.str()), log_[0]);
}

TEST_F(EventsTailTest, FromBeginningAndSinceExcludeEachOther) {
  EXPECT_EQ(test_.Run({"events", "tail", "--from-beginning", "--since", "3"}), 2);
  EXPECT_TRUE(test_.calls.empty());
}

TEST_F(EventsTailTest, FollowSkipsRepeatsFillsGapsAndPollsWhenIdle) {
  Append(5);
  // Subscribed before the backlog: the feed repeats 4 and 5, then drops 7.
  test_.feed = {Frame(4, "order.placed"), Frame(5, "order.placed"), Frame(6, "order.placed")};
  test_.feed.push_back(Frame(8, "order.placed"));
  test_.feed.push_back(std::nullopt);  // a quiet second
  test_.feed_drained = [] { std::raise(SIGINT); };
  test_.answer = [this](const RecordedCall& call) {
    // Events 6 to 9 are in the log after the backlog read; 9's frame is lost.
    if (log_.size() == 5 && call.method == "events.read" && reads_.size() == 1) Append(4);
    return Answer(call);
  };
  EXPECT_EQ(test_.Run({"events", "tail", "--follow", "--since", "3", "-q"}), 130);
  EXPECT_FALSE(test_.subscribed.empty());
  EXPECT_EQ(PrintedSeqs(), Range(4, 9));
  EXPECT_EQ(test_.calls[0].method, "events.subscribe");  // subscribed before reading
  EXPECT_EQ(test_.calls[1].method, "events.read") << "on the same connection";
}

TEST_F(EventsTailTest, AGapIsReadFromTheLogUpToTheFrame) {
  Append(12);
  test_.feed = {Frame(16, "order.placed")};  // 13 to 15 were dropped
  test_.feed_drained = [] { std::raise(SIGINT); };
  test_.answer = [this](const RecordedCall& call) {
    // 13 to 18 are appended after the backlog was read.
    if (call.method == "events.read" && reads_.size() == 1 && log_.size() == 12) Append(6);
    return Answer(call);
  };
  ASSERT_EQ(test_.Run({"events", "tail", "--follow", "--since", "9", "-q"}), 130);
  EXPECT_EQ(PrintedSeqs(), Range(10, 16));
  ASSERT_EQ(reads_.size(), 2u);
  EXPECT_EQ(reads_[1]["after"], 12);
}

TEST_F(EventsTailTest, FollowWithNoLinesPrintsOnlyNewEvents) {
  Append(12);
  test_.feed = {Frame(13, "order.placed")};
  test_.feed_drained = [] { std::raise(SIGINT); };
  ASSERT_EQ(test_.Run({"events", "tail", "--follow", "-n", "0", "-o", "json"}), 130);
  EXPECT_EQ(json::parse(test_.out.str()), Frame(13, "order.placed").event);
}

TEST_F(EventsTailTest, TheSubscriptionIsRenewedEveryThirdOfItsLease) {
  Append(1);
  lease_ms_ = 3000;
  test_.feed = {std::nullopt, std::nullopt, std::nullopt, std::nullopt};  // four quiet seconds
  test_.feed_drained = [] { std::raise(SIGINT); };
  ASSERT_EQ(test_.Run({"events", "tail", "--follow", "-n", "0", "--topic", "order.*"}), 130);
  // At 0 s, then each time a second (a third of 3 s) has passed.
  ASSERT_EQ(subscriptions_.size(), 5u);
  for (const json& params : subscriptions_) EXPECT_EQ(params, json({{"topic", "order.*"}}));
}

TEST_F(EventsTailTest, ARefusedRenewalEndsTheTailWithThatError) {
  Append(1);
  lease_ms_ = 3000;
  refuse_renewal_ = PermissionDenied("events.subscribe is for admins only");
  test_.feed = {std::nullopt, std::nullopt};
  EXPECT_EQ(test_.Run({"events", "tail", "--follow", "-n", "0"}), 4);
  EXPECT_NE(test_.err.str().find("events.subscribe is for admins only"), std::string::npos)
      << test_.err.str();
  EXPECT_EQ(subscriptions_.size(), 2u);
}

TEST_F(EventsTailTest, SubscribePrintsOnlyNewEvents) {
  Append(12);
  test_.feed = {Frame(12, "order.placed"), Frame(13, "payment.succeeded")};
  test_.feed_drained = [] { std::raise(SIGINT); };
  ASSERT_EQ(test_.Run({"events", "subscribe", "--topic", "payment.*", "-q"}), 130);
  EXPECT_EQ(PrintedSeqs(), (std::vector<int64_t>{13}));
  EXPECT_EQ(subscriptions_.at(0), json({{"topic", "payment.*"}}));
}

TEST_F(EventsTailTest, FollowFiltersFramesByTopic) {
  Append(2);
  test_.feed = {Frame(3, "stock.updated"), Frame(4, "order.placed"), Frame(5, "stock.low")};
  test_.feed_drained = [] { std::raise(SIGINT); };
  EXPECT_EQ(test_.Run({"events", "tail", "--follow", "-n", "0", "--topic", "stock.*", "-q"}),
            130);
  EXPECT_EQ(PrintedSeqs(), (std::vector<int64_t>{3, 5}));
}

TEST_F(EventsTailTest, WhileTheDaemonRestartsItRetriesEverySecondSayingSoOnce) {
  Append(2);
  test_.feed = {std::nullopt};
  test_.feed_drained = [] { std::raise(SIGTERM); };
  ASSERT_EQ(test_.Run({"events", "tail", "--follow", "-q"}), 143);  // the backlog first
  test_.out.str("");
  test_.err.str("");
  test_.sleeps.clear();
  test_.feed = {std::nullopt};
  test_.feed_drained = [] { std::raise(SIGINT); };
  test_.answer = [this](const RecordedCall& call) {
    // The idle poll finds the daemon restarting, twice.
    if (call.method == "events.read" && reads_.size() == 2 && log_.size() == 2) {
      down_ = {Unavailable("daemon unavailable: no reply"), Unavailable("daemon unavailable")};
      Append(1);
    }
    return Answer(call);
  };
  reads_.clear();
  ASSERT_EQ(test_.Run({"events", "tail", "--follow", "-q"}), 130);
  EXPECT_EQ(test_.err.str(), "martctl: daemon unavailable: no reply; retrying every second\n");
  EXPECT_EQ(test_.sleeps, (std::vector<std::chrono::milliseconds>(2, std::chrono::seconds(1))));
  EXPECT_EQ(PrintedSeqs(), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(EventsTailTest, ANewConnectionIsSubscribedAgainAndTheChangeOverReadFromTheLog) {
  Append(4);
  // Frame 4 comes on the first connection. The idle read after it is answered,
  // then the feed connects anew (another martd of the list took over) while 5
  // to 7 are committed; the new connection pushes 8 once subscribed.
  test_.feed = {Frame(4, "order.placed"), std::nullopt, Frame(8, "order.placed")};
  test_.feed_drained = [] { std::raise(SIGINT); };
  test_.answer = [this](const RecordedCall& call) {
    Result<json> answer = Answer(call);
    if (call.method == "events.read" && reads_.size() == 2) {
      test_.feed_connection = 2;
      Append(4);
    }
    return answer;
  };
  ASSERT_EQ(test_.Run({"events", "tail", "--follow", "--since", "3", "-q"}), 130);
  EXPECT_EQ(PrintedSeqs(), Range(4, 8));
  ASSERT_EQ(subscriptions_.size(), 2u) << "subscribed again on the new connection";
  // Right after subscribing again, the log is read from where the tail stood.
  auto second = std::find_if(test_.calls.begin() + 1, test_.calls.end(),
                             [](const RecordedCall& c) { return c.method == "events.subscribe"; });
  ASSERT_NE(second, test_.calls.end());
  ASSERT_NE(second + 1, test_.calls.end());
  EXPECT_EQ((second + 1)->method, "events.read");
  EXPECT_EQ((second + 1)->params["after"], 4);
}

TEST_F(EventsTailTest, WithoutFollowUnavailableIsExitSix) {
  down_ = {Unavailable("daemon unavailable: no reply")};
  EXPECT_EQ(test_.Run({"events", "tail"}), 6);
  EXPECT_TRUE(test_.sleeps.empty());
}

}  // namespace
}  // namespace mart::cli
