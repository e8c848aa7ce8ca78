#pragma once
// Fixtures for tests of the durable queues (queue/queue_service.h):
//   RecordingConsumer — a worker taking `test.ping` that records what it
//                       applied in a table of its own and can be told to fail;
//   QueueTest         — a QueueService with that worker over an in-memory
//                       store, an outbox and a FakeClock, with shortcuts to
//                       emit, pump as the store thread does, and read state.
// Not thread safe.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "queue/consumer.h"
#include "queue/queue_service.h"
#include "util/test_store.h"

namespace mart::test {

// A worker for tests: it takes `test.ping` and records each event it applies
// in a table of its own, and emits `test.echo`; it notes the pages it is told
// of (BeginPage, EndPage). Told to fail, it first writes
// and emits anyway, so a test can see that the failure rolled both back.
class RecordingConsumer : public Consumer {
 public:
  explicit RecordingConsumer(std::string name = "recorder") : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  const std::vector<std::string>& topics() const override { return topics_; }

  Status Apply(Tx& tx, const store::EventRow& event, const nlohmann::json& data) const override {
    ++calls;
    auto insert = tx.store.db().Prepare(
        "INSERT INTO test_applied (n, consumer, seq) "
        "VALUES ((SELECT count(*) + 1 FROM test_applied), ?, ?)");
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

  Status BeginPage(Tx&, const std::vector<PageEvent>& events) const override {
    std::vector<int64_t> seqs;
    for (const PageEvent& event : events) seqs.push_back(event.row.seq);
    pages.push_back(seqs);
    return Status::Ok();
  }
  void EndPage() const override { ++page_ends; }

  mutable int calls = 0;
  mutable std::vector<std::vector<int64_t>> pages;  // the seqs BeginPage was given, per page
  mutable int page_ends = 0;
  mutable int failures_left = 0;  // fail this many next attempts
  bool poison_fails = true;       // events with "poison": true fail while set
  bool throws = false;

 private:
  std::string name_;
  std::vector<std::string> topics_ = {"test.ping"};
};

inline void CreateAppliedTable(store::Store& store) {
  Must(store.db().Execute("CREATE TABLE test_applied (n BIGINT NOT NULL, consumer TEXT NOT NULL, "
                          "seq BIGINT NOT NULL)"),
       "create test_applied");
}

// The seqs a consumer's applied effects left behind, in the order applied.
inline std::vector<int64_t> Applied(store::Store& store, const std::string& consumer = "recorder") {
  auto q = Must(store.db().Prepare("SELECT seq FROM test_applied WHERE consumer = ? ORDER BY n"),
                "select");
  q.Bind(1, consumer);
  std::vector<int64_t> seqs;
  while (Must(q.Next(), "next")) seqs.push_back(q.Int(0));
  return seqs;
}

inline int64_t LastSeq(store::Store& store) { return Must(store.events().LastSeq(), "last seq"); }

class QueueTest : public ::testing::Test {
 protected:
  QueueTest() : queues_(h_.clock()) {
    CreateAppliedTable(h_.store());
    queues_.Register(&consumer_);
  }

  int64_t Emit(std::string_view topic, nlohmann::json data = nlohmann::json::object()) {
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

  nlohmann::json Row(std::string_view name = "recorder") {
    Tx tx = h_.NewTx();
    for (const nlohmann::json& row : Must(queues_.Queues(tx), "queues")) {
      if (row["worker"] == name) return row;
    }
    return nullptr;
  }

  nlohmann::json Letters(std::string_view worker = "") {
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

}  // namespace mart::test
