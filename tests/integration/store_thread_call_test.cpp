// StoreThread::Call: internal work from other threads (the mailer) runs on
// the store thread inside a batch transaction, and the caller learns its
// outcome only once that transaction has committed; an error rolls back that
// work alone; after Stop, Call answers UNAVAILABLE instead of waiting.
#include "rpc/store_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "handlers/handlers.h"
#include "temp_dir.h"
#include "util/test_store.h"

namespace mart {
namespace {

using test::Must;

class StoreThreadCallTest : public ::testing::Test {
 protected:
  StoreThreadCallTest()
      : path_(temp_.path() + "/mart.db"),
        store_(Must(store::Store::Open(path_, store::OpenMode::kReadWrite), "open")),
        services_(clock_, test::TestSigningKey(), std::string(test::kTestCookie),
                  test::TestAuthOptions(), DaemonInfo{}),
        dispatcher_(handlers::AllHandlers(), services_, ready_),
        thread_(*store_, dispatcher_, context_) {
    thread_.Start();
  }

  // What another connection sees: only committed work.
  int64_t CommittedEvents(const std::string& topic) {
    auto reader = Must(store::Store::Open(path_, store::OpenMode::kReadOnly), "reader");
    auto events = Must(reader->events().ReadAfter(0, 10000), "read");
    int64_t count = 0;
    for (const auto& event : events) count += event.topic == topic;
    return count;
  }

  test::TempDir temp_;
  std::string path_;
  FakeClock clock_;
  std::atomic<bool> ready_{true};
  std::unique_ptr<store::Store> store_;
  Services services_;
  rpc::Dispatcher dispatcher_;
  zmq::context_t context_{1};
  rpc::StoreThread thread_;
};

TEST_F(StoreThreadCallTest, ReturnsOnceTheWorkIsCommitted) {
  Status done = thread_.Call([](Tx& tx) { return tx.events.Emit("test.called", {{"n", 1}}); });
  ASSERT_TRUE(done.ok()) << done.ToString();
  EXPECT_EQ(CommittedEvents("test.called"), 1);
}

TEST_F(StoreThreadCallTest, AnErrorRollsBackThatWorkAlone) {
  Status failed = thread_.Call([](Tx& tx) {
    MART_RETURN_IF_ERROR(tx.events.Emit("test.rolled_back", {{"n", 1}}));
    return Unavailable("the mail server is down");
  });
  EXPECT_EQ(failed.code(), Code::kUnavailable);
  EXPECT_EQ(failed.message(), "the mail server is down");
  ASSERT_TRUE(thread_.Call([](Tx& tx) { return tx.events.Emit("test.kept", {}); }).ok());
  EXPECT_EQ(CommittedEvents("test.rolled_back"), 0);
  EXPECT_EQ(CommittedEvents("test.kept"), 1);
}

TEST_F(StoreThreadCallTest, ManyThreadsCallAtOnce) {
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Status s = thread_.Call([](Tx& tx) { return tx.events.Emit("test.many", {}); });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(CommittedEvents("test.many"), 200);
}

TEST_F(StoreThreadCallTest, AfterStopCallIsUnavailableAndDoesNotWait) {
  thread_.Stop();
  bool ran = false;
  Status late = thread_.Call([&](Tx&) {
    ran = true;
    return Status::Ok();
  });
  EXPECT_EQ(late.code(), Code::kUnavailable);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace mart
