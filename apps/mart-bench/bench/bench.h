#pragma once
// A whole benchmark: start (or reach) martd, seed, run every workload at
// every client count against martd and against the echo baseline, run the
// SQLite commit baseline, print the table or JSON lines, stop martd.

#include "bench/options.h"

namespace mart::bench {

// Returns the process exit code: 0 when every run completed (request errors
// are in the results), else the exit code of the failure's error code, as
// martctl's (6 martd unavailable, 4 auth, 1 internal, …).
int RunBench(const BenchOptions& options);

}  // namespace mart::bench
