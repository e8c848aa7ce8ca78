// order wait: reached, ruled out by the transition table, timed out.
#include "martctl/local/order_wait.h"

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::RecordedCall;

constexpr char kOrder[] = "66f1c0ffee0000000000beef";

// order.get answers each status in turn, then the last one for ever.
std::function<Result<json>(const RecordedCall&)> Statuses(std::vector<std::string> statuses) {
  return [statuses, index = size_t{0}](const RecordedCall& call) mutable -> Result<json> {
    EXPECT_EQ(call.method, "order.get");
    return json{{"id", kOrder}, {"status", statuses[std::min(index++, statuses.size() - 1)]}};
  };
}

TEST(OrderWaitTest, ByDefaultWaitsUntilTheOrderLeavesPending) {
  testing::TestIo test;
  test.answer = Statuses({"pending", "pending", "cancelled"});
  ASSERT_EQ(test.Run({"order", "wait", kOrder, "-o", "json"}), 0) << test.err.str();
  EXPECT_EQ(json::parse(test.out.str())["status"], "cancelled");
  EXPECT_EQ(test.calls.size(), 3u);
  EXPECT_EQ(test.sleeps, (std::vector<milliseconds>{milliseconds(5), milliseconds(10)}));
}

TEST(OrderWaitTest, ReachesTheStatusAskedFor) {
  testing::TestIo test;
  test.answer = Statuses({"processing", "paid", "shipped"});
  ASSERT_EQ(test.Run({"order", "wait", kOrder, "--for", "shipped", "-q"}), 0) << test.err.str();
  EXPECT_EQ(test.out.str(), std::string(kOrder) + "\n");
  EXPECT_EQ(test.calls.size(), 3u);
}

TEST(OrderWaitTest, AStatusThatCanNoLongerBeReachedIsExitFive) {
  testing::TestIo test;
  test.answer = Statuses({"processing", "cancelled"});
  EXPECT_EQ(test.Run({"order", "wait", kOrder, "--for", "shipped"}), 5);
  EXPECT_EQ(test.err.str(), "martctl: order " + std::string(kOrder) +
                                " is cancelled and can no longer become shipped "
                                "[FAILED_PRECONDITION]\n");
  EXPECT_EQ(test.out.str(), "");
  test.err.str("");
  test.answer = Statuses({"processing"});
  EXPECT_EQ(test.Run({"order", "wait", kOrder, "--for", "pending"}), 5);
  EXPECT_NE(test.err.str().find("is processing and can no longer become pending"),
            std::string::npos);
}

TEST(OrderWaitTest, TimingOutIsExitSix) {
  testing::TestIo test;
  test.answer = Statuses({"pending"});
  EXPECT_EQ(test.Run({"order", "wait", kOrder, "--wait-timeout", "0"}), 6);
  EXPECT_EQ(test.err.str(), "martctl: order " + std::string(kOrder) +
                                " is still pending after 0 s [UNAVAILABLE]\n");
  EXPECT_EQ(test.calls.size(), 1u);  // one poll is always made
  test.err.str("");
  test.calls.clear();
  EXPECT_EQ(test.Run({"order", "wait", kOrder, "--for", "delivered", "--wait-timeout", "2"}), 6);
  EXPECT_EQ(test.elapsed, milliseconds(2000));
  EXPECT_GT(test.calls.size(), 15u);
}

TEST(OrderWaitTest, ErrorsOfOrderGetPassThrough) {
  testing::TestIo test;
  test.answer = [](const RecordedCall&) -> Result<json> {
    return NotFound("order 66f1c0ffee0000000000beef not found");
  };
  EXPECT_EQ(test.Run({"order", "wait", kOrder}), 3);
  test.answer = [](const RecordedCall&) -> Result<json> {
    return PermissionDenied("order 66f1c0ffee0000000000beef is not yours");
  };
  EXPECT_EQ(test.Run({"order", "wait", kOrder}), 4);
}

TEST(OrderWaitTest, BadArgumentsAreUsageErrorsBeforeAnyCall) {
  testing::TestIo test;
  EXPECT_EQ(test.Run({"order", "wait", kOrder, "--for", "lost"}), 2);
  EXPECT_EQ(test.Run({"order", "wait", std::string(kOrder) + "00"}), 2);
  EXPECT_NE(test.err.str().find("id is longer than 24 bytes"), std::string::npos)
      << test.err.str();
  EXPECT_EQ(test.Run({"order", "wait"}), 2);
  EXPECT_TRUE(test.calls.empty());
}

}  // namespace
}  // namespace mart::cli
