#include "bench/report.h"

#include <cstdio>
#include <ostream>

namespace mart::bench {
namespace {

double Ms(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace

Row MakeRow(std::string workload, std::string target, int clients, int inflight,
            const LoadResult& result) {
  Row row;
  row.workload = std::move(workload);
  row.target = std::move(target);
  row.clients = clients;
  row.inflight = inflight;
  row.requests = result.ok + result.errors;
  row.errors = result.errors;
  row.seconds = result.seconds;
  row.rps = result.seconds > 0 ? static_cast<double>(result.ok) / result.seconds : 0;
  row.p50_ms = Ms(result.latency.Percentile(0.50));
  row.p99_ms = Ms(result.latency.Percentile(0.99));
  row.p999_ms = Ms(result.latency.Percentile(0.999));
  row.max_ms = Ms(result.latency.max_nanos());
  row.mean_ms = result.latency.mean_nanos() / 1e6;
  row.client_cpu_s = result.client_cpu_s;
  for (const auto& [code, entry] : result.by_code) {
    row.error_codes[code] = {{"count", entry.count}, {"first", entry.first}};
  }
  return row;
}

void CompareWith(Row& row, const Row& base) {
  row.baseline = base.target + ":" + base.workload;
  if (base.rps > 0) row.rps_ratio = row.rps / base.rps;
  if (base.p50_ms > 0) row.p50_ratio = row.p50_ms / base.p50_ms;
}

nlohmann::json RowJson(const Row& row) {
  nlohmann::json line = {{"workload", row.workload},      {"target", row.target},
                         {"clients", row.clients},        {"inflight", row.inflight},
                         {"requests", row.requests},      {"errors", row.errors},
                         {"seconds", row.seconds},        {"rps", row.rps},
                         {"p50_ms", row.p50_ms},          {"p99_ms", row.p99_ms},
                         {"p999_ms", row.p999_ms},        {"max_ms", row.max_ms},
                         {"mean_ms", row.mean_ms},        {"client_cpu_s", row.client_cpu_s},
                         {"error_codes", row.error_codes}};
  line["store"] = row.store.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.store);
  line["statements_per_request"] = row.statements_per_request
                                       ? nlohmann::json(*row.statements_per_request)
                                       : nlohmann::json(nullptr);
  line["round_trips_per_request"] = row.round_trips_per_request
                                        ? nlohmann::json(*row.round_trips_per_request)
                                        : nlohmann::json(nullptr);
  line["rss_mib"] = row.rss_mib ? nlohmann::json(*row.rss_mib) : nlohmann::json(nullptr);
  line["baseline"] = row.baseline.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.baseline);
  line["rps_ratio"] = row.rps_ratio ? nlohmann::json(*row.rps_ratio) : nlohmann::json(nullptr);
  line["p50_ratio"] = row.p50_ratio ? nlohmann::json(*row.p50_ratio) : nlohmann::json(nullptr);
  if (row.extra.is_object()) {
    for (const auto& [key, value] : row.extra.items()) line[key] = value;
  }
  return line;
}

void PrintTable(std::ostream& out, const std::vector<Row>& rows) {
  const std::vector<std::string> header = {
      "workload", "target", "store",     "clients",   "in-flight", "requests", "req/s",
      "p50 ms",   "p99 ms", "p99.9 ms",  "errors",    "stmts/req", "trips/req", "rss MiB",
      "req/s ratio", "p50 ratio", "vs"};
  constexpr size_t kTextColumns = 3;  // workload, target, store; and vs, the last
  std::vector<std::vector<std::string>> cells = {header};
  for (const Row& row : rows) {
    cells.push_back({row.workload, row.target, row.store.empty() ? "-" : row.store,
                     std::to_string(row.clients), std::to_string(row.clients * row.inflight),
                     std::to_string(row.requests), Fixed(row.rps, 0), Fixed(row.p50_ms, 3),
                     Fixed(row.p99_ms, 3), Fixed(row.p999_ms, 3), std::to_string(row.errors),
                     row.statements_per_request ? Fixed(*row.statements_per_request, 1) : "-",
                     row.round_trips_per_request ? Fixed(*row.round_trips_per_request, 1) : "-",
                     row.rss_mib ? Fixed(*row.rss_mib, 1) : "-",
                     row.rps_ratio ? Fixed(*row.rps_ratio, 2) : "-",
                     row.p50_ratio ? Fixed(*row.p50_ratio, 2) : "-",
                     row.baseline.empty() ? "-" : row.baseline});
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) {
      // Text columns to the left, numbers to the right.
      const bool text = i < kTextColumns || i + 1 == line.size();
      std::string pad(width[i] - line[i].size(), ' ');
      out << (i ? "  " : "") << (text ? line[i] + pad : pad + line[i]);
    }
    out << "\n";
  }
}

}  // namespace mart::bench
