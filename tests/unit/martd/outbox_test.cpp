#include "events/outbox.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/test_store.h"

namespace mart {
namespace {

using test::Must;

TEST(OutboxTest, EmitAppendsToTheLogAndRemembersTheEvent) {
  test::StoreHarness harness;
  Outbox& outbox = harness.outbox();
  ASSERT_TRUE(outbox.Emit("user.registered", {{"user_id", 1}}).ok());
  harness.clock().AdvanceSeconds(1);
  ASSERT_TRUE(outbox.Emit("user.activated", {{"user_id", 1}}).ok());
  EXPECT_EQ(outbox.Mark(), 2u);

  auto logged = Must(harness.store().events().ReadAfter(0, 10), "read");
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_EQ(logged[0].topic, "user.registered");
  EXPECT_EQ(logged[0].payload, R"({"user_id":1})");
  EXPECT_EQ(logged[1].created_at - logged[0].created_at, 1000000);

  auto pending = outbox.TakePending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].seq, logged[0].seq);
  EXPECT_EQ(pending[1].seq, logged[1].seq);
  EXPECT_EQ(pending[1].topic, "user.activated");
  EXPECT_EQ(pending[1].payload, logged[1].payload);
  EXPECT_EQ(pending[1].created_at, logged[1].created_at);
  EXPECT_EQ(outbox.Mark(), 0u);
}

TEST(EffectScopeTest, LeavingWithoutKeepUndoesTheRowsAndTheEventsTogether) {
  test::StoreHarness harness;
  Outbox& outbox = harness.outbox();
  store::Transaction transaction(harness.store().db());
  ASSERT_TRUE(outbox.Emit("a.done", {}).ok());
  {
    EffectScope failing(harness.store().db(), outbox);
    ASSERT_TRUE(failing.status().ok());
    ASSERT_TRUE(outbox.Emit("b.done", {}).ok());
    ASSERT_TRUE(outbox.Emit("c.done", {}).ok());
  }
  {
    EffectScope kept(harness.store().db(), outbox);
    ASSERT_TRUE(outbox.Emit("d.done", {}).ok());
    {
      EffectScope inner(harness.store().db(), outbox);  // undone inside a kept unit
      ASSERT_TRUE(outbox.Emit("e.done", {}).ok());
    }
    ASSERT_TRUE(kept.Keep().ok());
  }
  ASSERT_TRUE(transaction.Commit().ok());
  std::vector<std::string> pending;
  for (const auto& event : outbox.TakePending()) pending.push_back(event.topic);
  EXPECT_EQ(pending, (std::vector<std::string>{"a.done", "d.done"}));
  std::vector<std::string> logged;
  for (const auto& event : Must(harness.store().events().ReadAfter(0, 10), "read")) {
    logged.push_back(event.topic);
  }
  EXPECT_EQ(logged, pending);  // what is published is exactly what committed
}

}  // namespace
}  // namespace mart
