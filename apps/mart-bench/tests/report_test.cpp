#include "bench/report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace mart::bench {
namespace {

LoadResult Result(int64_t ok, int64_t errors, double seconds, int64_t latency_nanos) {
  LoadResult result;
  result.ok = ok;
  result.errors = errors;
  result.seconds = seconds;
  for (int64_t i = 0; i < ok + errors; ++i) result.latency.Record(latency_nanos);
  if (errors > 0) result.by_code["NOT_FOUND"] = {errors, "product x not found"};
  return result;
}

TEST(ReportTest, RowCountsOnlySuccessesInTheRate) {
  Row row = MakeRow("get", "martd", 4, 2, Result(900, 100, 2.0, 1'000'000));
  EXPECT_EQ(row.requests, 1000);
  EXPECT_EQ(row.errors, 100);
  EXPECT_DOUBLE_EQ(row.rps, 450);
  EXPECT_NEAR(row.p50_ms, 1.0, 0.02);
  EXPECT_EQ(row.error_codes["NOT_FOUND"]["count"], 100);
}

TEST(ReportTest, RatiosAgainstTheBaseline) {
  Row row = MakeRow("get", "martd", 1, 1, Result(500, 0, 1.0, 2'000'000));
  Row base = MakeRow("get", "echo", 1, 1, Result(1000, 0, 1.0, 1'000'000));
  CompareWith(row, base);
  EXPECT_EQ(row.baseline, "echo:get");
  EXPECT_NEAR(*row.rps_ratio, 0.5, 1e-9);
  EXPECT_NEAR(*row.p50_ratio, 2.0, 0.05);
}

TEST(ReportTest, JsonHasTheDocumentedKeys) {
  Row row = MakeRow("events", "martd", 1, 1, Result(10, 0, 1.0, 1000));
  row.extra = {{"events_per_s", 1234.0}};
  nlohmann::json line = RowJson(row);
  for (const char* key : {"workload", "target", "clients", "inflight", "requests", "errors",
                          "seconds", "rps", "p50_ms", "p99_ms", "p999_ms", "max_ms", "baseline",
                          "rps_ratio", "p50_ratio", "error_codes", "events_per_s", "store",
                          "statements_per_request", "rss_mib"}) {
    EXPECT_TRUE(line.contains(key)) << key;
  }
  EXPECT_TRUE(line["rps_ratio"].is_null());
  EXPECT_TRUE(line["store"].is_null());  // a row nobody said the store of
  row.store = "postgresql";
  row.statements_per_request = 74.5;
  line = RowJson(row);
  EXPECT_EQ(line["store"], "postgresql");
  EXPECT_DOUBLE_EQ(line["statements_per_request"].get<double>(), 74.5);
  EXPECT_TRUE(line["rss_mib"].is_null());
}

TEST(ReportTest, TableAlignsItsColumns) {
  std::ostringstream out;
  PrintTable(out, {MakeRow("get", "martd", 1, 1, Result(10, 0, 1.0, 1000)),
                   MakeRow("place.processing", "martd", 64, 1, Result(10, 0, 1.0, 1000))});
  std::istringstream lines(out.str());
  std::string line;
  std::vector<size_t> widths;
  while (std::getline(lines, line)) widths.push_back(line.size());
  ASSERT_EQ(widths.size(), 3u);
  EXPECT_EQ(widths[0], widths[1]);
  EXPECT_EQ(widths[1], widths[2]);
}

}  // namespace
}  // namespace mart::bench
