// The event catalog against what the daemon really emits: a scripted flow
// through the services and queue workers that makes every kind of event,
// then the whole event log checked against the catalog.
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "events/catalog.h"
#include "util/payment_harness.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

// Accounts: a password changed by its user and one set by an admin, a role
// change, a deactivation and reactivation, an unlock.
void AccountEvents(test::PaymentHarness& h) {
  const std::string hash = Must(h.auth().HashNewPassword("Password456"), "hash");
  VerifiedLogin current =
      Must(h.auth().VerifyCurrentPassword(h.store(), h.ann.user.id, test::kTestPassword), "verify");
  Tx own = h.NewTx();
  Must(h.auth().ChangePassword(own, h.ann.principal, current, hash), "change password");
  Tx set = h.NewTx();
  Must(h.auth().SetPassword(set, h.Operator(), h.bob.user.id, hash), "set password");
  Tx role = h.NewTx();
  Must(h.accounts().SetRole(role, h.bob.user.id, kRoleAdmin), "set role");
  Tx off = h.NewTx();
  Must(h.accounts().SetActive(off, h.bob.user.id, false), "deactivate");
  Tx on = h.NewTx();
  Must(h.accounts().SetActive(on, h.bob.user.id, true), "activate");
  Tx unlock = h.NewTx();
  Must(h.auth().Unlock(unlock, h.bob.user.id), "unlock");
}

// The catalog: a product created low on stock, updated, reported by a
// reorder check with notify, and deleted.
void CatalogEvents(test::PaymentHarness& h) {
  Product lamp = h.CreateProduct("Desk Lamp", 2999, 3);
  ProductFields fields;
  fields.price_cents = 3499;
  Tx update = h.NewTx();
  Must(h.services().catalog.Update(update, lamp.id, fields), "update product");
  Tx check = h.NewTx();
  Must(h.services().inventory.ReorderCheck(check, true, h.Operator()), "reorder check");
  Tx remove = h.NewTx();
  Must(h.services().catalog.Delete(remove, lamp.id), "delete product");
}

// Orders and payments: one shipped and delivered, one paid and cancelled
// (released, refunded), one on cash on delivery cancelled, one short of stock.
void OrderEvents(test::PaymentHarness& h) {
  Order shipped = h.ProcessingOrder();
  Must(h.PayCard(h.ann.principal, shipped.id), "pay");
  Must(h.SetStatus(h.admin.principal, shipped.id, "shipped"), "ship");
  h.Pump();
  Must(h.SetStatus(h.admin.principal, shipped.id, "delivered"), "deliver");
  h.Pump();

  Order refunded = h.ProcessingOrder();
  EXPECT_EQ(Must(h.PayCard(h.ann.principal, refunded.id, test::kDeclinedCard), "declined").status,
            PaymentStatus::kFailed);
  Must(h.PayCard(h.ann.principal, refunded.id), "pay");
  Must(h.SetStatus(h.ann.principal, refunded.id, "cancelled", "changed my mind"), "cancel");
  h.Pump();

  Order cod = h.ProcessingOrder();
  Must(h.PayCod(h.ann.principal, cod.id), "cash on delivery");
  Must(h.SetStatus(h.admin.principal, cod.id, "cancelled"), "cancel");
  h.Pump();

  h.MustPlace(h.phone.id, 1000);
  h.Pump();
}

// A reservation that fails every attempt is dead-lettered.
void DeadLetterEvents(test::PaymentHarness& h) {
  h.InjectFault("flow_holds_fail", "BEFORE INSERT", "inventory_holds");
  h.MustPlace(h.watch.id, 1);
  for (int attempt = 0; attempt < QueueService::kMaxAttempts; ++attempt) {
    h.Pump();
    h.clock().AdvanceSeconds(60);
  }
  h.FixFault("flow_holds_fail", "inventory_holds");
}

std::vector<store::EventRow> EmitEveryEvent(test::PaymentHarness& h) {
  h.Pump();
  AccountEvents(h);
  CatalogEvents(h);
  OrderEvents(h);
  DeadLetterEvents(h);
  h.Pump();
  return Must(h.store().events().ReadAfter(0, 100000), "read the log");
}

// The payload decoded with its catalog type and encoded again; an error when
// it does not decode, or when the topic is not in the catalog.
Result<json> Reencoded(const store::EventRow& event) {
  const json data = json::parse(event.payload);
  std::optional<Result<json>> out;
  events::ForEachEvent([&]<events::Event E>() {
    if (event.topic != E::kTopic) return;
    Result<E> decoded = events::FromJson<E>(data);
    out = decoded.ok() ? Result<json>(events::ToJson(*decoded)) : Result<json>(decoded.status());
  });
  if (!out) return NotFound("no catalog type for " + event.topic);
  return *out;
}

TEST(CatalogFlowTest, EveryEventTheDaemonEmitsIsInTheCatalogExactly) {
  test::PaymentHarness h;
  const std::vector<store::EventRow> log = EmitEveryEvent(h);
  std::set<std::string> emitted;
  for (const store::EventRow& event : log) {
    SCOPED_TRACE("event " + std::to_string(event.seq) + " " + event.topic + " " + event.payload);
    emitted.insert(event.topic);
    const events::EventSpec* spec = events::FindEvent(event.topic);
    ASSERT_NE(spec, nullptr) << "not in the catalog";
    // The catalog's type reproduces the payload exactly: keys, types, money.
    Result<json> again = Reencoded(event);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(*again, json::parse(event.payload));
    EXPECT_EQ(events::AggregateKey(event.topic, *again).empty(), spec->key.empty());
  }
  // The flow makes every kind of event, so each type above met a real one.
  std::set<std::string> declared;
  for (const events::EventSpec& spec : events::Catalog()) declared.emplace(spec.topic);
  EXPECT_EQ(emitted, declared);
  // And the typed workers took every real payload: only the provoked dead letter.
  EXPECT_EQ(h.QueueRow("inventory")["dead"], 1);
  for (const char* worker : {"orders", "payments", "notifications"}) {
    EXPECT_EQ(h.QueueRow(worker)["dead"], 0) << worker;
    EXPECT_EQ(h.QueueRow(worker)["failed"], 0) << worker;
  }
}

}  // namespace
}  // namespace mart
