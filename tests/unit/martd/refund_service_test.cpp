// Refunds over the whole order flow (issue 16, item 10): every route that ends
// a paid order (its owner's cancel, an admin's status change, the orders
// worker's cancel for lack of stock) records the refund in the transaction
// that ends the order, and the payments worker has the gateway pay it back
// once, with payment.refunded and a notification. Pump() runs the workers as
// the store thread does after each batch.
#include "services/refund_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "events/catalog.h"
#include "util/payment_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;
using S = OrderStatus;
using P = PaymentStatus;

class RefundTest : public ::testing::Test {
 protected:
  explicit RefundTest(PaymentOptions options = {}) : h_(options) {}

  Payment OnlyPayment(const std::string& order_id) {
    std::vector<Payment> payments = h_.PaymentsOf(order_id);
    if (payments.size() != 1) throw std::runtime_error("expected one payment");
    return payments[0];
  }

  // The payloads of payment.refunded since the last call.
  std::vector<json> Refunded() {
    return test::PaymentHarness::Payloads(h_.TakeEvents(), "payment.refunded");
  }

  std::vector<store::Notification> RefundNotices(const test::TestLogin& who) {
    store::NotificationFilter filter;
    filter.user_id = who.user.id;
    filter.type = "payment_refunded";
    return Must(h_.store().notifications().List(filter), "notifications");
  }

  json PaymentsCheck() {
    const json report = h_.CheckReport();
    for (const json& check : report["checks"]) {
      if (check["name"] == "payments") return check;
    }
    return nullptr;
  }

  // Applies an order.status_changed event to the payments worker directly, as
  // a retry or a dead letter retried late would.
  Status ApplyStatusChanged(const std::string& order_id, S to) {
    json data = events::ToJson(events::OrderStatusChanged{.order_id = order_id,
                                                          .user_id = h_.Get(order_id).user_id,
                                                          .from = "processing",
                                                          .to = std::string(OrderStatusName(to)),
                                                          .actor = "the local operator"});
    store::EventRow event{.seq = 999, .topic = "order.status_changed", .payload = data.dump()};
    Tx tx = h_.NewTx();
    return h_.services().payments_worker.Apply(tx, event, data);
  }

  // Ann's processing order of one headphone, paid by card.
  std::pair<Order, Payment> PaidOrder() {
    Order order = h_.ProcessingOrder();
    Payment paid = Must(h_.PayCard(h_.ann.principal, order.id), "pay");
    h_.Pump();
    h_.TakeEvents();
    return {h_.Get(order.id), paid};
  }

  test::PaymentHarness h_;
};

TEST_F(RefundTest, TheOwnersCancelRefundsACardPaymentOnce) {
  auto [order, paid] = PaidOrder();
  ASSERT_EQ(order.status, S::kPaid);
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled", "changed my mind"), "cancel");

  // Recorded with the cancel, before any worker runs: the money is owed.
  Payment owed = OnlyPayment(order.id);
  EXPECT_EQ(owed.status, P::kRefunding);
  ASSERT_EQ(owed.refunds.size(), 1u);
  EXPECT_EQ(owed.refunds[0].status, RefundStatus::kPending);
  EXPECT_EQ(owed.refunds[0].payment_id, paid.id);
  EXPECT_EQ(owed.refunds[0].amount_cents, 24999);
  EXPECT_EQ(owed.refunds[0].actor, h_.ann.principal.Describe());
  EXPECT_EQ(owed.refunds[0].reason, "order " + order.id + " cancelled: changed my mind");
  EXPECT_FALSE(owed.refunds[0].refunded_at.has_value());

  h_.clock().AdvanceSeconds(1);
  h_.Pump();
  Payment back = OnlyPayment(order.id);
  EXPECT_EQ(back.status, P::kRefunded);
  ASSERT_EQ(back.refunds.size(), 1u);
  EXPECT_EQ(back.refunds[0].status, RefundStatus::kSucceeded);
  EXPECT_EQ(back.refunds[0].refunded_at, h_.clock().NowMicros());
  std::vector<json> refunded = Refunded();
  ASSERT_EQ(refunded.size(), 1u);
  EXPECT_EQ(refunded[0], (json{{"payment_id", paid.id}, {"order_id", order.id},
                              {"user_id", h_.ann.user.id}, {"amount", 249.99},
                              {"method", "card"},
                              {"reason", "order " + order.id + " cancelled: changed my mind"},
                              {"refund_id", back.refunds[0].id},
                              {"actor", h_.ann.principal.Describe()}}));
  std::vector<store::Notification> notices = RefundNotices(h_.ann);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].subject, "Refund of 249.99 for order " + order.id);
  EXPECT_EQ(PaymentsCheck()["ok"], true) << PaymentsCheck().dump();

  // The same event again (a retry) pays nothing and says nothing.
  ASSERT_TRUE(ApplyStatusChanged(order.id, S::kCancelled).ok());
  EXPECT_TRUE(Refunded().empty());
  EXPECT_EQ(OnlyPayment(order.id).refunds.size(), 1u);
}

TEST_F(RefundTest, AnOrderPaidWhilePendingAndCancelledForLackOfStockIsRefunded) {
  Must(h_.SetPaused("inventory", true), "pause inventory");
  Order order = h_.MustPlace(h_.phone.id, 51);  // 50 in stock
  // An unreserved order may be paid: the charge is refunded if the stock fails.
  Payment paid = Must(h_.PayCard(h_.ann.principal, order.id), "pay while pending");
  EXPECT_EQ(paid.status, P::kSucceeded);
  EXPECT_EQ(h_.Get(order.id).status, S::kPaid);
  Must(h_.SetPaused("inventory", false), "resume inventory");
  h_.Pump();

  Order cancelled = h_.Get(order.id);
  EXPECT_EQ(cancelled.status, S::kCancelled);
  Payment back = OnlyPayment(order.id);
  EXPECT_EQ(back.status, P::kRefunded);
  ASSERT_EQ(back.refunds.size(), 1u);
  EXPECT_EQ(back.refunds[0].actor, "the orders worker");
  EXPECT_EQ(back.refunds[0].amount_cents, 51 * 89999);
  EXPECT_EQ(back.refunds[0].reason, "order " + order.id + " cancelled: " + *cancelled.reason);
  EXPECT_EQ(Refunded().size(), 1u);
  EXPECT_EQ(RefundNotices(h_.ann).size(), 1u);
  json report = h_.CheckReport();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

TEST_F(RefundTest, AnAdminRefundBeforeOrAfterDeliveryPaysTheCardBack) {
  auto [kept, first] = PaidOrder();
  Must(h_.SetStatus(h_.admin.principal, kept.id, "refunded"), "refund before shipping");
  h_.Pump();
  EXPECT_EQ(Refunded().size(), 1u);
  auto [delivered, second] = PaidOrder();
  for (const char* status : {"shipped", "delivered", "refunded"}) {
    Must(h_.SetStatus(h_.admin.principal, delivered.id, status), status);
  }
  h_.Pump();
  for (const auto& [order, paid] : {std::pair{kept, first}, std::pair{delivered, second}}) {
    Payment back = OnlyPayment(order.id);
    EXPECT_EQ(back.status, P::kRefunded) << order.id;
    ASSERT_EQ(back.refunds.size(), 1u);
    EXPECT_EQ(back.refunds[0].actor, h_.admin.principal.Describe());
    EXPECT_EQ(back.refunds[0].reason, "order " + order.id + " refunded");
  }
  EXPECT_EQ(Refunded().size(), 1u);
  json report = h_.CheckReport();
  EXPECT_EQ(report["ok"], true) << report.dump(2);
}

TEST_F(RefundTest, UncollectedCashAndFailedCardsHaveNothingToRefund) {
  Order cod = h_.ProcessingOrder();
  Must(h_.PayCod(h_.ann.principal, cod.id), "cod");
  Order declined = h_.ProcessingOrder();
  Must(h_.PayCard(h_.ann.principal, declined.id, test::kDeclinedCard), "declined");
  Order unpaid = h_.ProcessingOrder();
  for (const Order& order : {cod, declined, unpaid}) {
    Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  }
  h_.Pump();
  Payment cash = OnlyPayment(cod.id);
  EXPECT_EQ(cash.status, P::kFailed);
  EXPECT_EQ(cash.reason, "order cancelled");
  EXPECT_TRUE(cash.refunds.empty());
  EXPECT_EQ(OnlyPayment(declined.id).status, P::kFailed);
  EXPECT_TRUE(OnlyPayment(declined.id).refunds.empty());
  EXPECT_TRUE(h_.PaymentsOf(unpaid.id).empty());
  EXPECT_TRUE(Refunded().empty());
  EXPECT_TRUE(RefundNotices(h_.ann).empty());
  EXPECT_EQ(PaymentsCheck()["ok"], true) << PaymentsCheck().dump();
}

TEST_F(RefundTest, CashCollectedAtDeliveryIsPaidBackWhenTheOrderIsRefunded) {
  Order order = h_.ProcessingOrder();
  Must(h_.PayCod(h_.ann.principal, order.id), "cod");
  Must(h_.SetStatus(h_.admin.principal, order.id, "shipped"), "ship");
  Must(h_.SetStatus(h_.admin.principal, order.id, "delivered"), "deliver");
  h_.Pump();
  ASSERT_EQ(OnlyPayment(order.id).status, P::kSucceeded);
  h_.TakeEvents();
  Must(h_.SetStatus(h_.admin.principal, order.id, "refunded", "returned"), "refund");
  h_.Pump();
  Payment back = OnlyPayment(order.id);
  EXPECT_EQ(back.status, P::kRefunded);
  std::vector<json> refunded = Refunded();
  ASSERT_EQ(refunded.size(), 1u);
  EXPECT_EQ(refunded[0]["method"], "cod");
  EXPECT_EQ(refunded[0]["reason"], "order " + order.id + " refunded: returned");
  EXPECT_EQ(RefundNotices(h_.ann).size(), 1u);
}

TEST_F(RefundTest, EveryWayOfEndingAnOrderTwiceRefundsOnce) {
  auto [order, paid] = PaidOrder();
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  // The others lose the race: cancelled is final, and a repeat is a no-op.
  EXPECT_EQ(h_.SetStatus(h_.admin.principal, order.id, "refunded").status().code(),
            Code::kFailedPrecondition);
  Must(h_.SetStatus(h_.admin.principal, order.id, "cancelled"), "cancel again");
  Tx again = h_.NewTx();
  ASSERT_TRUE(h_.services().refunds.Record(again, order.id).ok());
  // The database refuses a second refund of one payment outright.
  Refund second{.payment_id = paid.id, .order_id = order.id, .user_id = paid.user_id,
                .amount_cents = paid.amount_cents, .reason = "again", .actor = "test",
                .created_at = h_.clock().NowMicros()};
  EXPECT_FALSE(Must(h_.store().payments().InsertRefund(second), "insert").has_value());
  EXPECT_FALSE(h_.store().db().Execute(
      "INSERT INTO refunds (payment_id, order_id, user_id, amount_cents, status, reason, actor, "
      "created_at) SELECT payment_id, order_id, user_id, amount_cents, 'pending', 'x', 'y', 0 "
      "FROM refunds").ok());
  h_.Pump();
  ASSERT_TRUE(ApplyStatusChanged(order.id, S::kRefunded).ok());
  Payment back = OnlyPayment(order.id);
  EXPECT_EQ(back.status, P::kRefunded);
  EXPECT_EQ(back.refunds.size(), 1u);
  EXPECT_EQ(Refunded().size(), 1u);
  EXPECT_EQ(RefundNotices(h_.ann).size(), 1u);
}

TEST_F(RefundTest, RefundedPaymentsAreListedWithTheirRefund) {
  auto [order, paid] = PaidOrder();
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.Pump();
  Tx tx = h_.NewTx();
  PaymentQuery query{.status = "refunded"};
  std::vector<Payment> listed = Must(h_.services().payments.List(tx, h_.ann.principal, query),
                                     "list refunded");
  ASSERT_EQ(listed.size(), 1u);
  json shown = ToJson(listed[0]);
  EXPECT_EQ(shown["status"], "refunded");
  ASSERT_EQ(shown["refunds"].size(), 1u);
  EXPECT_EQ(shown["refunds"][0]["amount"], 249.99);
  EXPECT_EQ(shown["refunds"][0]["status"], "succeeded");
  EXPECT_EQ(shown["refunds"][0]["payment_id"], paid.id);
  EXPECT_TRUE(shown["refunds"][0]["refunded_at"].is_string());
  // A payment without a refund shows an empty list.
  Order other = h_.ProcessingOrder();
  Payment fresh = Must(h_.PayCard(h_.ann.principal, other.id), "pay");
  EXPECT_EQ(ToJson(fresh)["refunds"], json::array());
}

TEST_F(RefundTest, AnAdminPaysBackMoneyKeptFromBeforeRefundsExisted) {
  auto [order, paid] = PaidOrder();
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled", "too slow"), "cancel");
  h_.Pump();
  // What a martd without refunds left behind: the charge kept, no refund.
  h_.Sql("DELETE FROM refunds");
  h_.Sql("UPDATE payments SET status = 'succeeded' WHERE id = " + std::to_string(paid.id));
  h_.TakeEvents();
  ASSERT_EQ(PaymentsCheck()["ok"], false);

  Tx tx = h_.NewTx();
  Payment back = Must(h_.services().refunds.RefundNow(tx, h_.admin.principal, paid.id), "refund");
  EXPECT_EQ(back.status, P::kRefunded);
  ASSERT_EQ(back.refunds.size(), 1u);
  EXPECT_EQ(back.refunds[0].actor, h_.admin.principal.Describe());
  EXPECT_EQ(back.refunds[0].reason, "order " + order.id + " cancelled: too slow");
  EXPECT_EQ(Refunded().size(), 1u);
  EXPECT_EQ(PaymentsCheck()["ok"], true) << PaymentsCheck().dump();
  // Again: the refunded payment as it is, nothing paid twice.
  Tx again = h_.NewTx();
  EXPECT_EQ(Must(h_.services().refunds.RefundNow(again, test::ServiceHarness::Operator(), paid.id), "again").refunds,
            back.refunds);
  EXPECT_TRUE(Refunded().empty());
}

TEST_F(RefundTest, AnAdminRefundNeedsCapturedMoneyAndAnEndedOrder) {
  auto [order, paid] = PaidOrder();
  Tx live = h_.NewTx();
  Status going_on = h_.services().refunds.RefundNow(live, h_.admin.principal, paid.id).status();
  EXPECT_EQ(going_on.code(), Code::kFailedPrecondition);
  EXPECT_EQ(going_on.message(), "payment " + std::to_string(paid.id) + " is for order " +
                                    order.id + ", which is paid: refund the order instead "
                                    "(martctl order status " + order.id + " --status refunded)");
  Order other = h_.ProcessingOrder();
  Payment declined = Must(h_.PayCard(h_.ann.principal, other.id, test::kDeclinedCard), "decline");
  Tx failed = h_.NewTx();
  Status nothing = h_.services().refunds.RefundNow(failed, h_.admin.principal, declined.id).status();
  EXPECT_EQ(nothing.code(), Code::kFailedPrecondition);
  EXPECT_EQ(nothing.message(),
            "payment " + std::to_string(declined.id) + " is failed: nothing was captured to refund");
  Tx missing = h_.NewTx();
  EXPECT_EQ(h_.services().refunds.RefundNow(missing, h_.admin.principal, 999).status().code(),
            Code::kNotFound);
  EXPECT_EQ(OnlyPayment(order.id).status, P::kSucceeded);
}

// A gateway that refuses every refund (a provider that is down): the queue's
// retries, then its dead-letter list; the refund is never lost.
class RefusedRefundTest : public RefundTest {
 protected:
  RefusedRefundTest() : RefundTest({.failure_rate = 1.0}) {}  // the good card still charges
};

TEST_F(RefusedRefundTest, ARefusedRefundIsRetriedThenDeadLetteredAndStaysOwed) {
  auto [order, paid] = PaidOrder();
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.Pump();
  json worker = h_.QueueRow("payments");
  EXPECT_EQ(worker["state"], "retrying");
  EXPECT_NE(worker["last_error"].get<std::string>().find(
                "of payment " + std::to_string(paid.id) + " (order " + order.id +
                ") was not approved by the gateway: refund failed: simulated gateway error"),
            std::string::npos)
      << worker.dump();
  json retrying = PaymentsCheck();
  EXPECT_EQ(retrying["ok"], true) << retrying.dump();
  EXPECT_NE(retrying["note"].get<std::string>().find("1 refund(s) pending"), std::string::npos);

  for (int i = 0; i < QueueService::kMaxAttempts; ++i) {
    h_.clock().AdvanceSeconds(60);
    h_.Pump();
  }
  EXPECT_EQ(h_.QueueRow("payments")["dead"], 1);
  Payment owed = OnlyPayment(order.id);
  EXPECT_EQ(owed.status, P::kRefunding);
  ASSERT_EQ(owed.refunds.size(), 1u);
  EXPECT_EQ(owed.refunds[0].status, RefundStatus::kPending);
  EXPECT_TRUE(Refunded().empty());
  json stalled = PaymentsCheck();
  EXPECT_EQ(stalled["ok"], false);
  EXPECT_EQ(stalled["problems"],
            json::array({"refund " + std::to_string(owed.refunds[0].id) + " of 249.99 for payment " +
                         std::to_string(paid.id) + " (order " + order.id + ") is still pending " +
                         "(pay it back: martctl payment refund " + std::to_string(paid.id) +
                         "); the payments worker has nothing left to apply, so it gave up "
                         "(martctl dlq list --worker payments)"}));

  // A retry while the gateway still refuses changes nothing.
  Tx list = h_.NewTx();
  json letters = Must(h_.services().queues.DeadLetters(list, "payments", 10, 0), "letters");
  ASSERT_EQ(letters.size(), 1u);
  Tx retry = h_.NewTx();
  EXPECT_EQ(h_.services().queues.RetryDeadLetter(retry, letters[0]["id"].get<int64_t>())
                .status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(OnlyPayment(order.id).status, P::kRefunding);
  // So does an admin's refund now: the gateway's refusal is UNAVAILABLE.
  Tx now = h_.NewTx();
  Status refused = h_.services().refunds.RefundNow(now, h_.admin.principal, paid.id).status();
  EXPECT_EQ(refused.code(), Code::kUnavailable);
  EXPECT_EQ(OnlyPayment(order.id).status, P::kRefunding);
}

// A gateway that refuses the first `refusals` refunds, then approves; it
// remembers every key it was asked.
class FlakyGateway : public PaymentGateway {
 public:
  explicit FlakyGateway(int refusals) : refusals_(refusals) {}
  ChargeOutcome Charge(int64_t, const CardDetails*) const override { return {.approved = true}; }
  RefundOutcome Refund(int64_t, std::string_view key) const override {
    keys.emplace_back(key);
    if (refusals_-- > 0) return {.approved = false, .reason = "provider unreachable"};
    return {.approved = true};
  }
  mutable std::vector<std::string> keys;

 private:
  mutable int refusals_;
};

TEST_F(RefundTest, ARefusedRefundLeavesNoTraceAndTheNextTryPaysItOnceWithTheSameKey) {
  auto [order, paid] = PaidOrder();
  Must(h_.SetPaused("payments", true), "pause the daemon's payments worker");
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.TakeEvents();
  // The payments side built over a gateway that refuses once.
  FlakyGateway gateway(1);
  RefundService refunds(gateway);
  Tx first = h_.NewTx();
  Status refused = refunds.Complete(first, order.id);
  EXPECT_EQ(refused.code(), Code::kUnavailable);
  EXPECT_NE(refused.message().find("provider unreachable"), std::string::npos);
  // (The queue rolls a failed event back; nothing was written before the refusal.)
  EXPECT_EQ(OnlyPayment(order.id).status, P::kRefunding);
  EXPECT_TRUE(Refunded().empty());
  Tx second = h_.NewTx();
  ASSERT_TRUE(refunds.Complete(second, order.id).ok());
  Tx third = h_.NewTx();
  ASSERT_TRUE(refunds.Complete(third, order.id).ok());
  EXPECT_EQ(OnlyPayment(order.id).status, P::kRefunded);
  const int64_t refund_id = OnlyPayment(order.id).refunds.at(0).id;
  const std::string key = "refund-" + std::to_string(refund_id);
  EXPECT_EQ(gateway.keys, (std::vector<std::string>{key, key}));
  EXPECT_EQ(Refunded().size(), 1u);
}

}  // namespace
}  // namespace mart
