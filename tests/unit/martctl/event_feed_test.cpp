#include "martctl/event_feed.h"

#include <gtest/gtest.h>

namespace mart::cli {
namespace {

using nlohmann::json;

TEST(DecodeFeedFramesTest, DecodesTheThreeFrames) {
  const json event = {{"seq", 42}, {"topic", "order.placed"}, {"created_at", "t"}, {"data", {}}};
  std::optional<FeedEvent> decoded = DecodeFeedFrames("order.placed", event.dump(), "42");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->seq, 42);
  EXPECT_EQ(decoded->event, event);
}

TEST(DecodeFeedFramesTest, MalformedFramesAreDroppedLikeLostOnes) {
  const std::string body = json{{"seq", 1}, {"topic", "a.b"}}.dump();
  EXPECT_FALSE(DecodeFeedFrames("a.b", body, "x").has_value());
  EXPECT_FALSE(DecodeFeedFrames("a.b", body, "1x").has_value());
  EXPECT_FALSE(DecodeFeedFrames("a.b", body, "0").has_value());
  EXPECT_FALSE(DecodeFeedFrames("a.b", body, "").has_value());
  EXPECT_FALSE(DecodeFeedFrames("a.b", "{not json", "1").has_value());
  EXPECT_FALSE(DecodeFeedFrames("a.b", "[1]", "1").has_value());
  EXPECT_FALSE(DecodeFeedFrames("c.d", body, "1").has_value());
}

}  // namespace
}  // namespace mart::cli
