#include "martctl/local/event_sequencer.h"

#include <gtest/gtest.h>

namespace mart::cli {
namespace {

const FramePlan kUse{.read_first = std::nullopt, .use_frame = true};
const FramePlan kSkip{};

TEST(EventSequencerTest, FramesInOrderAreUsedOneAfterAnother) {
  EventSequencer sequencer(10);
  for (int64_t seq = 11; seq <= 13; ++seq) {
    EXPECT_EQ(sequencer.OnFrame(seq), kUse) << seq;
    EXPECT_TRUE(sequencer.Accept(seq));
  }
  EXPECT_EQ(sequencer.delivered_through(), 13);
}

TEST(EventSequencerTest, WhatWasAlreadySeenIsSkipped) {
  EventSequencer sequencer(10);
  EXPECT_EQ(sequencer.OnFrame(10), kSkip);
  EXPECT_EQ(sequencer.OnFrame(3), kSkip);
  EXPECT_FALSE(sequencer.Accept(10));
  ASSERT_TRUE(sequencer.Accept(11));
  EXPECT_EQ(sequencer.OnFrame(11), kSkip);  // the frame of an event read from the log
  EXPECT_EQ(sequencer.delivered_through(), 11);
}

TEST(EventSequencerTest, AGapIsFilledFromTheLogBeforeTheFrame) {
  EventSequencer sequencer(10);
  const FramePlan plan = sequencer.OnFrame(14);
  ASSERT_TRUE(plan.read_first.has_value());
  EXPECT_EQ(*plan.read_first, (LogRead{.after = 10, .through = 13}));
  EXPECT_TRUE(plan.use_frame);
  // The log gave 11 and 13 (12 is another topic) and was read through 13.
  EXPECT_TRUE(sequencer.Accept(11));
  EXPECT_TRUE(sequencer.Accept(13));
  sequencer.SkipThrough(13);
  EXPECT_TRUE(sequencer.Accept(14));
  EXPECT_EQ(sequencer.OnFrame(15), kUse);
}

TEST(EventSequencerTest, WhenIdleTheLogIsReadToItsEnd) {
  EventSequencer sequencer(7);
  EXPECT_EQ(sequencer.OnIdle(), (LogRead{.after = 7, .through = std::nullopt}));
  sequencer.SkipThrough(9);  // the dropped tail of a burst, filtered out by topic
  EXPECT_EQ(sequencer.OnIdle(), (LogRead{.after = 9, .through = std::nullopt}));
  EXPECT_EQ(sequencer.OnFrame(10), kUse);
}

TEST(EventSequencerTest, SkippingNeverGoesBack) {
  EventSequencer sequencer(20);  // --since 20 on a log that ends at 5
  sequencer.SkipThrough(5);
  EXPECT_EQ(sequencer.delivered_through(), 20);
  EXPECT_EQ(sequencer.OnFrame(6), kSkip);
}

}  // namespace
}  // namespace mart::cli
