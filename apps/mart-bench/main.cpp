// mart-bench: the load generator behind docs/BENCHMARKS.md. Everything lives
// in mart_bench_lib; see bench/bench.cpp.
#include <iostream>

#include "bench/bench.h"
#include "bench/options.h"

int main(int argc, char** argv) {
  std::string message;
  int exit_code = 0;
  auto options = mart::bench::ParseBenchOptions(argc, argv, &message, &exit_code);
  if (!options) {
    (exit_code == 0 ? std::cout : std::cerr) << message << "\n";
    return exit_code;
  }
  return mart::bench::RunBench(*options);
}
