#pragma once
// A whole benchmark: start (or reach) martd, seed, run every workload at
// every client count against martd and against the echo baseline, run the
// SQLite commit baseline, print the table or JSON lines, stop martd.

#include "bench/options.h"

namespace mart::bench {

// Returns the process exit code: 0 when every run completed (request errors
// are in the results), 1 when the benchmark could not run, 6 when martd was
// unavailable.
int RunBench(const BenchOptions& options);

}  // namespace mart::bench
