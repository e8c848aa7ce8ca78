#include "queue/queue_service.h"

#include <algorithm>

#include "mart/log.h"
#include "mart/text.h"
#include "services/event_service.h"
#include "testing/fault.h"

namespace mart {
namespace {

using nlohmann::json;

constexpr int64_t kPage = 1024;  // events read from the log at a time

json LetterJson(const store::DeadLetter& letter, bool with_event) {
  json row = {{"id", letter.id},
              {"worker", letter.consumer},
              {"seq", letter.event.seq},
              {"topic", letter.event.topic},
              {"attempts", letter.attempts},
              {"error", letter.error},
              {"created_at", FormatTimestamp(letter.created_at)}};
  if (with_event) row["event"] = EventJson(letter.event);
  return row;
}

std::string_view StateOf(const store::ConsumerState& state, int64_t lag) {
  if (state.paused) return "paused";
  if (state.attempts > 0) return "retrying";
  return lag > 0 ? "running" : "idle";
}

}  // namespace

int64_t QueueService::BackoffMicros(int64_t attempts) {
  int64_t wait = 100'000;
  for (int64_t i = 1; i < attempts && wait < 60'000'000; ++i) wait *= 4;
  return wait;
}

std::vector<std::string> QueueService::Names() const {
  std::vector<std::string> names;
  for (const Consumer* consumer : consumers_) names.emplace_back(consumer->name());
  for (const Export& sink : exports_) names.push_back(sink.name);
  return names;
}

const QueueService::Export* QueueService::FindExport(std::string_view name) const {
  auto it = std::find_if(exports_.begin(), exports_.end(),
                         [&](const Export& sink) { return sink.name == name; });
  return it == exports_.end() ? nullptr : &*it;
}

const Consumer* QueueService::Find(std::string_view name) const {
  auto it = std::find_if(consumers_.begin(), consumers_.end(),
                         [&](const Consumer* c) { return c->name() == name; });
  return it == consumers_.end() ? nullptr : *it;
}

Result<PumpOutcome> QueueService::Pump(store::Store& store, Outbox& outbox, int64_t budget) const {
  PumpOutcome outcome;
  std::vector<std::optional<store::ConsumerState>> states(consumers_.size());
  // Workers feed each other (inventory answers, orders moves on), so rounds
  // repeat until a whole round finds nothing to do.
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < consumers_.size(); ++i) {
      if (budget <= 0) {
        outcome.more = true;
        break;
      }
      MART_ASSIGN_OR_RETURN(int64_t looked, Drain(*consumers_[i], store, outbox, budget,
                                                  &outcome, &states[i]));
      budget -= looked;
      progress = progress || looked > 0;
    }
    if (outcome.more) break;
  }
  return outcome;
}

Result<int64_t> QueueService::Drain(const Consumer& consumer, store::Store& store, Outbox& outbox,
                                    int64_t budget, PumpOutcome* outcome,
                                    std::optional<store::ConsumerState>* known) const {
  const int64_t now = clock_.NowMicros();
  if (!*known) {
    MART_ASSIGN_OR_RETURN(*known, store.queues().Load(consumer.name(), now));
  }
  const store::ConsumerState state = **known;
  if (state.paused) return 0;
  if (state.retry_at > now) {
    outcome->retry_at = std::min(outcome->retry_at.value_or(state.retry_at), state.retry_at);
    return 0;
  }
  // Caught up with the log (known without a read once the transaction has
  // appended or read its end): nothing to look at.
  MART_ASSIGN_OR_RETURN(int64_t last, store.events().LastSeqInTransaction());
  if (state.cursor >= last && state.attempts == 0) return 0;
  MART_ASSIGN_OR_RETURN(auto events,
                        store.events().ReadAfter(state.cursor, std::min(budget, kPage)));
  if (events.empty() && state.attempts == 0) return 0;
  // The page is one unit: its effects, the events they cause and the new
  // cursor are kept together or not at all. All its events run in one
  // savepoint; when one fails, that is undone and the events before it run
  // again, each in its own savepoint, then the failure is recorded for the
  // failing one without running it a second time (retried after the backoff
  // or dead-lettered, as if it had been alone).
  // The payloads of the events it takes, parsed once for both passes.
  const auto& topics = consumer.topics();
  std::vector<json> data(events.size());
  std::vector<Consumer::PageEvent> taken;
  for (size_t i = 0; i < events.size(); ++i) {
    if (std::find(topics.begin(), topics.end(), events[i].topic) == topics.end()) continue;
    data[i] = json::parse(events[i].payload, nullptr, /*allow_exceptions=*/false);
    if (data[i].is_object()) taken.push_back({events[i], data[i]});
  }
  std::optional<Failure> failure;
  for (int pass = 0; pass < 2; ++pass) {
    EffectScope page(store.db(), outbox);
    MART_RETURN_IF_ERROR(page.status());
    store::ConsumerState after = state;
    PumpOutcome seen = *outcome;
    // What the worker reads for the whole page holds only while the page
    // is one unit; the replay runs without it.
    struct PageEnd {
      const Consumer& consumer;
      bool begun = false;
      ~PageEnd() {
        if (begun) consumer.EndPage();
      }
    } page_end{consumer};
    if (!failure && !taken.empty()) {
      Tx tx{store, outbox, now};
      page_end.begun = true;
      MART_RETURN_IF_ERROR(consumer.BeginPage(tx, taken));
    }
    // As one unit, the page's writes whose result no handler waits for
    // (Store::DeferWrites) are made at its end, set-wise; the replay makes
    // each event's with it.
    struct Deferral {
      store::Store* store = nullptr;
      ~Deferral() {
        if (store != nullptr) store->StopDeferring();
      }
    } deferral;
    if (!failure) {
      store.DeferWrites();
      deferral.store = &store;
    }
    MART_ASSIGN_OR_RETURN(
        PageRun run, ApplyPage(consumer, store, outbox, events, data, failure, &after, &seen));
    if (run.failure) {
      failure = std::move(run.failure);
      continue;  // the page is undone
    }
    if (!failure) {
      // A failure of the writes made together is found again event by event.
      if (Status written = store.WriteDeferred(); !written.ok()) {
        failure = Failure{Failure::kWholePage, written};
        continue;
      }
    }
    const bool save = run.looked > 0 || after.attempts > 0;
    if (save) {
      after.updated_at = now;
      MART_RETURN_IF_ERROR(store.queues().Save(after));
    }
    if (Status kept = page.Keep(); !kept.ok()) {
      // On PostgreSQL a write may fail only when the page is released; the
      // page is undone then, and the replay finds which event it was.
      if (failure) return kept;
      failure = Failure{Failure::kWholePage, kept};
      continue;
    }
    if (save) *known = after;
    *outcome = seen;
    return run.looked;
  }
  return Internal("worker " + std::string(consumer.name()) + ": a page failed twice in one pass");
}

Result<QueueService::PageRun> QueueService::ApplyPage(const Consumer& consumer,
                                                      store::Store& store, Outbox& outbox,
                                                      const std::vector<store::EventRow>& events,
                                                      const std::vector<json>& data,
                                                      const std::optional<Failure>& known,
                                                      store::ConsumerState* state,
                                                      PumpOutcome* outcome) const {
  const int64_t now = clock_.NowMicros();
  const auto& topics = consumer.topics();
  PageRun run;
  for (size_t i = 0; i < events.size(); ++i) {
    const store::EventRow& event = events[i];
    ++run.looked;
    if (std::find(topics.begin(), topics.end(), event.topic) == topics.end()) {
      state->cursor = event.seq;
      continue;
    }
    Status applied;
    if (!known) {
      applied = ApplyOne(consumer, store, outbox, event, data[i]);
      if (!applied.ok()) {
        run.failure = Failure{i, applied};
        return run;
      }
    } else if (i == known->index) {
      applied = known->status;
    } else {
      EffectScope step(store.db(), outbox);
      applied = step.status();
      if (applied.ok()) applied = ApplyOne(consumer, store, outbox, event, data[i]);
      if (applied.ok()) applied = step.Keep();
    }
    if (applied.ok()) {
      fault::CrashPoint("worker.after_effect");
      state->cursor = event.seq;
      ++state->processed;
      ++outcome->applied;
      state->attempts = 0;
      state->retry_at = 0;
      state->last_error.reset();
      continue;
    }
    ++state->failed;
    ++state->attempts;
    state->last_error = applied.ToString();
    if (state->attempts < kMaxAttempts) {
      state->retry_at = now + BackoffMicros(state->attempts);
      outcome->retry_at = std::min(outcome->retry_at.value_or(state->retry_at), state->retry_at);
      LogInfo("worker " + std::string(consumer.name()) + " failed on event " +
              std::to_string(event.seq) + " (attempt " + std::to_string(state->attempts) +
              "), will retry: " + *state->last_error);
      break;
    }
    store::DeadLetter letter{.consumer = std::string(consumer.name()), .event = event,
                             .attempts = state->attempts, .error = *state->last_error,
                             .created_at = now};
    MART_RETURN_IF_ERROR(store.queues().InsertDeadLetter(letter).status());
    MART_RETURN_IF_ERROR(events::Emit(
        outbox, events::QueueDeadLettered{.consumer = letter.consumer, .seq = event.seq,
                                          .topic = event.topic, .attempts = letter.attempts,
                                          .error = letter.error}));
    LogWarn("worker " + std::string(consumer.name()) + " gave up on event " +
            std::to_string(event.seq) + " after " + std::to_string(state->attempts) +
            " attempts; dead-lettered: " + *state->last_error);
    ++state->dead;
    ++outcome->applied;
    state->cursor = event.seq;
    state->attempts = 0;
    state->retry_at = 0;
  }
  return run;
}

// The event's effects, in whatever unit the caller keeps them.
Status QueueService::ApplyOne(const Consumer& consumer, store::Store& store, Outbox& outbox,
                              const store::EventRow& event, const json& data) const {
  if (!data.is_object()) {
    return InvalidArgument("event " + std::to_string(event.seq) + " payload is not a JSON object");
  }
  Tx tx{store, outbox, clock_.NowMicros()};
  try {
    return consumer.Apply(tx, event, data);
  } catch (const std::exception& e) {
    return Internal("worker " + std::string(consumer.name()) + " threw: " + e.what());
  }
}

Result<json> QueueService::QueueRow(Tx& tx, const Consumer& consumer, int64_t last_seq) const {
  MART_ASSIGN_OR_RETURN(store::ConsumerState state, tx.store.queues().Load(consumer.name(), tx.now));
  MART_ASSIGN_OR_RETURN(store::Backlog backlog,
                        tx.store.queues().BacklogOf(state.cursor, consumer.topics()));
  MART_ASSIGN_OR_RETURN(int64_t dead, tx.store.queues().CountDeadLetters(consumer.name()));
  json age = nullptr;
  if (backlog.oldest_created_at) {
    age = std::max<int64_t>(0, tx.now - *backlog.oldest_created_at) / 1000 / 1000.0;
  }
  return json{{"worker", consumer.name()},
              {"kind", "worker"},
              {"state", StateOf(state, backlog.count)},
              {"cursor", state.cursor},
              {"last_seq", last_seq},
              {"lag", backlog.count},
              {"processed", state.processed},
              {"failed", state.failed},
              {"dead", dead},
              {"dead_lettered_total", state.dead},
              {"attempts", state.attempts},
              {"last_error", state.last_error ? json(*state.last_error) : json()},
              {"oldest_pending_age_s", age}};
}

// A sink takes every topic, and the log has no gaps: its lag is the
// distance from its cursor to the log's end.
Result<json> QueueService::ExportRow(Tx& tx, const Export& sink, int64_t last_seq) const {
  MART_ASSIGN_OR_RETURN(store::ConsumerState state, tx.store.queues().Load(sink.name, tx.now));
  const int64_t lag = std::max<int64_t>(0, last_seq - state.cursor);
  json age = nullptr;
  if (lag > 0) {
    MART_ASSIGN_OR_RETURN(auto oldest, tx.store.events().ReadAfter(state.cursor, 1));
    if (!oldest.empty()) {
      age = std::max<int64_t>(0, tx.now - oldest.front().created_at) / 1000 / 1000.0;
    }
  }
  json live = sink.live();
  std::string_view state_name = StateOf(state, lag);
  if (!state.paused && live.value("role", "") == "standby") state_name = "standby";
  json row{{"worker", sink.name},
           {"kind", "export"},
           {"state", state_name},
           {"cursor", state.cursor},
           {"last_seq", last_seq},
           {"lag", lag},
           {"processed", state.processed},
           {"failed", state.failed},
           {"dead", 0},
           {"dead_lettered_total", 0},
           {"attempts", state.attempts},
           {"last_error", state.last_error ? json(*state.last_error) : json()},
           {"oldest_pending_age_s", age}};
  row["target"] = live.value("target", "");
  row["role"] = live.value("role", "");
  row["rate"] = live.value("rate", 0.0);
  return row;
}

Result<json> QueueService::Queues(Tx& tx) const {
  MART_ASSIGN_OR_RETURN(int64_t last_seq, tx.store.events().LastSeq());
  json rows = json::array();
  for (const Consumer* consumer : consumers_) {
    MART_ASSIGN_OR_RETURN(json row, QueueRow(tx, *consumer, last_seq));
    rows.push_back(std::move(row));
  }
  for (const Export& sink : exports_) {
    MART_ASSIGN_OR_RETURN(json row, ExportRow(tx, sink, last_seq));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<json> QueueService::Workers(Tx& tx) const {
  MART_ASSIGN_OR_RETURN(json queues, Queues(tx));
  json rows = json::array();
  for (size_t i = 0; i < queues.size(); ++i) {
    const bool sink = i >= consumers_.size();
    rows.push_back({{"worker", queues[i]["worker"]},
                    {"kind", queues[i]["kind"]},
                    {"state", queues[i]["state"]},
                    {"is_paused", queues[i]["state"] == "paused"},
                    {"cursor", queues[i]["cursor"]},
                    {"topics", sink ? json::array({"*"}) : json(consumers_[i]->topics())}});
  }
  return rows;
}

Result<json> QueueService::SetPaused(Tx& tx, std::string_view name, bool paused) const {
  const Consumer* consumer = Find(name);
  const Export* sink = FindExport(name);
  if (consumer == nullptr && sink == nullptr) {
    std::string names;
    for (const std::string& known : Names()) names += (names.empty() ? "" : ", ") + known;
    return NotFound("worker " + std::string(name) + " not found (this martd runs " + names + ")");
  }
  MART_ASSIGN_OR_RETURN(store::ConsumerState state, tx.store.queues().Load(name, tx.now));
  if (state.paused != paused) {
    state.paused = paused;
    state.updated_at = tx.now;
    MART_RETURN_IF_ERROR(tx.store.queues().Save(state));
    LogInfo(std::string(sink != nullptr ? "export " : "worker ") + std::string(name) +
            (paused ? " paused" : " resumed"));
  }
  MART_ASSIGN_OR_RETURN(int64_t last_seq, tx.store.events().LastSeq());
  return sink != nullptr ? ExportRow(tx, *sink, last_seq) : QueueRow(tx, *consumer, last_seq);
}

Result<json> QueueService::DeadLetters(Tx& tx, std::string_view worker, int64_t limit,
                                       int64_t offset, std::optional<int64_t> after_id) const {
  MART_ASSIGN_OR_RETURN(auto letters,
                        tx.store.queues().DeadLetters(worker, limit, offset, after_id));
  json rows = json::array();
  for (const auto& letter : letters) rows.push_back(LetterJson(letter, false));
  return rows;
}

Result<json> QueueService::DeadLetter(Tx& tx, int64_t id) const {
  MART_ASSIGN_OR_RETURN(store::DeadLetter letter, tx.store.queues().GetDeadLetter(id));
  return LetterJson(letter, true);
}

Result<json> QueueService::RetryDeadLetter(Tx& tx, int64_t id) const {
  MART_ASSIGN_OR_RETURN(store::DeadLetter letter, tx.store.queues().GetDeadLetter(id));
  const Consumer* consumer = Find(letter.consumer);
  if (consumer == nullptr) {
    return FailedPrecondition("dead letter " + std::to_string(id) + " belongs to worker " +
                              letter.consumer + ", which this martd does not run");
  }
  json data = json::parse(letter.event.payload, nullptr, /*allow_exceptions=*/false);
  Status applied = data.is_object() ? consumer->Apply(tx, letter.event, data)
                                    : InvalidArgument("the event's payload is not a JSON object");
  if (!applied.ok()) {
    return FailedPrecondition("dead letter " + std::to_string(id) + " failed again: " +
                                  applied.ToString(),
                              {{"id", id}, {"error", applied.ToString()}});
  }
  MART_RETURN_IF_ERROR(tx.store.queues().DeleteDeadLetter(id));
  MART_ASSIGN_OR_RETURN(store::ConsumerState state, tx.store.queues().Load(letter.consumer, tx.now));
  ++state.processed;
  state.updated_at = tx.now;
  MART_RETURN_IF_ERROR(tx.store.queues().Save(state));
  json row = LetterJson(letter, false);
  row["retried"] = true;
  return row;
}

Result<json> QueueService::Purge(Tx& tx, std::optional<int64_t> id, std::string_view worker,
                                 bool all) const {
  if (id && all) return InvalidArgument("give a dead letter id or --all, not both", {{"field", "all"}});
  if (id) {
    MART_ASSIGN_OR_RETURN(store::DeadLetter letter, tx.store.queues().GetDeadLetter(*id));
    if (!worker.empty() && letter.consumer != worker) {
      return NotFound("dead letter " + std::to_string(*id) + " of worker " + std::string(worker) +
                      " not found");
    }
    MART_RETURN_IF_ERROR(tx.store.queues().DeleteDeadLetter(*id));
    return json{{"purged", 1}};
  }
  if (!all) {
    return InvalidArgument("give a dead letter id, or --all to purge every one", {{"field", "id"}});
  }
  MART_ASSIGN_OR_RETURN(int64_t purged, tx.store.queues().DeleteDeadLetters(worker));
  return json{{"purged", purged}};
}

}  // namespace mart
