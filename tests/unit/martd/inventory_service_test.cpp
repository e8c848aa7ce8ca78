#include "services/inventory_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "util/test_store.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

class InventoryServiceTest : public ::testing::Test {
 protected:
  InventoryService& inventory() { return harness_.services().inventory; }

  // Creates a product through the catalog (as product.create does) and
  // forgets the creation's events, so each test counts only its own.
  Product Create(int64_t quantity, std::optional<int64_t> threshold = {},
                 std::string name = "Premium Smartphone") {
    NewProduct request;
    request.fields.name = std::move(name);
    request.fields.category = "Electronics";
    request.fields.price_cents = 89999;
    request.quantity = quantity;
    request.threshold = threshold;
    Tx tx = harness_.NewTx();
    Product product = Must(harness_.services().catalog.Create(tx, request, operator_), "create");
    harness_.outbox().TakePending();
    return product;
  }

  json Check(bool notify) {
    Tx tx = harness_.NewTx();
    return Must(inventory().ReorderCheck(tx, notify, operator_), "check");
  }

  InventoryRecord Get(const std::string& id) {
    Tx tx = harness_.NewTx();
    return Must(inventory().Get(tx, id), "get");
  }

  Result<InventoryRecord> Adjust(const std::string& id, int64_t delta,
                                 const std::string& reason = "recount") {
    Tx tx = harness_.NewTx();
    return inventory().Adjust(tx, id, delta, reason, operator_);
  }

  Result<InventoryRecord> Reserve(const std::string& id, int64_t quantity,
                                  const std::string& reference) {
    Tx tx = harness_.NewTx();
    return inventory().Reserve(tx, id, quantity, reference, operator_);
  }

  Result<InventoryRecord> Release(const std::string& id, int64_t quantity,
                                  const std::string& reference) {
    Tx tx = harness_.NewTx();
    return inventory().Release(tx, id, quantity, reference, operator_);
  }

  Result<InventoryRecord> Set(const std::string& id, std::optional<int64_t> available,
                              std::optional<int64_t> threshold) {
    Tx tx = harness_.NewTx();
    return inventory().Set(tx, id, available, threshold, "recount", operator_);
  }

  std::vector<StockMovement> History(const std::string& id, int64_t limit = 100,
                                     int64_t offset = 0) {
    Tx tx = harness_.NewTx();
    return Must(inventory().History(tx, id, limit, offset), "history");
  }

  // The topics emitted since the last call, in order.
  std::vector<std::string> Topics() {
    last_events_ = harness_.outbox().TakePending();
    std::vector<std::string> topics;
    for (const auto& event : last_events_) topics.push_back(event.topic);
    return topics;
  }

  json LastPayload(std::string_view topic) {
    for (const auto& event : last_events_) {
      if (event.topic == topic) return json::parse(event.payload);
    }
    return nullptr;
  }

  test::ServiceHarness harness_;
  Principal operator_ = test::ServiceHarness::Operator();
  std::vector<store::EventRow> last_events_;
};

using Names = std::vector<std::string>;

TEST_F(InventoryServiceTest, CreatingAProductCreatesItsInventoryWithTheDefaultThreshold) {
  for (auto [quantity, threshold] : {std::pair{50, 5}, {100, 10}, {75, 7}, {0, 5}, {3, 5}}) {
    SCOPED_TRACE(quantity);
    Product product = Create(quantity);
    EXPECT_EQ(product.quantity, quantity);
    InventoryRecord record = Get(product.id);
    EXPECT_EQ(record.available, quantity);
    EXPECT_EQ(record.reserved, 0);
    EXPECT_EQ(record.reorder_threshold, threshold);
    EXPECT_EQ(record.created_at, product.created_at);
    std::vector<StockMovement> ledger = History(product.id);
    ASSERT_EQ(ledger.size(), 1u);
    EXPECT_EQ(ledger[0].type, "initial");
    EXPECT_EQ(ledger[0].delta, quantity);
    EXPECT_EQ(ledger[0].available_before, 0);
    EXPECT_EQ(ledger[0].available_after, quantity);
    EXPECT_EQ(ledger[0].actor, "the local operator");
  }
  EXPECT_EQ(Get(Create(50, 20).id).reorder_threshold, 20);  // a given threshold wins
  EXPECT_EQ(Get(Create(50, 0).id).reorder_threshold, 0);
}

TEST_F(InventoryServiceTest, CreationEmitsProductThenStockEvents) {
  Tx tx = harness_.NewTx();
  NewProduct low;
  low.fields.name = "Cable";
  low.fields.category = "Accessories";
  low.fields.price_cents = 999;
  low.quantity = 3;
  Product product = Must(harness_.services().catalog.Create(tx, low, operator_), "create");
  // Created already low: alerted at once, so the next drop does not alert again.
  EXPECT_EQ(Topics(), (Names{"product.created", "stock.updated", "inventory.low_stock"}));
  EXPECT_EQ(LastPayload("stock.updated"),
            (json{{"product_id", product.id}, {"type", "initial"}, {"delta", 3},
                  {"available", 3}, {"reserved", 0}}));
  ASSERT_TRUE(Adjust(product.id, -1).ok());
  EXPECT_EQ(Topics(), (Names{"stock.updated"}));
}

TEST_F(InventoryServiceTest, AdjustBelowZeroIsRefusedAndChangesNothing) {
  Product product = Create(5);
  InventoryRecord before = Get(product.id);
  harness_.clock().AdvanceSeconds(60);
  auto refused = Adjust(product.id, -6, "damaged in transit");
  ASSERT_FALSE(refused.ok());
  const Status& status = refused.status();
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_NE(status.message().find("available is 5"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("requested change -6"), std::string::npos) << status.message();
  EXPECT_EQ(status.details(), (json{{"product_id", product.id}, {"available", 5},
                                    {"reserved", 0}, {"requested", -6}}));
  InventoryRecord after = Get(product.id);
  EXPECT_EQ(after.available, 5);
  EXPECT_EQ(after.updated_at, before.updated_at);
  EXPECT_EQ(History(product.id).size(), 1u);  // only the initial row
  EXPECT_TRUE(Topics().empty());

  auto to_zero = Adjust(product.id, -5);
  ASSERT_TRUE(to_zero.ok()) << to_zero.status().ToString();
  EXPECT_EQ(to_zero->available, 0);
}

TEST_F(InventoryServiceTest, AdjustReasonIsThreeToTwoHundredCharacters) {
  std::string id = Create(50).id;
  const std::vector<std::string> refused_reasons = {"", "ab", "  ab  ", "\xc3\xa9\xc3\xa9",
                                                    std::string(201, 'r')};
  for (const std::string& reason : refused_reasons) {
    auto refused = Adjust(id, 1, reason);
    ASSERT_FALSE(refused.ok()) << reason;
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(refused.status().details().value("field", ""), "reason");
  }
  EXPECT_EQ(Get(id).available, 50);
  EXPECT_TRUE(Adjust(id, 1, "abc").ok());
  EXPECT_TRUE(Adjust(id, 1, "\xc3\xa9t\xc3\xa9").ok());  // characters count: three in five bytes
  EXPECT_TRUE(Adjust(id, 1, std::string(200, 'r')).ok());
  EXPECT_EQ(History(id, 1)[0].reason, std::string(200, 'r'));
  ASSERT_TRUE(Adjust(id, 1, "  trimmed  ").ok());
  EXPECT_EQ(History(id, 1)[0].reason, "trimmed");
}

TEST_F(InventoryServiceTest, AdjustRefusesAZeroDeltaAndBadIds) {
  std::string id = Create(50).id;
  EXPECT_EQ(Adjust(id, 0).status().details().value("field", ""), "delta");
  auto bad = Adjust("not-a-product-id", 1);
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().details().value("field", ""), "product_id");
  EXPECT_EQ(Adjust("000000000000000000000000", 1).status().code(), Code::kNotFound);
  EXPECT_EQ(History(id).size(), 1u);
}

TEST_F(InventoryServiceTest, ReserveAndReleaseMoveUnitsUnderAReference) {
  std::string id = Create(50).id;
  ASSERT_TRUE(Reserve(id, 3, "TICKET-7").ok());
  ASSERT_TRUE(Reserve(id, 2, "TICKET-8").ok());
  auto more = Reserve(id, 1, "TICKET-7");
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->available, 44);
  EXPECT_EQ(more->reserved, 6);

  auto released = Release(id, 4, "TICKET-7");
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->available, 48);
  EXPECT_EQ(released->reserved, 2);
  ASSERT_TRUE(Release(id, 2, "TICKET-8").ok());
  InventoryRecord record = Get(id);
  EXPECT_EQ(record.available, 50);
  EXPECT_EQ(record.reserved, 0);
  // Fully released holds are gone: nothing more comes back under them.
  EXPECT_EQ(Release(id, 1, "TICKET-7").status().code(), Code::kFailedPrecondition);
}

TEST_F(InventoryServiceTest, ReleasingMoreThanHeldIsRefused) {
  std::string id = Create(50).id;
  ASSERT_TRUE(Reserve(id, 2, "A").ok());
  ASSERT_TRUE(Reserve(id, 5, "B").ok());
  Topics();
  // Seven are reserved in all, but only two under A.
  auto refused = Release(id, 3, "A");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("only 2 units"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(refused.status().details(), (json{{"held", 2}, {"requested", 3}}));
  EXPECT_EQ(Release(id, 1, "C").status().code(), Code::kFailedPrecondition);
  InventoryRecord record = Get(id);
  EXPECT_EQ(record.available, 43);
  EXPECT_EQ(record.reserved, 7);
  EXPECT_EQ(History(id).size(), 3u);
  EXPECT_TRUE(Topics().empty());
  EXPECT_TRUE(Release(id, 2, "A").ok());
}

TEST_F(InventoryServiceTest, ReserveNeedsStockAndAReference) {
  std::string id = Create(5).id;
  auto refused = Reserve(id, 6, "TICKET-7");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("available is 5, requested change -6"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Reserve(id, 1, "   ").status().details().value("field", ""), "reference");
  EXPECT_EQ(Release(id, 1, "   ").status().details().value("field", ""), "reference");
  EXPECT_EQ(Get(id).available, 5);
  EXPECT_EQ(Get(id).reserved, 0);
  EXPECT_EQ(Release(id, 1, "TICKET-7").status().code(), Code::kFailedPrecondition);
}

TEST_F(InventoryServiceTest, LedgerKeepsBeforeAfterReferenceReasonAndActor) {
  std::string id = Create(50).id;
  Principal ann{.kind = Principal::Kind::kUser, .user_id = 3, .role = std::string(kRoleAdmin)};
  {
    Tx tx = harness_.NewTx();
    ASSERT_TRUE(inventory().Adjust(tx, id, -3, "damaged", ann).ok());
  }
  harness_.clock().AdvanceSeconds(1);
  ASSERT_TRUE(Reserve(id, 2, "TICKET-7").ok());
  ASSERT_TRUE(Release(id, 1, "TICKET-7").ok());
  ASSERT_TRUE(Set(id, 40, std::nullopt).ok());

  // type delta available before>after reserved before>after reference reason actor
  auto row = [](const StockMovement& m) {
    return m.type + " " + std::to_string(m.delta) + " " + std::to_string(m.available_before) +
           ">" + std::to_string(m.available_after) + " " + std::to_string(m.reserved_before) +
           ">" + std::to_string(m.reserved_after) + " " + m.reference.value_or("-") + " " +
           m.reason.value_or("-") + " " + m.actor;
  };
  std::vector<StockMovement> ledger = History(id);
  std::vector<std::string> rows;
  for (const StockMovement& m : ledger) rows.push_back(row(m));
  EXPECT_EQ(rows, (Names{"set -6 46>40 1>1 - recount the local operator",
                         "release 1 45>46 2>1 TICKET-7 - the local operator",
                         "reserve -2 47>45 0>2 TICKET-7 - the local operator",
                         "adjust -3 50>47 0>0 - damaged user 3",
                         "initial 50 0>50 0>0 - - the local operator"}));  // newest first
  ASSERT_EQ(ledger.size(), 5u);
  EXPECT_EQ(ledger[2].created_at - ledger[3].created_at, 1000000);
  // Each row starts where the previous one ended.
  for (size_t i = 0; i + 1 < ledger.size(); ++i) {
    EXPECT_EQ(ledger[i].available_before, ledger[i + 1].available_after) << i;
    EXPECT_EQ(ledger[i].reserved_before, ledger[i + 1].reserved_after) << i;
  }
  std::vector<StockMovement> page = History(id, 2, 1);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, ledger[1].id);
  EXPECT_EQ(page[1].id, ledger[2].id);
}

TEST_F(InventoryServiceTest, SetNeedsSomethingToSet) {
  std::string id = Create(50).id;
  EXPECT_EQ(Set(id, std::nullopt, std::nullopt).status().code(), Code::kInvalidArgument);
  auto both = Set(id, 120, 12);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->available, 120);
  EXPECT_EQ(both->reorder_threshold, 12);
  EXPECT_EQ(History(id, 1)[0].delta, 70);
}

TEST_F(InventoryServiceTest, LowStockFiresOnCrossingAndReArmsAboveTheThreshold) {
  std::string id = Create(20, 5).id;
  ASSERT_TRUE(Adjust(id, -14).ok());  // 6: not low
  EXPECT_EQ(Topics(), (Names{"stock.updated"}));
  ASSERT_TRUE(Adjust(id, -1).ok());  // 5: crosses
  EXPECT_EQ(Topics(), (Names{"stock.updated", "inventory.low_stock"}));
  EXPECT_EQ(LastPayload("inventory.low_stock"),
            (json{{"product_id", id}, {"available", 5}, {"reorder_threshold", 5}}));
  EXPECT_TRUE(Get(id).low_stock_alerted);
  ASSERT_TRUE(Adjust(id, -4).ok());  // 1: still low
  EXPECT_EQ(Topics(), (Names{"stock.updated"}));
  ASSERT_TRUE(Adjust(id, 4).ok());  // 5: still low
  EXPECT_EQ(Topics(), (Names{"stock.updated"}));
  ASSERT_TRUE(Adjust(id, 1).ok());  // 6: re-armed, no event
  EXPECT_EQ(Topics(), (Names{"stock.updated"}));
  EXPECT_FALSE(Get(id).low_stock_alerted);
  ASSERT_TRUE(Adjust(id, -1).ok());  // 5: crosses again
  EXPECT_EQ(Topics(), (Names{"stock.updated", "inventory.low_stock"}));
}

TEST_F(InventoryServiceTest, ReservingCanCrossAndReleasingReArms) {
  std::string id = Create(20, 5).id;
  ASSERT_TRUE(Reserve(id, 15, "BULK").ok());  // available 5
  EXPECT_EQ(Topics(), (Names{"stock.updated", "inventory.low_stock"}));
  ASSERT_TRUE(Release(id, 15, "BULK").ok());
  EXPECT_EQ(Topics(), (Names{"stock.updated"}));
  EXPECT_FALSE(Get(id).low_stock_alerted);
}

TEST_F(InventoryServiceTest, AThresholdChangeAloneCanCrossAndReArm) {
  std::string id = Create(20, 5).id;
  ASSERT_TRUE(Set(id, std::nullopt, 20).ok());  // 20 <= 20
  EXPECT_EQ(Topics(), (Names{"stock.updated", "inventory.low_stock"}));
  EXPECT_EQ(LastPayload("inventory.low_stock")["reorder_threshold"], 20);
  StockMovement row = History(id, 1)[0];
  EXPECT_EQ(row.type, "set");
  EXPECT_EQ(row.delta, 0);
  ASSERT_TRUE(Set(id, std::nullopt, 25).ok());  // still low
  EXPECT_EQ(Topics(), (Names{"stock.updated"}));
  ASSERT_TRUE(Set(id, std::nullopt, 10).ok());  // re-armed
  EXPECT_EQ(Topics(), (Names{"stock.updated"}));
  ASSERT_TRUE(Set(id, std::nullopt, 20).ok());  // crosses again
  EXPECT_EQ(Topics(), (Names{"stock.updated", "inventory.low_stock"}));
}

TEST_F(InventoryServiceTest, ListCanKeepOnlyLowItems) {
  std::string plenty = Create(50).id;
  std::string low = Create(3).id;
  Tx tx = harness_.NewTx();
  auto all = Must(inventory().List(tx, false, 100, 0), "list");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].product_id, plenty);  // oldest first
  auto only_low = Must(inventory().List(tx, true, 100, 0), "list");
  ASSERT_EQ(only_low.size(), 1u);
  EXPECT_EQ(only_low[0].product_id, low);
  EXPECT_EQ(Must(inventory().List(tx, false, 1, 1), "list")[0].product_id, low);
}

int64_t Suggested(int64_t available, int64_t threshold) {
  InventoryRecord record;
  record.available = available;
  record.reorder_threshold = threshold;
  return SuggestedReorder(record);
}

TEST(SuggestedReorderTest, ReachesTwiceTheThreshold) {
  EXPECT_EQ(Suggested(3, 5), 7);
  EXPECT_EQ(Suggested(10, 10), 10);
  EXPECT_EQ(Suggested(0, 7), 14);
  EXPECT_EQ(Suggested(0, 0), 1);
  EXPECT_EQ(Suggested(1, 1), 1);
}

TEST_F(InventoryServiceTest, ReorderCheckListsLowItemsWithASuggestion) {
  Create(50);
  std::string cable = Create(3, std::nullopt, "Cable").id;
  std::string empty = Create(0, 0, "Adapter").id;
  ASSERT_TRUE(Reserve(cable, 1, "TICKET-7").ok());
  Topics();
  EXPECT_EQ(Check(false),
            (json{{{"product_id", cable}, {"name", "Cable"}, {"available_quantity", 2},
                   {"reserved_quantity", 1}, {"reorder_threshold", 5}, {"suggested_quantity", 8}},
                  {{"product_id", empty}, {"name", "Adapter"}, {"available_quantity", 0},
                   {"reserved_quantity", 0}, {"reorder_threshold", 0},
                   {"suggested_quantity", 1}}}));
  EXPECT_TRUE(Topics().empty());  // without --notify, a check records nothing
}

TEST_F(InventoryServiceTest, ReorderNotifyEmitsOnlyWhenSomethingIsLow) {
  std::string id = Create(50).id;
  EXPECT_EQ(Check(true), json::array());
  EXPECT_TRUE(Topics().empty());
  ASSERT_TRUE(Adjust(id, -46).ok());
  Topics();
  json items = Check(true);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Topics(), (Names{"inventory.reorder_requested"}));
  json payload = LastPayload("inventory.reorder_requested");
  EXPECT_EQ(payload["items"], items);
  EXPECT_EQ(payload["requested_by"], "the local operator");
}

}  // namespace
}  // namespace mart
