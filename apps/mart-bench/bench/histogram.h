#pragma once
// A latency histogram in the manner of HdrHistogram: log-linear buckets of
// nanoseconds, 64 per power of two, so a percentile is within 1.6 % of the
// recorded value and memory stays fixed (a few KiB) however many samples go
// in. Not thread safe: each driver thread keeps its own and Merge()s them.

#include <cstdint>
#include <vector>

namespace mart::bench {

class Histogram {
 public:
  Histogram();

  void Record(int64_t nanos);
  void Merge(const Histogram& other);

  int64_t count() const { return count_; }
  int64_t max_nanos() const { return max_; }
  double mean_nanos() const;
  // The value at quantile q (0..1], e.g. 0.99; 0 when empty.
  int64_t Percentile(double q) const;

 private:
  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace mart::bench
