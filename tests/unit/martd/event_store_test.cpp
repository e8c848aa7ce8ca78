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

// A worker's page leaves the events it appends for its end, numbered as
// they are appended: nothing is written until then unless the log is read
// (which writes what waits first); then up to 64 rows go in one statement,
// each with its own values; a page undone drops what still waits, and the
// numbers go on from what the log holds.
TEST_F(EventStoreTest, EventsLeftForThePagesEndKeepTheirNumbersAndOrder) {
  Must(events().Append("a.done", "{}", 1), "before the page");
  Transaction transaction(db());
  harness_.store().DeferWrites();
  auto payload = [](int i) { return "{\"i\":" + std::to_string(i) + "}"; };
  EXPECT_EQ(Must(events().Append("t.happened", payload(0), 100), "append"), 2);
  uint64_t before = StatementsExecuted();
  for (int i = 1; i < 70; ++i) {
    EXPECT_EQ(Must(events().Append("t.happened", payload(i), 100 + i), "append"), 2 + i);
  }
  EXPECT_EQ(StatementsExecuted() - before, 0u);  // they wait
  before = StatementsExecuted();
  ASSERT_TRUE(harness_.store().WriteDeferred().ok());
  EXPECT_EQ(Must(events().Append("t.happened", payload(70), 170), "append"), 72);
  const std::vector<EventRow> rows = Must(events().ReadAfter(1, 100), "read");  // writes 72 first
  // 70 rows in three (64, 4 and 2), event 72 alone, then the read
  // (PostgreSQL counts the writes when the read takes them along).
  EXPECT_EQ(StatementsExecuted() - before, 5u);
  ASSERT_EQ(rows.size(), 71u);
  for (int i = 0; i < 71; ++i) {
    const EventRow& row = rows[static_cast<size_t>(i)];
    EXPECT_EQ(row.seq, 2 + i);
    EXPECT_EQ(row.topic, "t.happened");
    EXPECT_EQ(row.payload, payload(i));
    EXPECT_EQ(row.created_at, 100 + i);
  }
  {
    Savepoint page(db());
    EXPECT_EQ(Must(events().Append("t.undone", "{}", 200), "append"), 73);
    harness_.store().StopDeferring();  // the page was undone: event 73 is dropped
  }
  EXPECT_EQ(Must(events().Append("t.after", "{}", 300), "not deferring"), 73);
  ASSERT_TRUE(transaction.Commit().ok());
  EXPECT_EQ(Must(events().LastSeq(), "last"), 73);
  EXPECT_EQ(Must(events().ReadAfter(72, 1), "read")[0].topic, "t.after");
}

}  // namespace
}  // namespace mart::store
