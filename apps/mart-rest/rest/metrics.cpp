#include "rest/metrics.h"

#include <sstream>

namespace mart::rest {
namespace {

// Label values are route patterns and method names, but escape anyway.
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::Record(const std::string& method, const std::string& route, int status,
                     double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{method, route, status}];
  if (seconds < 0) return;
  ++count_;
  sum_ += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "# HELP mart_rest_requests_total HTTP requests answered, by route and status.\n"
      << "# TYPE mart_rest_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out << "mart_rest_requests_total{method=\"" << Escape(method) << "\",route=\""
        << Escape(route) << "\",status=\"" << status << "\"} " << count << "\n";
  }
  out << "# HELP mart_rest_request_duration_seconds Time from routing to reply.\n"
      << "# TYPE mart_rest_request_duration_seconds histogram\n";
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    out << "mart_rest_request_duration_seconds_bucket{le=\"" << kBuckets[i] << "\"} "
        << bucket_counts_[i] << "\n";
  }
  out << "mart_rest_request_duration_seconds_bucket{le=\"+Inf\"} " << count_ << "\n"
      << "mart_rest_request_duration_seconds_sum " << sum_ << "\n"
      << "mart_rest_request_duration_seconds_count " << count_ << "\n";
  return out.str();
}

std::string Metrics::RenderQueues(const nlohmann::json& rows) {
  struct Series {
    const char* name;
    const char* field;
    const char* type;
    const char* help;
  };
  static constexpr Series kSeries[] = {
      {"mart_queue_lag", "lag", "gauge", "Events waiting for the worker."},
      {"mart_queue_dead", "dead", "gauge", "The worker's dead letters now on the list."},
      {"mart_queue_processed_total", "processed", "counter", "Events the worker applied."},
      {"mart_queue_failed_total", "failed", "counter", "Failed attempts, ever."},
  };
  std::ostringstream out;
  for (const Series& series : kSeries) {
    out << "# HELP " << series.name << " " << series.help << "\n# TYPE " << series.name << " "
        << series.type << "\n";
    for (const nlohmann::json& row : rows) {
      if (!row.is_object() || !row.contains("worker") || !row["worker"].is_string()) continue;
      const nlohmann::json value = row.value(series.field, nlohmann::json(0));
      out << series.name << "{worker=\"" << Escape(row["worker"].get<std::string>()) << "\"} "
          << (value.is_number() ? value.dump() : "0") << "\n";
    }
  }
  out << "# HELP mart_queue_paused 1 when the worker is paused.\n# TYPE mart_queue_paused gauge\n";
  for (const nlohmann::json& row : rows) {
    if (!row.is_object() || !row.contains("worker") || !row["worker"].is_string()) continue;
    out << "mart_queue_paused{worker=\"" << Escape(row["worker"].get<std::string>()) << "\"} "
        << (row.value("state", std::string()) == "paused" ? 1 : 0) << "\n";
  }
  return out.str();
}

std::string Metrics::RenderStore(const nlohmann::json& status) {
  if (!status.is_object() || !status.contains("store") || !status["store"].is_object()) return "";
  const nlohmann::json& store = status["store"];
  const nlohmann::json backend = store.value("backend", nlohmann::json("unknown"));
  const nlohmann::json schema = store.value("schema_version", nlohmann::json(0));
  std::ostringstream out;
  out << "# HELP mart_store_info The store martd runs on: sqlite or postgresql.\n"
         "# TYPE mart_store_info gauge\n"
      << "mart_store_info{backend=\"" << Escape(backend.is_string() ? backend.get<std::string>() : "")
      << "\",schema_version=\"" << (schema.is_number_integer() ? schema.dump() : "0") << "\"} 1\n";
  return out.str();
}

}  // namespace mart::rest
