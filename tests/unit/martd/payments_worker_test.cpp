#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "events/catalog.h"
#include "queue/payment_workers.h"
#include "util/payment_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;
using Names = std::vector<std::string>;
using S = OrderStatus;
using P = PaymentStatus;

// The payments worker over the whole order flow: Pump() runs the inventory,
// orders and payments workers as the store thread does after each batch.
class PaymentsWorkerTest : public ::testing::Test {
 protected:
  explicit PaymentsWorkerTest(PaymentOptions options = {}) : h_(options) {}

  std::vector<S> Statuses(const std::string& order_id) {
    std::vector<S> statuses;
    for (const OrderChange& change : h_.History(order_id)) statuses.push_back(change.to);
    return statuses;
  }

  // Applies an order.status_changed event to the payments worker directly, as
  // a dead letter retried out of log order would be.
  void ApplyStatusChanged(const std::string& order_id, S to) {
    json data = events::ToJson(events::OrderStatusChanged{.order_id = order_id,
                                                          .user_id = h_.Get(order_id).user_id,
                                                          .from = "processing",
                                                          .to = std::string(OrderStatusName(to)),
                                                          .actor = "the local operator"});
    store::EventRow event;
    event.seq = 999;
    event.topic = "order.status_changed";
    event.payload = data.dump();
    Tx tx = h_.NewTx();
    Must(h_.services().payments_worker.Apply(tx, event, data), "apply");
  }

  Names PaymentTopics() {
    Names topics;
    for (const auto& event : h_.TakeEvents()) {
      if (event.topic.rfind("payment.", 0) == 0) topics.push_back(event.topic);
    }
    return topics;
  }

  test::PaymentHarness h_;
};

TEST_F(PaymentsWorkerTest, CashOnDeliveryStaysPendingUntilTheOrderIsDelivered) {
  Order order = h_.ProcessingOrder();
  h_.TakeEvents();
  Payment cod = Must(h_.PayCod(h_.ann.principal, order.id), "cod");
  EXPECT_EQ(cod.status, P::kPending);
  EXPECT_EQ(cod.method, PaymentMethod::kCod);
  EXPECT_FALSE(cod.card_last4.has_value());
  EXPECT_EQ(h_.Get(order.id).status, S::kProcessing);  // not paid yet
  EXPECT_EQ(PaymentTopics(), Names{"payment.pending"});

  Must(h_.SetStatus(h_.admin.principal, order.id, "shipped"), "ship");
  h_.Pump();
  EXPECT_EQ(h_.PaymentsOf(order.id).at(0).status, P::kPending);
  Must(h_.SetStatus(h_.admin.principal, order.id, "delivered"), "deliver");
  h_.Pump();
  Payment settled = h_.PaymentsOf(order.id).at(0);
  EXPECT_EQ(settled.status, P::kSucceeded);
  EXPECT_FALSE(settled.reason.has_value());
  EXPECT_EQ(PaymentTopics(), Names{"payment.succeeded"});
  EXPECT_EQ(h_.QueueRow("payments")["lag"], 0);
}

TEST_F(PaymentsWorkerTest, CancellingFailsThePendingCashOnDeliveryPayment) {
  Order order = h_.ProcessingOrder();
  Must(h_.PayCod(h_.ann.principal, order.id), "cod");
  h_.TakeEvents();
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  h_.Pump();
  Payment failed = h_.PaymentsOf(order.id).at(0);
  EXPECT_EQ(failed.status, P::kFailed);
  EXPECT_EQ(failed.reason, "order cancelled");
  auto events = h_.TakeEvents();
  auto payloads = test::PaymentHarness::Payloads(events, "payment.failed");
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0]["reason"], "order cancelled");
  EXPECT_EQ(payloads[0]["method"], "cod");
  // Applied again (a retry): nothing changes, nothing is emitted.
  ApplyStatusChanged(order.id, S::kCancelled);
  EXPECT_EQ(PaymentTopics(), Names{});
}

TEST_F(PaymentsWorkerTest, RefundAppliedBeforeTheDeliveryStillCountsTheCashAsCollected) {
  Order order = h_.ProcessingOrder();
  Must(h_.PayCod(h_.ann.principal, order.id), "cod");
  Must(h_.SetPaused("payments", true), "pause");
  Must(h_.SetStatus(h_.admin.principal, order.id, "shipped"), "ship");
  Must(h_.SetStatus(h_.admin.principal, order.id, "delivered"), "deliver");
  Must(h_.SetStatus(h_.admin.principal, order.id, "refunded"), "refund");
  h_.TakeEvents();
  ApplyStatusChanged(order.id, S::kRefunded);  // out of log order
  ApplyStatusChanged(order.id, S::kDelivered);
  // Collected at delivery, and owed back since the order was refunded.
  std::vector<Payment> payments = h_.PaymentsOf(order.id);
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(payments[0].status, P::kRefunded);
  ASSERT_EQ(payments[0].refunds.size(), 1u);
  EXPECT_EQ(payments[0].refunds[0].actor, h_.admin.principal.Describe());
  EXPECT_EQ(PaymentTopics(), (Names{"payment.succeeded", "payment.refunded"}));
  Must(h_.SetPaused("payments", false), "resume");
  h_.Pump();  // the events in log order change nothing now
  EXPECT_EQ(h_.PaymentsOf(order.id).at(0).status, P::kRefunded);
  EXPECT_EQ(PaymentTopics(), Names{});
}

TEST_F(PaymentsWorkerTest, WithoutAutoCaptureAReservedOrderStaysProcessing) {
  Order order = h_.ProcessingOrder();
  EXPECT_EQ(order.status, S::kProcessing);
  EXPECT_TRUE(h_.PaymentsOf(order.id).empty());
}

class AutoCaptureTest : public PaymentsWorkerTest {
 protected:
  AutoCaptureTest() : PaymentsWorkerTest({.auto_capture = true}) {}
};

TEST_F(AutoCaptureTest, ReservedOrdersArePaidPendingProcessingPaid) {
  Order order = h_.MustPlace(h_.headphones.id, 2);
  h_.TakeEvents();
  h_.Pump();
  EXPECT_EQ(h_.Get(order.id).status, S::kPaid);
  EXPECT_EQ(Statuses(order.id), (std::vector<S>{S::kPending, S::kProcessing, S::kPaid}));
  EXPECT_EQ(h_.History(order.id).back().actor, "the payments worker");
  std::vector<Payment> payments = h_.PaymentsOf(order.id);
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(payments[0].status, P::kSucceeded);
  EXPECT_EQ(payments[0].amount_cents, 2 * 24999);
  EXPECT_EQ(payments[0].method, PaymentMethod::kCard);
  EXPECT_FALSE(payments[0].card_last4.has_value());
  EXPECT_EQ(PaymentTopics(), Names{"payment.succeeded"});
  EXPECT_EQ(h_.CheckReport()["ok"], true);
}

TEST_F(AutoCaptureTest, AnEventAppliedTwiceOrLateNeverChargesTwice) {
  Order order = h_.MustPlace(h_.headphones.id, 1);
  h_.Pump();
  ASSERT_EQ(h_.Get(order.id).status, S::kPaid);
  h_.TakeEvents();
  ApplyStatusChanged(order.id, S::kProcessing);  // the same event again
  EXPECT_EQ(h_.PaymentsOf(order.id).size(), 1u);
  EXPECT_EQ(PaymentTopics(), Names{});

  // A processing event that reaches the worker after the order was cancelled.
  Must(h_.SetPaused("payments", true), "pause");
  Order late = h_.MustPlace(h_.watch.id, 1);
  h_.Pump();
  Must(h_.SetStatus(h_.ann.principal, late.id, "cancelled"), "cancel");
  ApplyStatusChanged(late.id, S::kProcessing);
  EXPECT_TRUE(h_.PaymentsOf(late.id).empty());
  EXPECT_EQ(h_.Get(late.id).status, S::kCancelled);
}

TEST_F(AutoCaptureTest, AnOrderPaidByHandFirstIsNotChargedAgain) {
  Must(h_.SetPaused("payments", true), "pause");
  Order order = h_.MustPlace(h_.headphones.id, 1);
  h_.Pump();
  Must(h_.PayCard(h_.ann.principal, order.id), "pay by hand");
  Must(h_.SetPaused("payments", false), "resume");
  h_.Pump();
  EXPECT_EQ(h_.PaymentsOf(order.id).size(), 1u);
  EXPECT_EQ(h_.Get(order.id).status, S::kPaid);
}

class FailingAutoCaptureTest : public PaymentsWorkerTest {
 protected:
  FailingAutoCaptureTest() : PaymentsWorkerTest({.auto_capture = true, .failure_rate = 1.0}) {}
};

TEST_F(FailingAutoCaptureTest, AFailedCaptureLeavesTheOrderPayableAndIsNotRetried) {
  Order order = h_.MustPlace(h_.headphones.id, 1);
  h_.Pump();
  EXPECT_EQ(h_.Get(order.id).status, S::kProcessing);
  std::vector<Payment> payments = h_.PaymentsOf(order.id);
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(payments[0].status, P::kFailed);
  EXPECT_EQ(payments[0].reason, "payment failed: simulated gateway error");
  ApplyStatusChanged(order.id, S::kProcessing);
  EXPECT_EQ(h_.PaymentsOf(order.id).size(), 1u);
  // The fixed good card is spared the failure rate: the buyer can pay.
  EXPECT_EQ(Must(h_.PayCard(h_.ann.principal, order.id), "pay").status, P::kSucceeded);
  EXPECT_EQ(h_.Get(order.id).status, S::kPaid);
}

}  // namespace
}  // namespace mart
