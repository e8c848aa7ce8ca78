#include "bench/histogram.h"

#include <gtest/gtest.h>

namespace mart::bench {
namespace {

TEST(HistogramTest, EmptyReportsZero) {
  Histogram histogram;
  EXPECT_EQ(histogram.count(), 0);
  EXPECT_EQ(histogram.Percentile(0.5), 0);
}

TEST(HistogramTest, SmallValuesAreExact) {
  Histogram histogram;
  for (int64_t v = 1; v <= 100; ++v) histogram.Record(v);
  EXPECT_EQ(histogram.Percentile(0.5), 50);
  EXPECT_EQ(histogram.Percentile(0.99), 99);
  EXPECT_EQ(histogram.Percentile(1.0), 100);
}

TEST(HistogramTest, LargeValuesWithinTwoPercent) {
  Histogram histogram;
  for (int64_t v = 1; v <= 100000; ++v) histogram.Record(v * 1000);  // 1 µs … 100 ms
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double want = q * 100000 * 1000;
    EXPECT_NEAR(static_cast<double>(histogram.Percentile(q)), want, want * 0.02) << q;
  }
  EXPECT_EQ(histogram.max_nanos(), 100000 * 1000);
}

TEST(HistogramTest, MergeAddsCounts) {
  Histogram a;
  Histogram b;
  a.Record(1'000'000);
  b.Record(3'000'000);
  b.Record(3'000'000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3);
  EXPECT_NEAR(static_cast<double>(a.Percentile(0.5)), 3e6, 3e6 * 0.02);
  EXPECT_NEAR(a.mean_nanos(), 7e6 / 3, 1);
}

TEST(HistogramTest, HugeValuesAreClampedNotLost) {
  Histogram histogram;
  histogram.Record(int64_t{1} << 50);
  EXPECT_EQ(histogram.count(), 1);
  EXPECT_GT(histogram.Percentile(1.0), 0);
}

}  // namespace
}  // namespace mart::bench
