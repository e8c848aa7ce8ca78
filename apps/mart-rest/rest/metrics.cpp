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

}  // namespace mart::rest
