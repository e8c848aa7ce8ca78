#include "bench/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mart::bench {
namespace {

// Values below 2^7 ns have a bucket each; above, each power of two is split
// into 64 buckets. 2^40 ns (18 minutes) is far beyond any request timeout.
constexpr int kSubBits = 6;
constexpr int64_t kExact = int64_t{1} << (kSubBits + 1);
constexpr int kMaxBits = 40;
constexpr size_t kBuckets = (kMaxBits - kSubBits + 1) * (int64_t{1} << kSubBits) + kExact;

size_t BucketOf(int64_t v) {
  if (v < kExact) return static_cast<size_t>(std::max<int64_t>(v, 0));
  int msb = 63 - std::countl_zero(static_cast<uint64_t>(v));
  int shift = msb - kSubBits;
  size_t index =
      static_cast<size_t>(shift) * (size_t{1} << kSubBits) + static_cast<size_t>(v >> shift);
  return std::min(index, kBuckets - 1);
}

// The middle of a bucket: the value a percentile reports.
int64_t ValueOf(size_t bucket) {
  if (bucket < static_cast<size_t>(kExact)) return static_cast<int64_t>(bucket);
  size_t per = size_t{1} << kSubBits;
  int shift = static_cast<int>(bucket / per) - 1;
  int64_t base = static_cast<int64_t>(bucket % per + per) << shift;
  return base + (int64_t{1} << shift) / 2;
}

}  // namespace

Histogram::Histogram() : buckets_(kBuckets, 0) {}

void Histogram::Record(int64_t nanos) {
  ++buckets_[BucketOf(nanos)];
  ++count_;
  max_ = std::max(max_, nanos);
  sum_ += static_cast<double>(nanos);
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double Histogram::mean_nanos() const {
  return count_ == 0 ? 0 : sum_ / static_cast<double>(count_);
}

int64_t Histogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<int64_t>(rank, 1, count_);
  int64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(ValueOf(i), max_);
  }
  return max_;
}

}  // namespace mart::bench
