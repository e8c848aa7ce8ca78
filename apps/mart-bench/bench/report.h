#pragma once
// One line of results, and the two ways to print them: an aligned table for
// people and JSON lines for machines (one object per row, stable keys).

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/driver.h"

namespace mart::bench {

struct Row {
  std::string workload;  // get, list, place, place→processing, …
  std::string target;    // martd, echo, sqlite
  std::string store;     // the martd row's store backend (sqlite, postgresql); "" for baselines
  int clients = 1;
  int inflight = 1;  // per client
  int64_t requests = 0;
  int64_t errors = 0;
  double seconds = 0;
  double rps = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0, mean_ms = 0;
  double client_cpu_s = 0;
  std::string baseline;             // what the ratios compare with ("" → none)
  std::optional<double> rps_ratio;  // rps / baseline rps
  std::optional<double> p50_ratio;  // p50 / baseline p50
  nlohmann::json error_codes = nlohmann::json::object();  // code → {count, first}
  // The martd row's SQL statements per request, warm-up included (for place:
  // per order, to processing), and martd's resident size after the run.
  std::optional<double> statements_per_request;
  std::optional<double> round_trips_per_request;  // PostgreSQL: the exchanges carrying them
  std::optional<double> rss_mib;
  nlohmann::json extra = nullptr;  // workload specifics
};

// Fills the figures of a row from a driver result.
Row MakeRow(std::string workload, std::string target, int clients, int inflight,
            const LoadResult& result);
// Sets the row's ratios against `base`.
void CompareWith(Row& row, const Row& base);

nlohmann::json RowJson(const Row& row);
void PrintTable(std::ostream& out, const std::vector<Row>& rows);

}  // namespace mart::bench
