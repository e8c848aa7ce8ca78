#include "stores/event_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/test_store.h"

namespace mart::store {
namespace {

using test::Must;

class EventStoreTest : public ::testing::Test {
 protected:
  EventStore& events() { return harness_.store().events(); }
  Database& db() { return harness_.store().db(); }

  std::vector<int64_t> Seqs(int64_t after = 0, int64_t limit = 100) {
    std::vector<int64_t> seqs;
    for (const EventRow& row : Must(events().ReadAfter(after, limit), "read")) {
      seqs.push_back(row.seq);
    }
    return seqs;
  }

  test::StoreHarness harness_;
};

TEST_F(EventStoreTest, EmptyLogHasSeqZero) {
  EXPECT_EQ(Must(events().LastSeq(), "last"), 0);
  EXPECT_TRUE(Seqs().empty());
}

TEST_F(EventStoreTest, AppendNumbersFromOneWithoutGaps) {
  EXPECT_EQ(Must(events().Append("user.registered", R"({"user_id":1})", 10), "1"), 1);
  EXPECT_EQ(Must(events().Append("user.registered", R"({"user_id":2})", 20), "2"), 2);
  EXPECT_EQ(Must(events().Append("user.deactivated", R"({"user_id":1})", 30), "3"), 3);
  EXPECT_EQ(Must(events().LastSeq(), "last"), 3);
}

TEST_F(EventStoreTest, ReadAfterReturnsLaterEventsOldestFirstWithinLimit) {
  for (int i = 1; i <= 5; ++i) {
    Must(events().Append("t.happened", "{\"i\":" + std::to_string(i) + "}", i * 100), "append");
  }
  EXPECT_EQ(Seqs(0), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(Seqs(2), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(Seqs(2, 2), (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(Seqs(5).empty());
  std::vector<EventRow> rows = Must(events().ReadAfter(3, 1), "read");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, 4);
  EXPECT_EQ(rows[0].topic, "t.happened");
  EXPECT_EQ(rows[0].payload, R"({"i":4})");
  EXPECT_EQ(rows[0].created_at, 400);
}

TEST_F(EventStoreTest, RolledBackAppendsLeaveNoGap) {
  Must(events().Append("a.done", "{}", 1), "first");
  {
    Transaction transaction(db());
    EXPECT_EQ(Must(events().Append("b.done", "{}", 2), "rolled back"), 2);
  }
  {
    Transaction transaction(db());
    Savepoint savepoint(db());
    EXPECT_EQ(Must(events().Append("c.done", "{}", 3), "rolled back too"), 2);
  }
  EXPECT_EQ(Must(events().Append("d.done", "{}", 4), "next"), 2);
  EXPECT_EQ(Seqs(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Must(events().ReadAfter(1, 1), "read")[0].topic, "d.done");
}

}  // namespace
}  // namespace mart::store
