#pragma once
// What a method's handler is: a short function that decodes params, calls a
// service and encodes the result (STYLE.md rule 5). A handler may have a
// `prepare` step for slow CPU work (argon2id); it runs on a worker thread
// with a read-only store, before the request reaches the store thread, and
// its output replaces the params that `run` receives. A read-only method
// whose handler only reads the store (no service state, no events) may run
// on a worker's read-only connection instead of the store thread: it then
// neither waits for a batch's commit nor holds the writer up, and reads run
// side by side (OnReader below). A point read (one row by its key, so its
// cost is bounded) runs on the socket thread's own reader, which spares it
// the two thread hand-offs that cost more than the read (PointRead below).

#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "mart/status.h"
#include "services/context.h"
#include "services/services.h"

namespace mart::rpc {

struct RequestContext {
  const CommandSpec& spec;
  const Principal& principal;
  Tx& tx;
  Services& services;
  // Set by a handler whose failure must still commit what it did (e.g. the
  // revocation of a session on refresh-token reuse).
  bool keep_effects_on_error = false;
  // Set by a paged list when rows follow its page: the reply's `next`, the
  // cursor the caller sends back for them (handlers/paging.h).
  std::string next = {};
  // Set by a handler that writes its result as JSON text itself (and returns
  // null): the reply carries this text as its result.
  std::string result_text = {};
};

struct PrepareContext {
  const Principal& principal;
  store::Store& reader;
  Services& services;
  const std::string& source;  // Job::source
};

using RunFn = std::function<Result<nlohmann::json>(RequestContext&, const nlohmann::json&)>;
using PrepareFn = std::function<Result<nlohmann::json>(PrepareContext&, const nlohmann::json&)>;
// Adds what a request will read to its batch's reads (Store::ReadAhead), from
// its params before they are checked: a guess, which costs a row read for
// nothing when wrong, never a wrong answer.
using ReadAheadFn =
    std::function<void(const Principal&, const nlohmann::json&, store::BatchReads&)>;

struct Handler {
  RunFn run;
  PrepareFn prepare = nullptr;
  bool on_reader = false;
  bool point_read = false;  // with on_reader: answered on the socket thread
  // A point read whose success subscribes the connection to the live feed
  // (its result holds "lease_ms" and "topic"); its failure ends any
  // subscription the connection had (rpc/feed.h).
  bool subscribes = false;
  // A mutating method whose object result carries "replayed": false when it
  // runs, which an idempotent replay of it turns to true, so that a client
  // can tell what this call did from what an earlier call did (product.import).
  bool marks_replay = false;
  ReadAheadFn read_ahead = nullptr;
};

// A handler for a non-mutating method that runs on a worker's reader.
inline Handler OnReader(RunFn run) { return Handler{std::move(run), nullptr, true}; }
// One that reads one row by its key, answered on the socket thread.
inline Handler PointRead(RunFn run) { return Handler{std::move(run), nullptr, true, true}; }
// events.subscribe: a point read that (re)subscribes the connection.
inline Handler FeedSubscription(RunFn run) {
  return Handler{std::move(run), nullptr, true, true, true};
}

using HandlerTable = std::map<std::string, Handler, std::less<>>;

}  // namespace mart::rpc
