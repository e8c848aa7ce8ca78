#include "queue/notification_worker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/order_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

// The notifications worker inside the whole daemon's services: events come
// from the services themselves (or are appended as other domains would) and
// Pump() applies them as the store thread does.
class NotificationWorkerTest : public ::testing::Test {
 protected:
  NotificationWorkerTest() { h_.Pump(); }  // the three welcomes

  std::vector<store::Notification> Of(const test::TestLogin& who, std::string type = "") {
    store::NotificationFilter filter;
    filter.user_id = who.user.id;
    if (!type.empty()) filter.type = type;
    return Must(h_.store().notifications().List(filter), "list");
  }

  std::vector<store::Notification> All(std::string type) {
    store::NotificationFilter filter;
    filter.type = type;
    return Must(h_.store().notifications().List(filter), "list");
  }

  int64_t Emit(std::string_view topic, json data) {
    Must(h_.outbox().Emit(topic, std::move(data)), "emit");
    return Must(h_.store().events().LastSeq(), "seq");
  }

  store::EventRow Row(int64_t seq) {
    auto rows = Must(h_.store().events().ReadAfter(seq - 1, 1), "read");
    return rows.at(0);
  }

  json Payment(std::string_view reason = "") {
    return {{"payment_id", 7}, {"order_id", "66f1c0ffee0000000000beef"},
            {"user_id", h_.ann.user.id}, {"amount", 899.99}, {"method", "card"},
            {"reason", reason.empty() ? json() : json(reason)}};
  }

  test::OrderHarness h_;
};

TEST_F(NotificationWorkerTest, RegistrationWelcomesTheUser) {
  auto rows = Of(h_.bob, "welcome");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subject, "Welcome to mart, Bob");
  EXPECT_NE(rows[0].body.find("bob@example.com"), std::string::npos);
  EXPECT_EQ(rows[0].status, "stored");  // no mailer: stored only
  EXPECT_FALSE(rows[0].next_attempt_at.has_value());
}

TEST_F(NotificationWorkerTest, OrderPlacedAndStatusChangesGoToTheBuyerOnly) {
  Order order = h_.MustPlace(h_.phone.id, 2);
  h_.Pump();
  auto placed = Of(h_.ann, "order_placed");
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].subject, "Order " + order.id + " placed");
  EXPECT_NE(placed[0].body.find("2 x Premium Smartphone"), std::string::npos) << placed[0].body;
  EXPECT_NE(placed[0].body.find("Total: 1799.98"), std::string::npos) << placed[0].body;
  auto status = Of(h_.ann, "order_status");
  ASSERT_EQ(status.size(), 1u);  // pending -> processing by the workers
  EXPECT_EQ(status[0].subject, "Order " + order.id + " is now processing");
  EXPECT_TRUE(Of(h_.bob, "order_placed").empty());
  EXPECT_TRUE(Of(h_.admin, "order_placed").empty());
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled", "changed my mind"), "cancel");
  h_.Pump();
  status = Of(h_.ann, "order_status");
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0].subject, "Order " + order.id + " is now cancelled");
  EXPECT_NE(status[0].body.find("Reason: changed my mind"), std::string::npos);
}

// order.placed (version 2) tells each line's name, so the worker reads
// nothing of the order: here there is no such order at all. An event of
// version 1, without names, is still told in full: its order's lines are read.
TEST_F(NotificationWorkerTest, AnOrderPlacedEventTellsItsLinesAndAnOlderOneIsReadFromTheOrder) {
  Emit("order.placed", {{"order_id", "66f1c0ffee0000000000beef"}, {"user_id", h_.ann.user.id},
                        {"items", {{{"product_id", "66f1c0ffee0000000000cafe"},
                                    {"name", "Desk Lamp"}, {"quantity", 2}, {"price", 24.5}}}},
                        {"total_price", 49.0}});
  h_.Pump();
  auto placed = Of(h_.ann, "order_placed");
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_NE(placed[0].body.find("2 x Desk Lamp (66f1c0ffee0000000000cafe) at 24.50"),
            std::string::npos)
      << placed[0].body;
  Order order = h_.MustPlace(h_.phone.id, 3);
  Emit("order.placed", {{"order_id", order.id}, {"user_id", h_.ann.user.id},
                        {"items", {{{"product_id", h_.phone.id}, {"quantity", 3},
                                    {"price", 899.99}}}},
                        {"total_price", 2699.97}});
  h_.Pump();
  placed = Of(h_.ann, "order_placed");
  ASSERT_EQ(placed.size(), 3u);  // the first event, the order's own and its version-1 copy
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NE(placed[i].body.find("3 x Premium Smartphone"), std::string::npos) << placed[i].body;
  }
}

TEST_F(NotificationWorkerTest, PaymentResultsNameOrderAndAmount) {
  Emit("payment.succeeded", Payment());
  Emit("payment.failed", Payment("card declined"));
  json cod = Payment();
  cod["method"] = "cod";
  Emit("payment.pending", cod);
  h_.Pump();
  auto ok = Of(h_.ann, "payment_succeeded");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].subject, "Payment of 899.99 received for order 66f1c0ffee0000000000beef");
  auto failed = Of(h_.ann, "payment_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].body.find("failed: card declined"), std::string::npos) << failed[0].body;
  auto pending = Of(h_.ann, "payment_pending");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_NE(pending[0].body.find("cash on delivery"), std::string::npos) << pending[0].body;
}

TEST_F(NotificationWorkerTest, ARefundTellsTheBuyerWhyAndWhereTheMoneyGoes) {
  json refund = Payment("order 66f1c0ffee0000000000beef cancelled: changed my mind");
  refund["refund_id"] = 4;
  refund["actor"] = "user 2";
  Emit("payment.refunded", refund);
  h_.Pump();
  auto rows = Of(h_.ann, "payment_refunded");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subject, "Refund of 899.99 for order 66f1c0ffee0000000000beef");
  EXPECT_EQ(rows[0].body,
            "Your card payment 7 of 899.99 for order 66f1c0ffee0000000000beef has been refunded "
            "(order 66f1c0ffee0000000000beef cancelled: changed my mind).\nThe money goes back "
            "to your card.\n");
  EXPECT_TRUE(Of(h_.bob, "payment_refunded").empty());
}

TEST_F(NotificationWorkerTest, LowStockUsesTheSeedWordingForEveryActiveAdmin) {
  Tx tx = h_.NewTx();
  Must(h_.services().accounts.SetRole(tx, h_.bob.user.id, kRoleAdmin), "make bob admin");
  Emit("inventory.low_stock",
       {{"product_id", h_.watch.id}, {"available", 3}, {"reorder_threshold", 7}});
  h_.Pump();
  auto rows = All("low_stock");
  ASSERT_EQ(rows.size(), 2u);  // ada and bob, one each
  EXPECT_EQ(rows[0].subject, "Low Stock Alert: Smart Watch");
  EXPECT_NE(rows[0].body.find("Product 'Smart Watch' is running low on stock. Current quantity: "
                              "3, Threshold: 7"),
            std::string::npos)
      << rows[0].body;
  EXPECT_EQ(Of(h_.admin, "low_stock").size(), 1u);
  EXPECT_EQ(Of(h_.bob, "low_stock").size(), 1u);
  EXPECT_TRUE(Of(h_.ann, "low_stock").empty());
}

TEST_F(NotificationWorkerTest, ReorderCheckWithNotifyAlertsAdmins) {
  Tx tx = h_.NewTx();
  Must(h_.services().inventory.Adjust(tx, h_.phone.id, -48, "damaged", h_.Operator()), "adjust");
  Tx check = h_.NewTx();
  Must(h_.services().inventory.ReorderCheck(check, true, h_.Operator()), "reorder check");
  h_.Pump();
  auto rows = Of(h_.admin, "reorder");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subject, "Reorder requested: 1 product low on stock");
  EXPECT_NE(rows[0].body.find("Premium Smartphone (" + h_.phone.id + "): available 2"),
            std::string::npos)
      << rows[0].body;
  EXPECT_TRUE(Of(h_.ann, "reorder").empty());
}

TEST_F(NotificationWorkerTest, AnEventAppliedTwiceNotifiesOnce) {
  int64_t seq = Emit("payment.succeeded", Payment());
  h_.Pump();
  Tx tx = h_.NewTx();
  ASSERT_TRUE(h_.services().notification_worker.Apply(tx, Row(seq), Payment()).ok());
  EXPECT_EQ(Of(h_.ann, "payment_succeeded").size(), 1u);
}

TEST_F(NotificationWorkerTest, DeadLettersOfOtherWorkersAlertAdminsButNotItsOwn) {
  Emit("queue.dead_lettered", {{"consumer", "inventory"}, {"seq", 12}, {"topic", "order.placed"},
                               {"attempts", 5}, {"error", "UNAVAILABLE: disk"}});
  Emit("queue.dead_lettered", {{"consumer", "notifications"}, {"seq", 13},
                               {"topic", "order.placed"}, {"attempts", 5}, {"error", "x"}});
  h_.Pump();
  auto rows = Of(h_.admin, "dead_letter");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subject, "Dead letter: worker inventory gave up on event 12 (order.placed)");
}

TEST_F(NotificationWorkerTest, QueueServiceEmitsDeadLetteredAndTheWorkerDoesNotLoop) {
  // A payment event for a malformed payload fails every attempt: the
  // notifications worker dead-letters it and must not notify about that.
  Emit("payment.succeeded", {{"user_id", h_.ann.user.id}});
  for (int attempt = 0; attempt < QueueService::kMaxAttempts; ++attempt) {
    h_.Pump();
    h_.clock().AdvanceSeconds(60);
  }
  h_.Pump();
  std::vector<std::string> topics;
  auto events = Must(h_.store().events().ReadAfter(0, 1000), "events");
  int dead = 0;
  for (const auto& event : events) dead += event.topic == "queue.dead_lettered";
  EXPECT_EQ(dead, 1);
  EXPECT_TRUE(All("dead_letter").empty());
  EXPECT_EQ(h_.QueueRow("notifications")["dead"], 1);
}

TEST_F(NotificationWorkerTest, AMissingRecipientIsSkipped) {
  Emit("payment.failed", {{"payment_id", 1}, {"order_id", "x"}, {"user_id", 999},
                          {"amount", 1.5}, {"method", "card"}, {"reason", nullptr}});
  h_.Pump();
  EXPECT_EQ(h_.QueueRow("notifications")["dead"], 0);
  EXPECT_TRUE(All("payment_failed").empty());
}

}  // namespace
}  // namespace mart
