#pragma once
// The load driver: `clients` DEALER sockets, each with up to `depth` requests
// in flight (closed loop: a reply lets the next request go), spread over
// `threads` driver threads that each own a ZeroMQ context. It runs a warm-up
// (not recorded), then a fixed duration or a fixed count of measured
// requests, and waits for the replies still in flight. Memory is bounded:
// a histogram per thread (and per method in it) and the requests in flight.

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/histogram.h"
#include "mart/status.h"
#include "mart/wire/envelope.h"

namespace mart::bench {

using Clock = std::chrono::steady_clock;

struct LoadSpec {
  // Client i connects to endpoints[i % size]: a run spreads over the instances.
  std::vector<std::string> endpoints;
  int clients = 1;
  int depth = 1;
  int threads = 1;
  double warmup_s = 1;
  double duration_s = 5;
  int64_t count = 0;  // > 0: stop after this many measured requests instead of duration_s
  double timeout_s = 10;
  // False against the echo baseline: only the envelope's ok counts, the
  // workload never sees the (canned) result.
  bool check_replies = true;
};

// What a workload sends: the driver adds the envelope's id.
struct Outgoing {
  std::string method;
  nlohmann::json params = nlohmann::json::object();
  std::string auth;
  std::string idempotency_key;
};

// A workload builds each client's requests and checks their replies. The
// driver calls Next and OnReply for one client only from the thread that owns
// that client, so per-client state needs no lock.
class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string name() const = 0;
  virtual void Prepare(int clients) = 0;
  virtual Outgoing Next(int client) = 0;
  // The reply to `out`: OK, or the error to count. `measured` is false in the
  // warm-up.
  virtual Status OnReply(int client, const Outgoing& out, const Reply& reply,
                         Clock::time_point sent, bool measured) = 0;
};

struct ErrorCount {
  int64_t count = 0;
  std::string first;  // the first message seen
};

// The measured replies to one method (the mixed workload's split).
struct MethodResult {
  Histogram latency;
  int64_t ok = 0;
  int64_t errors = 0;
};

struct LoadResult {
  Histogram latency;
  std::map<std::string, MethodResult> by_method;  // the same replies, by request method
  int64_t ok = 0;
  int64_t errors = 0;
  std::map<std::string, ErrorCount> by_code;  // wire code, or TIMEOUT / MALFORMED
  double seconds = 0;       // from the end of the warm-up to the last measured reply
  double client_cpu_s = 0;  // CPU the whole bench process used meanwhile
  int64_t answered = 0;     // every reply, the warm-up's included (work martd did)
  // The first successful result of each method: what the echo baseline
  // answers with, so that it does the same JSON work (only with check_replies).
  std::map<std::string, nlohmann::json> samples;
};

// Adds `from`'s counts, latencies, errors and samples to `into` (not seconds).
void MergeInto(LoadResult* into, LoadResult&& from);
// Seconds as a clock duration.
Clock::duration Seconds(double seconds);

// Runs `workload` against spec.endpoints. Fails only when sockets cannot be set up.
Result<LoadResult> RunLoad(const LoadSpec& spec, Workload& workload);

}  // namespace mart::bench
