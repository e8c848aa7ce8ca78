#include "queue/queue_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "util/queue_fixture.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Applied;
using test::LastSeq;
using test::Must;
using test::RecordingConsumer;
using QueueServiceTest = test::QueueTest;
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

// A page runs in one savepoint; a failure in it undoes the page, and the
// events before the failing one are applied again and kept, while the failing
// one is not run a second time: its failure counts once, as if it were alone.
TEST_F(QueueServiceTest, AFailureInsideAPageKeepsTheEventsBeforeItAndRunsTheFailingOneOnce) {
  int64_t first = Emit("test.ping");
  Emit("test.ping", {{"poison", true}});
  Emit("test.ping");
  h_.outbox().TakePending();

  PumpOutcome outcome = Pump();
  EXPECT_EQ(outcome.applied, 1);
  ASSERT_TRUE(outcome.retry_at.has_value());
  EXPECT_EQ(Applied(h_.store()), (Seqs{first}));
  EXPECT_EQ(OutboxTopics(), (Names{"test.echo"}));  // the undone page's echoes are gone
  EXPECT_EQ(consumer_.calls, 3);  // the page: first and poison; then first again alone
  store::ConsumerState state = State();
  EXPECT_EQ(state.cursor, first);
  EXPECT_EQ(state.processed, 1);
  EXPECT_EQ(state.failed, 1);
  EXPECT_EQ(state.attempts, 1);
}

// A worker hears of a page before its events apply together, with the ones
// it takes, so it can read what they need at once, and of its end; not of the
// replay after a failure, where each event runs alone.
TEST_F(QueueServiceTest, AWorkerHearsOfAPageWithItsEventsButNotOfTheReplay) {
  int64_t first = Emit("test.ping");
  Emit("other.thing");
  int64_t poison = Emit("test.ping", {{"poison", true}});
  h_.outbox().TakePending();
  Pump();
  EXPECT_EQ(consumer_.pages, (std::vector<Seqs>{{first, poison}}));
  EXPECT_EQ(consumer_.page_ends, 1);  // not for the replay of `first` alone

  consumer_.poison_fails = false;
  h_.clock().AdvanceSeconds(1);  // past the first backoff
  int64_t last = Emit("test.ping");
  h_.outbox().TakePending();
  Pump();
  EXPECT_EQ(consumer_.pages.back(), (Seqs{poison, last}));
  EXPECT_EQ(consumer_.page_ends, 2);
  // A page with nothing it takes is not announced.
  Emit("other.thing");
  Pump();
  EXPECT_EQ(consumer_.pages.size(), 2u);
  EXPECT_EQ(consumer_.page_ends, 2);
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
  EXPECT_EQ(workers[0]["is_paused"], true);
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

// A pump that finds its worker caught up reads the worker's state and the
// log's end, and not the log (or the state twice); a pump with work still
// reads both and applies it.
TEST_F(QueueServiceTest, AnIdlePumpDoesNotReadTheLog) {
  Emit("test.ping");
  h_.outbox().TakePending();
  EXPECT_EQ(Pump().applied, 1);
  uint64_t before = store::StatementsExecuted();
  {
    store::Transaction transaction(h_.store().db());
    Must(h_.store().queues().Find("recorder"), "state");  // the worker's state alone
    Must(transaction.Commit(), "commit");
  }
  const uint64_t one_read = store::StatementsExecuted() - before;
  before = store::StatementsExecuted();
  EXPECT_EQ(Pump().applied, 0);
  EXPECT_EQ(store::StatementsExecuted() - before, one_read + 1) << "and the log's end";
  Emit("test.ping");
  h_.outbox().TakePending();
  EXPECT_EQ(Pump().applied, 1);
  EXPECT_EQ(consumer_.calls, 2);
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

}  // namespace
}  // namespace mart
