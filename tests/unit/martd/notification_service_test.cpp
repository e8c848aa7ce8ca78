#include "services/notification_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/test_store.h"

namespace mart {
namespace {

using test::Must;

class NotificationServiceTest : public ::testing::Test {
 protected:
  NotificationServiceTest()
      : admin_(h_.SignUp("admin@example.com", "Ada")),
        ann_(h_.SignUp("ann@example.com", "Ann")),
        bob_(h_.SignUp("bob@example.com", "Bob")) {}

  NotificationService& service() { return h_.services().notifications; }

  // Whether it made a new notification.
  bool Create(int64_t user_id, std::string type, int64_t seq, std::string subject = "hello") {
    Tx tx = h_.NewTx();
    Status created = service().Create(tx, {user_id, std::move(type), subject, "body", seq});
    EXPECT_TRUE(created.ok()) << created.ToString();
    return tx.store.notifications().Inserted();
  }
  bool Create(const test::TestLogin& to, std::string type, int64_t seq,
              std::string subject = "hello") {
    return Create(to.user.id, std::move(type), seq, std::move(subject));
  }

  Result<std::vector<store::Notification>> List(const Principal& who, NotificationQuery query) {
    Tx tx = h_.NewTx();
    return service().List(tx, who, query);
  }

  std::vector<int64_t> Ids(const std::vector<store::Notification>& rows) {
    std::vector<int64_t> ids;
    for (const auto& row : rows) ids.push_back(row.id);
    return ids;
  }

  test::ServiceHarness h_;
  test::TestLogin admin_, ann_, bob_;
};

TEST_F(NotificationServiceTest, OneRowPerEventRecipientAndType) {
  EXPECT_TRUE(Create(ann_, "order_placed", 10));
  EXPECT_FALSE(Create(ann_, "order_placed", 10));  // the same event again
  EXPECT_TRUE(Create(bob_, "order_placed", 10));
  EXPECT_TRUE(Create(ann_, "order_status", 10));
  EXPECT_FALSE(Create(999, "order_placed", 10));  // no such user: nobody to tell
  EXPECT_EQ(Must(List(h_.Operator(), {}), "list").size(), 3u);
}

// A worker's page writes its notifications together at its end (one
// statement for up to 64): each row keeps its own values, the same event's
// row again and a recipient who is not a user make nothing, as one at a time.
TEST_F(NotificationServiceTest, RowsLeftForThePagesEndAreWrittenTogetherAsOneAtATimeWould) {
  EXPECT_TRUE(Create(ann_, "order_placed", 10));
  Tx tx = h_.NewTx();
  tx.store.DeferWrites();
  Must(service().Create(tx, {ann_.user.id, "order_placed", "again", "body", 10}), "again");
  for (int64_t seq = 11; seq <= 80; ++seq) {
    const int64_t to = seq % 2 == 0 ? ann_.user.id : bob_.user.id;
    Must(service().Create(tx, {to, "order_status", "s" + std::to_string(seq),
                               "b" + std::to_string(seq), seq}),
         "create");
  }
  Must(service().Create(tx, {999, "order_placed", "nobody", "body", 81}), "no such user");
  const uint64_t before = store::StatementsExecuted();
  Must(tx.store.WriteDeferred(), "write");
  EXPECT_EQ(store::StatementsExecuted() - before, 2u);  // 72 rows: 64, then 8
  tx.store.StopDeferring();
  NotificationQuery all;
  all.limit = 500;
  const auto rows = Must(List(h_.Operator(), all), "list");
  ASSERT_EQ(rows.size(), 71u);
  EXPECT_EQ(rows.back().subject, "hello");  // the first, not "again"
  for (size_t i = 0; i + 1 < rows.size(); ++i) {
    const store::Notification& n = rows[i];  // newest first: seq 80 down to 11
    const int64_t seq = 80 - static_cast<int64_t>(i);
    EXPECT_EQ(n.event_seq, seq);
    EXPECT_EQ(n.user_id, seq % 2 == 0 ? ann_.user.id : bob_.user.id) << seq;
    EXPECT_EQ(n.subject, "s" + std::to_string(seq));
    EXPECT_EQ(n.body, "b" + std::to_string(seq));
    EXPECT_EQ(n.type, "order_status");
  }
}

TEST_F(NotificationServiceTest, UsersSeeTheirOwnAdminsEveryone) {
  Create(ann_, "welcome", 1);
  Create(bob_, "welcome", 2);
  Create(admin_, "low_stock", 3);
  auto mine = Must(List(ann_.principal, {}), "ann's");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].user_id, ann_.user.id);
  EXPECT_EQ(Must(List(admin_.principal, {}), "all").size(), 3u);
  NotificationQuery bobs;
  bobs.user_id = bob_.user.id;
  EXPECT_EQ(List(ann_.principal, bobs).status().code(), Code::kPermissionDenied);
  auto only_bob = Must(List(admin_.principal, bobs), "bob's");
  ASSERT_EQ(only_bob.size(), 1u);
  EXPECT_EQ(only_bob[0].user_id, bob_.user.id);
  Tx tx = h_.NewTx();
  auto other = service().Get(tx, ann_.principal, only_bob[0].id);
  EXPECT_EQ(other.status().code(), Code::kNotFound);
  EXPECT_EQ(other.status().message(),
            "notification " + std::to_string(only_bob[0].id) + " not found");
  EXPECT_EQ(service().MarkRead(tx, ann_.principal, only_bob[0].id).status().code(),
            Code::kNotFound);
  EXPECT_TRUE(service().Get(tx, admin_.principal, only_bob[0].id).ok());
}

TEST_F(NotificationServiceTest, FiltersAndNewestFirst) {
  Create(ann_, "welcome", 1);
  Create(ann_, "order_placed", 2);
  Create(ann_, "order_status", 3);
  auto all = Must(List(ann_.principal, {}), "all");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_GT(all[0].id, all[1].id);
  NotificationQuery by_type;
  by_type.type = "order_placed";
  EXPECT_EQ(Ids(Must(List(ann_.principal, by_type), "type")), std::vector<int64_t>{all[1].id});
  NotificationQuery by_status;
  by_status.status = "sent";
  EXPECT_TRUE(Must(List(ann_.principal, by_status), "sent").empty());
  by_status.status = "stored";
  EXPECT_EQ(Must(List(ann_.principal, by_status), "stored").size(), 3u);
  NotificationQuery page;
  page.limit = 1;
  page.offset = 1;
  EXPECT_EQ(Ids(Must(List(ann_.principal, page), "page")), std::vector<int64_t>{all[1].id});
  NotificationQuery bad;
  bad.status = "lost";
  EXPECT_EQ(List(ann_.principal, bad).status().code(), Code::kInvalidArgument);
}

TEST_F(NotificationServiceTest, MarkReadKeepsTheFirstTimeAndFiltersUnread) {
  Create(ann_, "welcome", 1);
  Create(ann_, "order_placed", 2);
  int64_t id = Must(List(ann_.principal, {}), "list")[1].id;
  Tx tx = h_.NewTx();
  store::Notification read = Must(service().MarkRead(tx, ann_.principal, id), "mark");
  ASSERT_TRUE(read.read_at.has_value());
  EXPECT_EQ(*read.read_at, h_.clock().NowMicros());
  EXPECT_EQ(ToJson(read)["is_read"], true);
  h_.clock().AdvanceSeconds(30);
  Tx later = h_.NewTx();
  EXPECT_EQ(*Must(service().MarkRead(later, ann_.principal, id), "again").read_at, *read.read_at);
  NotificationQuery unread;
  unread.unread_only = true;
  auto rows = Must(List(ann_.principal, unread), "unread");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].id, id);
  Tx missing = h_.NewTx();
  EXPECT_EQ(service().MarkRead(missing, ann_.principal, 999).status().code(), Code::kNotFound);
}

TEST_F(NotificationServiceTest, MarkAllReadMarksOnlyTheCallersOwnUnread) {
  Create(ann_, "welcome", 1);
  Create(ann_, "order_placed", 2);
  Create(bob_, "welcome", 3);
  Create(admin_, "low_stock", 4);
  NotificationQuery unread;
  unread.unread_only = true;
  auto count_unread = [&](const test::TestLogin& who) {
    return Must(List(who.principal, unread), "unread").size();
  };
  const int64_t first = Must(List(ann_.principal, {}), "list")[1].id;
  {
    Tx tx = h_.NewTx();
    Must(service().MarkRead(tx, ann_.principal, first), "mark one");
  }
  const int64_t first_read_at = h_.clock().NowMicros();
  h_.clock().AdvanceSeconds(30);
  {
    Tx tx = h_.NewTx();
    EXPECT_EQ(Must(service().MarkAllRead(tx, ann_.principal), "ann"), 1);
    // The admin's own only, never a user's; the operator has none.
    EXPECT_EQ(Must(service().MarkAllRead(tx, admin_.principal), "admin"), 1);
    EXPECT_EQ(Must(service().MarkAllRead(tx, h_.Operator()), "operator"), 0);
    EXPECT_EQ(Must(service().MarkAllRead(tx, ann_.principal), "ann again"), 0);
  }
  EXPECT_EQ(count_unread(ann_), 0u);
  EXPECT_EQ(count_unread(bob_), 1u);
  auto ann = Must(List(ann_.principal, {}), "ann's");
  ASSERT_EQ(ann.size(), 2u);
  EXPECT_EQ(*ann[1].read_at, first_read_at);  // kept the first time it was read
  EXPECT_EQ(*ann[0].read_at, h_.clock().NowMicros());
}

TEST_F(NotificationServiceTest, BackoffDoublesFromOneSecondToFiveMinutes) {
  EXPECT_EQ(NotificationService::BackoffMicros(1), 1'000'000);
  EXPECT_EQ(NotificationService::BackoffMicros(2), 2'000'000);
  EXPECT_EQ(NotificationService::BackoffMicros(3), 4'000'000);
  EXPECT_EQ(NotificationService::BackoffMicros(9), 256'000'000);
  EXPECT_EQ(NotificationService::BackoffMicros(10), 300'000'000);
  EXPECT_EQ(NotificationService::BackoffMicros(40), 300'000'000);
}

}  // namespace
}  // namespace mart
