// Reads run beside the store thread (PROTOCOL.md §4): they are answered while
// the store thread is busy, and they see committed data only, never the
// batch it is in the middle of. The store thread is held by a task of the
// test that has written but not committed, so nothing depends on timing.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>

#include "daemon_fixture.h"

namespace mart {
namespace {

using nlohmann::json;

class ReadsBesideStoreTest : public testing::DaemonTest {};

TEST_F(ReadsBesideStoreTest, ReadsAreAnsweredWhileTheStoreThreadHoldsAnUncommittedWrite) {
  auto created = Call("product.create",
                      {{"name", "Green tea"}, {"category", "tea"}, {"price", "3.50"},
                       {"quantity", 5}},
                      Cookie(), "create-1");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string id = (*created)["id"].get<std::string>();

  std::promise<void> held;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread holder([&] {
    Status done = daemon_->store_thread().Call([&](Tx& tx) {
      MART_ASSIGN_OR_RETURN(Product product, tx.store.products().Get(id));
      product.name = "Renamed, not yet committed";
      MART_RETURN_IF_ERROR(tx.store.products().Update(product));
      held.set_value();
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(done.ok()) << done.ToString();
  });
  held.get_future().wait();

  // The point read (socket thread) and the reads on the worker pool answer
  // now, from what was committed before the held batch.
  auto got = Call("product.get", {{"id", id}});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)["name"], "Green tea");
  auto listed = Call("product.list", {{"category", "tea"}});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0]["name"], "Green tea");
  auto stock = Call("inventory.get", {{"product_id", id}}, Cookie());
  ASSERT_TRUE(stock.ok()) << stock.status().ToString();
  EXPECT_EQ((*stock)["available_quantity"], 5);
  auto events = Call("events.read", {{"after", 0}}, Cookie());
  ASSERT_TRUE(events.ok()) << events.status().ToString();

  release.set_value();
  holder.join();
  // Committed now: the next read sees it.
  auto after = Call("product.get", {{"id", id}});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ((*after)["name"], "Renamed, not yet committed");
}

TEST_F(ReadsBesideStoreTest, AWriteIsVisibleToTheReadSentAfterItsReply) {
  for (int i = 0; i < 20; ++i) {
    auto created = Call("product.create",
                        {{"name", "Tea " + std::to_string(i)}, {"category", "tea"},
                         {"price", "1.00"}, {"quantity", 1}},
                        Cookie(), "create-" + std::to_string(i));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    auto got = Call("product.get", {{"id", (*created)["id"]}});
    ASSERT_TRUE(got.ok()) << i << ": " << got.status().ToString();
    auto listed = Call("product.list", {{"category", "tea"}, {"limit", 100}});
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    EXPECT_EQ(listed->size(), static_cast<size_t>(i + 1));
  }
}

}  // namespace
}  // namespace mart
