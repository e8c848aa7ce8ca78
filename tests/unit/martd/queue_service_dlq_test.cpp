// QueueService: dead letters — giving up after the last attempt, listing,
// retrying and purging them (second file of queue_service_test).
#include "queue/queue_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "util/queue_fixture.h"
#include "util/test_dispatch.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Applied;
using test::LastSeq;
using test::Must;
using test::RecordingConsumer;
using test::CreateAppliedTable;
using QueueServiceTest = test::QueueTest;
using Seqs = std::vector<int64_t>;
using Names = std::vector<std::string>;

TEST_F(QueueServiceTest, AfterTheLastAttemptTheEventIsDeadLetteredAndTheWorkerMovesOn) {
  int64_t poison = Emit("test.ping", {{"poison", true}});
  int64_t next = Emit("test.ping");
  for (int attempt = 1; attempt < QueueService::kMaxAttempts; ++attempt) {
    PumpOutcome outcome = Pump();
    EXPECT_EQ(outcome.applied, 0) << attempt;
    EXPECT_TRUE(outcome.retry_at.has_value()) << attempt;
    EXPECT_TRUE(Letters().empty()) << attempt;
    h_.clock().AdvanceSeconds(60);
  }
  PumpOutcome last = Pump();
  EXPECT_EQ(last.applied, 2);  // the dead letter and the next event
  EXPECT_FALSE(last.retry_at.has_value());
  EXPECT_EQ(consumer_.calls, QueueService::kMaxAttempts + 1);
  EXPECT_EQ(Applied(h_.store()), (Seqs{next}));  // nothing of the poison event stayed

  json letters = Letters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0]["worker"], "recorder");
  EXPECT_EQ(letters[0]["seq"], poison);
  EXPECT_EQ(letters[0]["topic"], "test.ping");
  EXPECT_EQ(letters[0]["attempts"], QueueService::kMaxAttempts);
  EXPECT_NE(letters[0]["error"].get<std::string>().find("the test sink is down"),
            std::string::npos);
  EXPECT_EQ(letters[0]["created_at"], FormatTimestamp(h_.clock().NowMicros()));
  EXPECT_FALSE(letters[0].contains("event"));

  Tx tx = h_.NewTx();
  json shown = Must(queues_.DeadLetter(tx, letters[0]["id"].get<int64_t>()), "show");
  EXPECT_EQ(shown["event"]["seq"], poison);
  EXPECT_EQ(shown["event"]["data"], (json{{"poison", true}}));

  store::ConsumerState state = State();
  EXPECT_EQ(state.cursor, LastSeq(h_.store()));
  EXPECT_EQ(state.processed, 1);
  EXPECT_EQ(state.failed, QueueService::kMaxAttempts);
  EXPECT_EQ(state.dead, 1);
  EXPECT_EQ(state.attempts, 0);
  json row = Row();
  EXPECT_EQ(row["dead"], 1);
  EXPECT_EQ(row["dead_lettered_total"], 1);
  EXPECT_EQ(row["lag"], 0);
  EXPECT_EQ(row["state"], "idle");
}

TEST_F(QueueServiceTest, MalformedPayloadsAndThrowingHandlersAreErrorsNotCrashes) {
  int64_t array = Emit("test.ping", json::array({1, 2}));
  DeadLetter(array);
  EXPECT_EQ(consumer_.calls, 0);  // never handed to the worker
  json letters = Letters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_NE(letters[0]["error"].get<std::string>().find("not a JSON object"), std::string::npos);

  consumer_.throws = true;
  int64_t thrown = Emit("test.ping");
  PumpOutcome outcome = Pump();
  EXPECT_EQ(outcome.applied, 0);
  EXPECT_TRUE(outcome.retry_at.has_value());
  EXPECT_TRUE(Applied(h_.store()).empty());  // the insert before the throw rolled back
  ASSERT_TRUE(State().last_error.has_value());
  EXPECT_NE(State().last_error->find("boom"), std::string::npos);
  consumer_.throws = false;
  h_.clock().AdvanceSeconds(1);
  EXPECT_EQ(Pump().applied, 1);
  EXPECT_EQ(Applied(h_.store()), (Seqs{thrown}));
  EXPECT_FALSE(State().last_error.has_value());  // recovered: no stale error shown
}

TEST_F(QueueServiceTest, RetryingADeadLetterAppliesItOnceTheFaultIsCleared) {
  int64_t poison = Emit("test.ping", {{"poison", true}});
  DeadLetter(poison);
  json letter = Letters().at(0);
  const int64_t processed = State().processed;
  h_.outbox().TakePending();

  consumer_.poison_fails = false;
  Tx tx = h_.NewTx();
  json retried = Must(queues_.RetryDeadLetter(tx, letter["id"].get<int64_t>()), "retry");
  EXPECT_EQ(retried["retried"], true);
  EXPECT_EQ(retried["seq"], poison);
  EXPECT_TRUE(Letters().empty());
  EXPECT_EQ(Applied(h_.store()), (Seqs{poison}));
  EXPECT_EQ(OutboxTopics(), (Names{"test.echo"}));
  EXPECT_EQ(State().processed, processed + 1);
  EXPECT_EQ(Row()["dead"], 0);
  EXPECT_EQ(Row()["dead_lettered_total"], 1);  // history keeps the count

  Tx again = h_.NewTx();
  EXPECT_EQ(queues_.RetryDeadLetter(again, letter["id"].get<int64_t>()).status().code(), Code::kNotFound);
}

TEST_F(QueueServiceTest, PurgeByIdAllOrPerWorker) {
  RecordingConsumer other("other");
  queues_.Register(&other);
  auto insert = [&](const std::string& worker, int64_t seq) {
    return Must(h_.store().queues().InsertDeadLetter(Letter(worker, seq)), "insert");
  };
  for (int i = 0; i < 3; ++i) Emit("test.ping");
  int64_t first = insert("recorder", 1);
  insert("recorder", 2);
  int64_t others = insert("other", 3);
  insert("other", 1);

  auto purge = [&](std::optional<int64_t> id, std::string_view worker, bool all) {
    Tx tx = h_.NewTx();
    return queues_.Purge(tx, id, worker, all);
  };
  EXPECT_EQ(purge(std::nullopt, "", false).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(purge(first, "", true).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(purge(first, "other", false).status().code(), Code::kNotFound);  // not other's
  EXPECT_EQ(Letters().size(), 4u);

  EXPECT_EQ(Must(purge(first, "", false), "one"), (json{{"purged", 1}}));
  EXPECT_EQ(purge(first, "", false).status().code(), Code::kNotFound);  // gone
  EXPECT_EQ(Letters().size(), 3u);
  EXPECT_EQ(Must(purge(std::nullopt, "other", true), "other's"), (json{{"purged", 2}}));
  EXPECT_TRUE(Letters("other").empty());
  EXPECT_EQ(Letters("recorder").size(), 1u);
  EXPECT_EQ(purge(others, "", false).status().code(), Code::kNotFound);
  EXPECT_EQ(Must(purge(std::nullopt, "", true), "all"), (json{{"purged", 1}}));
  EXPECT_TRUE(Letters().empty());
}

TEST_F(QueueServiceTest, DeadLettersListNewestFirstPerWorker) {
  RecordingConsumer other("other");
  queues_.Register(&other);
  for (const char* worker : {"recorder", "other", "recorder"}) {
    Emit("test.ping");
    Must(h_.store().queues().InsertDeadLetter(Letter(worker, 1)), "insert");
  }
  json all = Letters();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_GT(all[0]["id"].get<int64_t>(), all[1]["id"].get<int64_t>());
  EXPECT_EQ(Letters("recorder").size(), 2u);
  EXPECT_EQ(Row("other")["dead"], 1);
  Tx tx = h_.NewTx();
  EXPECT_EQ(queues_.DeadLetter(tx, 99).status().code(), Code::kNotFound);
}

// Through the dispatcher, as `martctl dlq retry` runs it: a retry that fails
// again is FAILED_PRECONDITION and its request savepoint undoes its writes.
class DeadLetterRetryDispatchTest : public ::testing::Test {
 protected:
  DeadLetterRetryDispatchTest() {
    CreateAppliedTable(h_.store());
    h_.services().queues.Register(&consumer_);
  }

  void PumpAll() {
    Must(h_.services().queues.Pump(h_.store(), h_.outbox(), 1000), "pump");
    h_.outbox().TakePending();
  }

  test::DispatchHarness h_;
  RecordingConsumer consumer_;
};

TEST_F(DeadLetterRetryDispatchTest, ASecondFailureChangesNothing) {
  Must(h_.outbox().Emit("test.ping", {{"poison", true}}), "emit");
  for (int attempt = 0; attempt < QueueService::kMaxAttempts; ++attempt) {
    PumpAll();
    h_.clock().AdvanceSeconds(60);
  }
  const std::string cookie = test::ServiceHarness::CookieAuth();
  Reply list = h_.Call("dlq.list", json::object(), cookie);
  ASSERT_TRUE(list.status.ok()) << list.status.ToString();
  ASSERT_EQ(list.result.size(), 1u);
  const int64_t id = list.result[0]["id"].get<int64_t>();
  const int64_t last_seq = LastSeq(h_.store());
  const json before = h_.Call("queue.list", json::object(), cookie).result;

  Reply again = h_.Call("dlq.retry", {{"id", id}}, cookie);
  ASSERT_FALSE(again.status.ok());
  EXPECT_EQ(again.status.code(), Code::kFailedPrecondition);
  EXPECT_EQ(again.status.details()["id"], id);
  EXPECT_NE(again.status.details()["error"].get<std::string>().find("the test sink is down"),
            std::string::npos);
  EXPECT_TRUE(Applied(h_.store()).empty());  // its write was undone
  EXPECT_EQ(LastSeq(h_.store()), last_seq);  // and its echo
  EXPECT_TRUE(h_.last_events().empty());
  EXPECT_EQ(h_.Call("dlq.list", json::object(), cookie).result.size(), 1u);
  EXPECT_EQ(h_.Call("queue.list", json::object(), cookie).result, before);

  consumer_.poison_fails = false;
  Reply retried = h_.Call("dlq.retry", {{"id", id}}, cookie);
  ASSERT_TRUE(retried.status.ok()) << retried.status.ToString();
  EXPECT_EQ(Applied(h_.store()).size(), 1u);
  EXPECT_TRUE(h_.Call("dlq.list", json::object(), cookie).result.empty());
}

}  // namespace
}  // namespace mart
