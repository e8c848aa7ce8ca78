#pragma once
// Request metrics for GET /metrics, in the Prometheus text format:
// mart_rest_requests_total{method,route,status} and the latency histogram
// mart_rest_request_duration_seconds. Routes are patterns
// ("/api/v1/orders/{id}"), never raw paths, so the label set stays bounded.
// Queue metrics come from queue.list, which needs an admin: they are added
// when the scrape carries an admin's bearer token.
// Thread safe.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

namespace mart::rest {

class Metrics {
 public:
  // One finished request; a negative `seconds` (unknown) counts the request
  // but leaves the histogram alone.
  void Record(const std::string& method, const std::string& route, int status, double seconds);
  std::string Render() const;

  // Gauges from queue.list rows (lag, dead letters, paused) and counters
  // (processed, failed), labelled by worker. Rows without a worker are skipped.
  static std::string RenderQueues(const nlohmann::json& rows);
  // mart_store_info{backend,schema_version} 1, from a daemon.status reply;
  // nothing when the reply has no store.
  static std::string RenderStore(const nlohmann::json& status);

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::array<uint64_t, kBuckets.size()> bucket_counts_{};
  uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace mart::rest
