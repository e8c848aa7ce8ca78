// The live feed's subscriber list: leases end on the clock, renewals extend
// them, a glob filters, a drop ends a subscription at once, and the count the
// publisher reads follows every change.
#include "rpc/feed.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mart::rpc {
namespace {

using std::chrono::milliseconds;

class FeedSubscribersTest : public ::testing::Test {
 protected:
  std::vector<std::string> Recipients(const std::string& topic) {
    std::vector<std::string> names;
    for (const std::vector<std::string>* routing : feed_.For(topic)) names.push_back(routing->front());
    return names;
  }

  FeedSubscribers::TimePoint now_{};
  FeedSubscribers feed_{[this] { return now_; }};
};

TEST_F(FeedSubscribersTest, ALeaseEndsUnlessRenewed) {
  ASSERT_TRUE(feed_.Subscribe({"a"}, "", milliseconds(60000)).ok());
  ASSERT_TRUE(feed_.Subscribe({"b"}, "", milliseconds(60000)).ok());
  EXPECT_EQ(feed_.count().load(), 2);
  now_ += milliseconds(40000);
  ASSERT_TRUE(feed_.Subscribe({"a"}, "", milliseconds(60000)).ok());  // a renews
  EXPECT_EQ(Recipients("order.placed"), (std::vector<std::string>{"a", "b"}));
  now_ += milliseconds(20000);  // b's lease is over
  EXPECT_EQ(Recipients("order.placed"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(feed_.count().load(), 1);
  now_ += milliseconds(40000);
  EXPECT_TRUE(Recipients("order.placed").empty());
  EXPECT_EQ(feed_.count().load(), 0);
}

TEST_F(FeedSubscribersTest, AGlobFiltersAndADropEndsAtOnce) {
  ASSERT_TRUE(feed_.Subscribe({"orders", "frame2"}, "order.*", milliseconds(1000)).ok());
  ASSERT_TRUE(feed_.Subscribe({"all"}, "", milliseconds(1000)).ok());
  EXPECT_EQ(Recipients("order.placed"), (std::vector<std::string>{"all", "orders"}));
  EXPECT_EQ(Recipients("payment.succeeded"), (std::vector<std::string>{"all"}));
  EXPECT_EQ(feed_.For("order.placed").back()->size(), 2u) << "every routing frame is kept";
  feed_.Drop("all");
  EXPECT_EQ(Recipients("payment.succeeded"), std::vector<std::string>{});
  EXPECT_EQ(feed_.count().load(), 1);
  feed_.Drop("nobody");
  EXPECT_EQ(feed_.count().load(), 1);
}

TEST_F(FeedSubscribersTest, TheNumberOfSubscribersIsBounded) {
  for (size_t i = 0; i < FeedSubscribers::kMaxSubscribers; ++i) {
    ASSERT_TRUE(feed_.Subscribe({"c" + std::to_string(i)}, "", milliseconds(1000)).ok());
  }
  Status full = feed_.Subscribe({"one-more"}, "", milliseconds(1000));
  EXPECT_EQ(full.code(), Code::kUnavailable);
  EXPECT_TRUE(feed_.Subscribe({"c0"}, "", milliseconds(1000)).ok()) << "a renewal still works";
  now_ += milliseconds(1000);  // all expire
  EXPECT_TRUE(feed_.Subscribe({"one-more"}, "", milliseconds(1000)).ok());
  EXPECT_EQ(feed_.count().load(), 1);
}

}  // namespace
}  // namespace mart::rpc
