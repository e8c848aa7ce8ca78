#include "services/queue_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/test_dispatch.h"
#include "util/test_store.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

// A worker for tests: it takes `test.ping` and records each event it applies
// in a table of its own, and emits `test.echo`. Told to fail, it first writes
// and emits anyway, so a test can see that the failure rolled both back.
class RecordingConsumer : public Consumer {
 public:
  explicit RecordingConsumer(std::string name = "recorder") : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  const std::vector<std::string>& topics() const override { return topics_; }

  Status Apply(Tx& tx, const store::EventRow& event, const json& data) const override {
    ++calls;
    auto insert = tx.store.db().Prepare("INSERT INTO test_applied (consumer, seq) VALUES (?, ?)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, name_).Bind(2, event.seq);
    MART_RETURN_IF_ERROR(insert->Run());
    MART_RETURN_IF_ERROR(tx.events.Emit("test.echo", {{"seq", event.seq}}));
    if (throws) throw std::runtime_error("boom");
    if (failures_left > 0 || (data.value("poison", false) && poison_fails)) {
      if (failures_left > 0) --failures_left;
      return Unavailable("the test sink is down");
    }
    return Status::Ok();
  }

  mutable int calls = 0;
  mutable int failures_left = 0;  // fail this many next attempts
  bool poison_fails = true;       // events with "poison": true fail while set
  bool throws = false;

 private:
  std::string name_;
  std::vector<std::string> topics_ = {"test.ping"};
};

void CreateAppliedTable(store::Store& store) {
  Must(store.db().Execute("CREATE TABLE test_applied (consumer TEXT NOT NULL, seq INTEGER NOT NULL)"),
       "create test_applied");
}

// The seqs a consumer's applied effects left behind, in the order applied.
std::vector<int64_t> Applied(store::Store& store, const std::string& consumer = "recorder") {
  auto q = Must(store.db().Prepare("SELECT seq FROM test_applied WHERE consumer = ? ORDER BY rowid"),
                "select");
  q.Bind(1, consumer);
  std::vector<int64_t> seqs;
  while (Must(q.Next(), "next")) seqs.push_back(q.Int(0));
  return seqs;
}

int64_t LastSeq(store::Store& store) { return Must(store.events().LastSeq(), "last seq"); }

class QueueServiceTest : public ::testing::Test {
 protected:
  QueueServiceTest() : queues_(h_.clock()) {
    CreateAppliedTable(h_.store());
    queues_.Register(&consumer_);
  }

  int64_t Emit(std::string_view topic, json data = json::object()) {
    Must(h_.outbox().Emit(topic, std::move(data)), "emit");
    return LastSeq(h_.store());
  }

  // As the store thread does it: the pump inside a committed transaction.
  PumpOutcome Pump(int64_t budget = 1000) { return PumpWith(queues_, budget); }

  PumpOutcome PumpWith(const QueueService& queues, int64_t budget = 1000) {
    store::Transaction transaction(h_.store().db());
    PumpOutcome outcome = Must(queues.Pump(h_.store(), h_.outbox(), budget), "pump");
    Must(transaction.Commit(), "commit");
    return outcome;
  }

  store::ConsumerState State(std::string_view name = "recorder") {
    return Must(h_.store().queues().Load(name, h_.clock().NowMicros()), "load");
  }

  json Row(std::string_view name = "recorder") {
    Tx tx = h_.NewTx();
    for (const json& row : Must(queues_.Queues(tx), "queues")) {
      if (row["worker"] == name) return row;
    }
    return nullptr;
  }

  json Letters(std::string_view worker = "") {
    Tx tx = h_.NewTx();
    return Must(queues_.DeadLetters(tx, worker, 100, 0), "dead letters");
  }

  // Fails `seq` on every attempt until it is dead-lettered, moving the clock
  // past each backoff.
  void DeadLetter(int64_t seq) {
    for (int attempt = 0; attempt < QueueService::kMaxAttempts; ++attempt) {
      Pump();
      h_.clock().AdvanceSeconds(60);
    }
    if (State().cursor < seq) throw std::runtime_error("the event was not dead-lettered");
  }

  // A dead letter as the pump writes one, for tests of the list itself.
  store::DeadLetter Letter(const std::string& worker, int64_t seq) {
    store::DeadLetter letter;
    letter.consumer = worker;
    letter.event.seq = seq;
    letter.attempts = QueueService::kMaxAttempts;
    letter.error = "down";
    letter.created_at = h_.clock().NowMicros();
    return letter;
  }

  std::vector<std::string> OutboxTopics() {
    std::vector<std::string> topics;
    for (const auto& event : h_.outbox().TakePending()) topics.push_back(event.topic);
    return topics;
  }

  test::StoreHarness h_;
  RecordingConsumer consumer_;
  QueueService queues_;
};

using Seqs = std::vector<int64_t>;
using Names = std::vector<std::string>;

TEST_F(QueueServiceTest, AppliesEventsInOrderExactlyOnceAndSavesTheCursor) {
  Seqs seqs = {Emit("test.ping"), Emit("test.ping"), Emit("test.ping")};
  h_.outbox().TakePending();
  PumpOutcome outcome = Pump();
  EXPECT_EQ(outcome.applied, 3);
  EXPECT_FALSE(outcome.more);
  EXPECT_FALSE(outcome.retry_at.has_value());
  EXPECT_EQ(Applied(h_.store()), seqs);
  EXPECT_EQ(OutboxTopics(), (Names{"test.echo", "test.echo", "test.echo"}));

  store::ConsumerState state = State();
  EXPECT_EQ(state.cursor, LastSeq(h_.store()));  // past its own echoes too
  EXPECT_EQ(state.processed, 3);
  EXPECT_EQ(state.failed, 0);

  // The echoes are not its topic: a second pump only steps over them.
  EXPECT_EQ(Pump().applied, 0);
  EXPECT_EQ(Applied(h_.store()), seqs);
  EXPECT_EQ(consumer_.calls, 3);

  // A restarted daemon (a new QueueService over the same store) resumes at the cursor.
  QueueService restarted(h_.clock());
  restarted.Register(&consumer_);
  Seqs more = {Emit("test.ping")};
  EXPECT_EQ(PumpWith(restarted).applied, 1);
  Seqs all = seqs;
  all.push_back(more[0]);
  EXPECT_EQ(Applied(h_.store()), all);
}

TEST_F(QueueServiceTest, UnrelatedTopicsOnlyMoveTheCursor) {
  Emit("other.thing");
  int64_t ping = Emit("test.ping");
  int64_t last = Emit("other.thing");
  EXPECT_EQ(Row()["lag"], 1);  // only its own topics count as lag
  EXPECT_EQ(Row()["state"], "running");
  EXPECT_EQ(Pump().applied, 1);
  EXPECT_EQ(Applied(h_.store()), (Seqs{ping}));
  EXPECT_EQ(consumer_.calls, 1);
  EXPECT_EQ(State().cursor, last + 1);  // past its own echo too
  EXPECT_EQ(State().processed, 1);
  json row = Row();
  EXPECT_EQ(row["lag"], 0);
  EXPECT_EQ(row["state"], "idle");
  EXPECT_EQ(row["cursor"], LastSeq(h_.store()));
  EXPECT_EQ(row["last_seq"], LastSeq(h_.store()));
}

TEST_F(QueueServiceTest, AFailingHandlerRollsBackAndIsRetriedAfterTheBackoff) {
  int64_t seq = Emit("test.ping");
  h_.outbox().TakePending();
  consumer_.failures_left = 1;
  const int64_t failed_at = h_.clock().NowMicros();

  PumpOutcome first = Pump();
  EXPECT_EQ(first.applied, 0);
  ASSERT_TRUE(first.retry_at.has_value());
  EXPECT_EQ(*first.retry_at, failed_at + QueueService::BackoffMicros(1));
  // Its own row and its echo were rolled back with the failed attempt.
  EXPECT_TRUE(Applied(h_.store()).empty());
  EXPECT_EQ(LastSeq(h_.store()), seq);
  EXPECT_TRUE(OutboxTopics().empty());
  store::ConsumerState state = State();
  EXPECT_EQ(state.cursor, seq - 1);
  EXPECT_EQ(state.attempts, 1);
  EXPECT_EQ(state.failed, 1);
  EXPECT_EQ(state.retry_at, *first.retry_at);
  ASSERT_TRUE(state.last_error.has_value());
  EXPECT_NE(state.last_error->find("the test sink is down"), std::string::npos);
  json row = Row();
  EXPECT_EQ(row["state"], "retrying");
  EXPECT_EQ(row["lag"], 1);
  EXPECT_EQ(row["attempts"], 1);
  EXPECT_NE(row["last_error"].get<std::string>().find("the test sink is down"), std::string::npos);

  // Not before the backoff has passed.
  PumpOutcome early = Pump();
  EXPECT_EQ(early.applied, 0);
  EXPECT_EQ(early.retry_at, first.retry_at);
  EXPECT_EQ(consumer_.calls, 1);

  h_.clock().AdvanceSeconds(1);
  PumpOutcome retried = Pump();
  EXPECT_EQ(retried.applied, 1);
  EXPECT_FALSE(retried.retry_at.has_value());
  EXPECT_EQ(consumer_.calls, 2);
  EXPECT_EQ(Applied(h_.store()), (Seqs{seq}));  // exactly once
  EXPECT_EQ(OutboxTopics(), (Names{"test.echo"}));
  state = State();
  EXPECT_EQ(state.cursor, seq + 1);  // the echo
  EXPECT_EQ(state.attempts, 0);
  EXPECT_EQ(state.processed, 1);
  EXPECT_EQ(state.failed, 1);
  EXPECT_EQ(Row()["state"], "idle");
}

TEST_F(QueueServiceTest, BackoffGrowsFourfold) {
  EXPECT_EQ(QueueService::BackoffMicros(1), 100'000);
  EXPECT_EQ(QueueService::BackoffMicros(2), 400'000);
  EXPECT_EQ(QueueService::BackoffMicros(3), 1'600'000);
  EXPECT_EQ(QueueService::BackoffMicros(4), 6'400'000);
}

TEST_F(QueueServiceTest, LaterRetriesWaitLonger) {
  Emit("test.ping");
  consumer_.failures_left = 3;
  Pump();                          // attempt 1 fails: wait 0.1 s
  h_.clock().AdvanceSeconds(1);
  Pump();                          // attempt 2 fails: wait 0.4 s
  h_.clock().AdvanceSeconds(1);
  Pump();                          // attempt 3 fails: wait 1.6 s
  EXPECT_EQ(consumer_.calls, 3);
  h_.clock().AdvanceSeconds(1);
  EXPECT_EQ(Pump().applied, 0);    // 1 s is not enough any more
  EXPECT_EQ(consumer_.calls, 3);
  h_.clock().AdvanceSeconds(1);
  EXPECT_EQ(Pump().applied, 1);
  EXPECT_EQ(consumer_.calls, 4);
  EXPECT_EQ(State().failed, 3);
}

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

TEST_F(QueueServiceTest, APausedWorkerTakesNothingAndStaysPausedAcrossRestarts) {
  Tx tx = h_.NewTx();
  json paused = Must(queues_.SetPaused(tx, "recorder", true), "pause");
  EXPECT_EQ(paused["state"], "paused");
  EXPECT_EQ(paused["worker"], "recorder");
  EXPECT_TRUE(queues_.SetPaused(tx, "recorder", true).ok());  // again: a no-op
  EXPECT_EQ(queues_.SetPaused(tx, "nobody", true).status().code(), Code::kNotFound);

  int64_t seq = Emit("test.ping");
  PumpOutcome outcome = Pump();
  EXPECT_EQ(outcome.applied, 0);
  EXPECT_FALSE(outcome.more);
  EXPECT_EQ(consumer_.calls, 0);
  json row = Row();
  EXPECT_EQ(row["state"], "paused");
  EXPECT_EQ(row["lag"], 1);
  EXPECT_EQ(row["cursor"], 0);
  EXPECT_TRUE(row["oldest_pending_age_s"].is_number());
  h_.clock().AdvanceSeconds(90);
  EXPECT_DOUBLE_EQ(Row()["oldest_pending_age_s"].get<double>(), 90.0);

  QueueService restarted(h_.clock());
  restarted.Register(&consumer_);
  EXPECT_EQ(PumpWith(restarted).applied, 0);
  Tx workers_tx = h_.NewTx();
  json workers = Must(restarted.Workers(workers_tx), "workers");
  ASSERT_EQ(workers.size(), 1u);
  EXPECT_EQ(workers[0]["paused"], true);
  EXPECT_EQ(workers[0]["topics"], (json{"test.ping"}));

  Tx resume = h_.NewTx();
  EXPECT_EQ(Must(restarted.SetPaused(resume, "recorder", false), "resume")["state"], "running");
  EXPECT_EQ(PumpWith(restarted).applied, 1);
  EXPECT_EQ(Applied(h_.store()), (Seqs{seq}));
  EXPECT_EQ(Row()["state"], "idle");
  EXPECT_TRUE(Row()["oldest_pending_age_s"].is_null());
}

TEST_F(QueueServiceTest, ASmallBudgetLeavesWorkForLater) {
  Seqs seqs;
  for (int i = 0; i < 5; ++i) seqs.push_back(Emit("test.ping"));
  PumpOutcome first = Pump(2);
  EXPECT_EQ(first.applied, 2);
  EXPECT_TRUE(first.more);
  EXPECT_EQ(Applied(h_.store()), (Seqs{seqs[0], seqs[1]}));
  PumpOutcome rest = Pump(100);
  EXPECT_EQ(rest.applied, 3);
  EXPECT_FALSE(rest.more);
  EXPECT_EQ(Applied(h_.store()), seqs);
}

TEST_F(QueueServiceTest, WorkersRunInRegistrationOrderAndFeedEachOther) {
  // A second worker that takes the first one's echoes, registered after it:
  // one pump carries an event through both.
  class EchoCounter : public Consumer {
   public:
    std::string_view name() const override { return "echoes"; }
    const std::vector<std::string>& topics() const override { return topics_; }
    Status Apply(Tx&, const store::EventRow&, const json& data) const override {
      seen.push_back(data.at("seq").get<int64_t>());
      return Status::Ok();
    }
    mutable Seqs seen;

   private:
    std::vector<std::string> topics_ = {"test.echo"};
  } echoes;
  queues_.Register(&echoes);
  Seqs seqs = {Emit("test.ping"), Emit("test.ping")};
  EXPECT_EQ(Pump().applied, 4);
  EXPECT_EQ(echoes.seen, seqs);
  EXPECT_EQ(Row("echoes")["lag"], 0);
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
