#include "rest/metrics.h"

#include <gtest/gtest.h>

namespace mart::rest {
namespace {

TEST(MetricsTest, CountsByRouteAndStatusAndFillsTheHistogram) {
  Metrics metrics;
  metrics.Record("GET", "/api/v1/orders/{id}", 200, 0.002);
  metrics.Record("GET", "/api/v1/orders/{id}", 200, 0.2);
  metrics.Record("POST", "unmatched", 413, -1);
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("mart_rest_requests_total{method=\"GET\",route=\"/api/v1/orders/{id}\","
                      "status=\"200\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"413\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("mart_rest_request_duration_seconds_bucket{le=\"0.0025\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("mart_rest_request_duration_seconds_bucket{le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("mart_rest_request_duration_seconds_count 2\n"), std::string::npos);
}

TEST(MetricsTest, QueueRowsBecomeSeriesByWorker) {
  const nlohmann::json rows = nlohmann::json::parse(
      R"([{"worker":"inventory","state":"paused","lag":3,"processed":8,"failed":1,"dead":0},
          {"worker":"orders","state":"idle","lag":0,"processed":9,"failed":0,"dead":2}])");
  const std::string text = Metrics::RenderQueues(rows);
  EXPECT_NE(text.find("mart_queue_lag{worker=\"inventory\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("mart_queue_dead{worker=\"orders\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("mart_queue_paused{worker=\"inventory\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("mart_queue_paused{worker=\"orders\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE mart_queue_processed_total counter\n"), std::string::npos);
}

TEST(MetricsTest, TheStoreIsOneInfoSeries) {
  const nlohmann::json status = nlohmann::json::parse(
      R"({"ready":true,"store":{"backend":"postgresql","schema_version":8,"location":"x"}})");
  const std::string text = Metrics::RenderStore(status);
  EXPECT_NE(text.find("mart_store_info{backend=\"postgresql\",schema_version=\"8\"} 1\n"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("location"), std::string::npos);  // where it lives is not for scrapers
  EXPECT_EQ(Metrics::RenderStore(nlohmann::json::parse(R"({"ready":true})")), "");
}

}  // namespace
}  // namespace mart::rest
