#include "services/payment_service.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "util/payment_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;
using S = OrderStatus;
using P = PaymentStatus;

class PaymentServiceTest : public ::testing::Test {
 protected:
  test::PaymentHarness h_;
};

TEST_F(PaymentServiceTest, GoodCardPaysTheOrderTotalAndMovesItToPaid) {
  Order order = h_.ProcessingOrder();
  h_.TakeEvents();
  Payment payment = Must(h_.PayCard(h_.ann.principal, order.id), "pay");
  EXPECT_GT(payment.id, 0);
  EXPECT_EQ(payment.status, P::kSucceeded);
  EXPECT_EQ(payment.amount_cents, 24999);
  EXPECT_EQ(payment.method, PaymentMethod::kCard);
  EXPECT_EQ(payment.card_last4, "4242");
  EXPECT_EQ(payment.user_id, h_.ann.user.id);
  EXPECT_FALSE(payment.reason.has_value());
  EXPECT_EQ(h_.Get(order.id).status, S::kPaid);
  EXPECT_EQ(h_.History(order.id).back().actor, h_.ann.principal.Describe());

  auto events = h_.TakeEvents();
  EXPECT_EQ(test::OrderHarness::Topics(events),
            (std::vector<std::string>{"payment.succeeded", "order.status_changed"}));
  json data = test::PaymentHarness::Payloads(events, "payment.succeeded").at(0);
  EXPECT_EQ(data, (json{{"payment_id", payment.id}, {"order_id", order.id},
                        {"user_id", h_.ann.user.id}, {"amount", 249.99}, {"method", "card"},
                        {"reason", nullptr}}));
}

TEST_F(PaymentServiceTest, DeclinedCardLeavesAFailedRecordAndThePayableOrder) {
  Order order = h_.ProcessingOrder();
  h_.TakeEvents();
  for (auto [number, reason] : {std::pair{test::kDeclinedCard, "card declined"},
                                std::pair{test::kNoFundsCard, "insufficient funds"}}) {
    Payment failed = Must(h_.PayCard(h_.ann.principal, order.id, number), "pay");
    EXPECT_EQ(failed.status, P::kFailed) << number;
    EXPECT_EQ(failed.reason, reason);
    EXPECT_EQ(h_.Get(order.id).status, S::kProcessing);
    auto events = h_.TakeEvents();
    ASSERT_EQ(test::OrderHarness::Topics(events), std::vector<std::string>{"payment.failed"});
    EXPECT_EQ(json::parse(events[0].payload)["reason"], reason);
  }
  // Still payable: a good card now succeeds.
  Payment paid = Must(h_.PayCard(h_.ann.principal, order.id), "pay again");
  EXPECT_EQ(paid.status, P::kSucceeded);
  EXPECT_EQ(h_.PaymentsOf(order.id).size(), 3u);
  EXPECT_EQ(h_.Get(order.id).status, S::kPaid);
}

TEST_F(PaymentServiceTest, BadCardFieldsAreInvalidAndRecordNothing) {
  Order order = h_.ProcessingOrder();
  Result<Payment> luhn = h_.PayCard(h_.ann.principal, order.id, "4242424242424241");
  EXPECT_EQ(luhn.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(luhn.status().details()["field"], "card_number");
  EXPECT_EQ(h_.PayCard(h_.ann.principal, order.id, test::kGoodCard, "01/20").status()
                .details()["field"], "expiry");
  EXPECT_EQ(h_.PayCard(h_.ann.principal, order.id, test::kGoodCard, "12/30", "1").status()
                .details()["field"], "cvc");
  Result<Payment> cod_with_card = h_.Pay(
      h_.ann.principal, {.order_id = order.id, .method = "cod", .card_number = "4242424242424242"});
  EXPECT_EQ(cod_with_card.status().details()["field"], "card_number");
  EXPECT_TRUE(h_.PaymentsOf(order.id).empty());
}

TEST_F(PaymentServiceTest, AnotherUsersOrderIsNotFoundAndAnAdminMayPay) {
  Order order = h_.ProcessingOrder();
  Result<Payment> bob = h_.PayCard(h_.bob.principal, order.id);
  EXPECT_EQ(bob.status().code(), Code::kNotFound);
  EXPECT_EQ(bob.status().message(), "order " + order.id + " not found");
  EXPECT_TRUE(h_.PaymentsOf(order.id).empty());
  Payment by_admin = Must(h_.PayCard(h_.admin.principal, order.id), "admin pays");
  EXPECT_EQ(by_admin.user_id, h_.ann.user.id);  // the buyer's payment, whoever paid
  EXPECT_EQ(h_.Get(order.id).status, S::kPaid);
}

TEST_F(PaymentServiceTest, PayingTwiceIsRefused) {
  Order order = h_.ProcessingOrder();
  Must(h_.PayCard(h_.ann.principal, order.id), "pay");
  Result<Payment> again = h_.PayCard(h_.ann.principal, order.id);
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "order " + order.id + " is already paid");
  EXPECT_EQ(h_.PaymentsOf(order.id).size(), 1u);

  Order cod = h_.ProcessingOrder();
  Must(h_.PayCod(h_.ann.principal, cod.id), "cod");
  Result<Payment> card = h_.PayCard(h_.ann.principal, cod.id);
  EXPECT_EQ(card.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(card.status().message(),
            "order " + cod.id + " has a pending cash-on-delivery payment");
}

TEST_F(PaymentServiceTest, EndedOrdersCannotBePaid) {
  Order order = h_.ProcessingOrder();
  Must(h_.SetStatus(h_.ann.principal, order.id, "cancelled"), "cancel");
  Result<Payment> cancelled = h_.PayCard(h_.ann.principal, order.id);
  EXPECT_EQ(cancelled.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(cancelled.status().message(), "order " + order.id + " is cancelled and cannot be paid");
  EXPECT_EQ(cancelled.status().details()["status"], "cancelled");

  Order shipped = h_.ProcessingOrder();
  Must(h_.SetStatus(h_.admin.principal, shipped.id, "shipped"), "ship");
  EXPECT_EQ(h_.PayCard(h_.ann.principal, shipped.id).status().details()["status"], "shipped");

  // Set paid by hand, with no payment: still already paid.
  Order manual = h_.ProcessingOrder();
  Must(h_.SetStatus(h_.admin.principal, manual.id, "paid"), "mark paid");
  EXPECT_EQ(h_.PayCard(h_.ann.principal, manual.id).status().message(),
            "order " + manual.id + " is already paid");
}

TEST_F(PaymentServiceTest, CardDataNeverReachesTheRowOrTheEvents) {
  Order order = h_.ProcessingOrder();
  h_.TakeEvents();
  Must(h_.PayCard(h_.ann.principal, order.id, "4000 0000 0000 0002", "11/29", "987"), "pay");
  Must(h_.PayCard(h_.ann.principal, order.id, "5555-5555-5555-4444", "11/29", "987"), "pay");
  auto q = Must(h_.store().db().Prepare("SELECT * FROM payments ORDER BY id"), "select");
  std::string everything;
  const int columns = 10;  // every column of the table
  while (Must(q.Next(), "next")) {
    for (int i = 0; i < columns; ++i) everything += (q.IsNull(i) ? "" : q.Text(i)) + "|";
  }
  for (const auto& event : h_.TakeEvents()) everything += event.payload;
  for (const char* secret : {"4000000000000002", "5555555555554444", "0000 0002", "5555-5555"}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  }
  // A three-digit CVC can turn up by chance inside the random order id or a millisecond
  // timestamp; look for the short ones where only card data could have put them.
  std::string scrubbed = std::regex_replace(everything, std::regex(order.id), "ORDER");
  scrubbed = std::regex_replace(scrubbed, std::regex("[0-9]{10,}"), "TIME");
  for (const char* secret : {"11/29", "987"}) {
    EXPECT_EQ(scrubbed.find(secret), std::string::npos) << secret << " in " << scrubbed;
  }
  EXPECT_NE(everything.find("|4444|"), std::string::npos);  // the last four are kept
}

TEST_F(PaymentServiceTest, GetAndListShowOnlyTheCallersOwn) {
  Order anns = h_.ProcessingOrder();
  Payment pay = Must(h_.PayCard(h_.ann.principal, anns.id, test::kDeclinedCard), "pay");
  Must(h_.PayCard(h_.ann.principal, anns.id), "pay");
  Tx tx = h_.NewTx();
  auto& payments = h_.services().payments;
  EXPECT_EQ(payments.Get(tx, h_.bob.principal, pay.id).status().code(), Code::kNotFound);
  EXPECT_EQ(Must(payments.Get(tx, h_.ann.principal, pay.id), "get").status, P::kFailed);
  EXPECT_TRUE(Must(payments.List(tx, h_.bob.principal, {}), "bob's").empty());
  std::vector<Payment> mine = Must(payments.List(tx, h_.ann.principal, {}), "ann's");
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].status, P::kSucceeded);  // newest first
  EXPECT_EQ(payments.List(tx, h_.bob.principal, {.user_id = h_.ann.user.id}).status().code(),
            Code::kPermissionDenied);
  auto failed = Must(payments.List(tx, h_.admin.principal,
                                   {.user_id = h_.ann.user.id, .order_id = anns.id,
                                    .status = "failed"}),
                     "admin filters");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].id, pay.id);
  EXPECT_EQ(payments.List(tx, h_.admin.principal, {.order_id = "nope"}).status().code(),
            Code::kInvalidArgument);
}

json PaymentsCheck(test::PaymentHarness& h) {
  const json report = h.CheckReport();
  for (const json& check : report["checks"]) {
    if (check["name"] == "payments") return check;
  }
  return nullptr;
}

TEST_F(PaymentServiceTest, AdminCheckFindsAWrongAmountAndASecondPayment) {
  Order order = h_.ProcessingOrder();
  Payment paid = Must(h_.PayCard(h_.ann.principal, order.id), "pay");
  h_.Pump();
  json clean = PaymentsCheck(h_);
  EXPECT_EQ(clean["ok"], true) << clean.dump();
  EXPECT_EQ(clean["checked"], 1);
  h_.Sql("UPDATE payments SET amount_cents = 100 WHERE id = " + std::to_string(paid.id));
  h_.Sql("INSERT INTO payments (order_id, user_id, amount_cents, method, status, created_at, "
         "updated_at) SELECT order_id, user_id, amount_cents, 'cod', 'pending', 0, 0 FROM payments");
  json broken = PaymentsCheck(h_);
  EXPECT_EQ(broken["ok"], false);
  EXPECT_EQ(broken["problems"],
            (json{"payment " + std::to_string(paid.id) + " succeeded for 100 cents but order " +
                      order.id + " totals 24999",
                  "order " + order.id + " has 2 succeeded or pending payments"}));
}

}  // namespace
}  // namespace mart
