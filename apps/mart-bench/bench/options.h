#pragma once
// mart-bench's command line (see man/mart-bench.1).

#include <optional>
#include <string>
#include <vector>

#include "bench/workloads.h"

namespace mart::bench {

struct BenchOptions {
  std::vector<std::string> workloads;  // from WorkloadNames(), in the order given
  std::vector<int> clients = {1, 64};  // one run per value
  int inflight = 1;                    // requests in flight per client
  int threads = 1;                     // driver threads
  int repeat = 1;                      // rounds per configuration; the median is reported
  double duration_s = 10;
  int64_t count = 0;
  double warmup_s = 2;
  double timeout_s = 10;
  bool baselines = true;
  bool json = false;
  // The data.
  int64_t products = 100000;
  int categories = 20;
  int users = 16;
  WorkloadParams params;
  // The daemon: our own (martd, password_cost, tmp_dir, keep), one per store
  // in `stores` ("sqlite", or a PostgreSQL URI of an empty database), measured
  // one after the other; or existing ones (endpoints, data_dir): one martd, or
  // several serving one store, the clients spread over them round-robin;
  // data_dir is the first one's.
  std::vector<std::string> stores = {"sqlite"};
  std::string martd;
  std::string password_cost = "interactive";
  std::string tmp_dir;
  bool keep = false;
  std::vector<std::string> endpoints;
  std::string data_dir;
  // Seed only, and write the fixture for the wrk scripts into this directory.
  std::string seed_only;
  // Measure with the fixture a --seed-only run wrote here; seed nothing.
  std::string fixture;
};

// Parses argv. On --help, --version or a usage error returns nullopt with the
// text to print in *message and the exit code (0, or 2 for a usage error).
std::optional<BenchOptions> ParseBenchOptions(int argc, const char* const* argv,
                                              std::string* message, int* exit_code);

}  // namespace mart::bench
