// order_load: a small driver measuring how fast orders go from placed to
// `processing` (issue 4's closing-note figure; apps/mart-bench takes over
// later). As the local operator it creates a product with plenty of stock and
// a user, then N client threads each place orders for that user and poll
// order.get until the order leaves pending. Prints orders/s and latency
// percentiles. Usage: order_load ENDPOINT COOKIE_FILE CLIENTS ORDERS_PER_CLIENT
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "mart/client/client.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

mart::Result<json> Must(mart::Result<json> result, const char* what) {
  if (!result.ok()) {
    std::cerr << "order_load: " << what << ": " << result.status().ToString() << "\n";
    std::exit(1);
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: order_load ENDPOINT COOKIE_FILE CLIENTS ORDERS_PER_CLIENT\n";
    return 2;
  }
  const std::string endpoint = argv[1];
  std::string cookie;
  std::ifstream(argv[2]) >> cookie;
  const int clients = std::stoi(argv[3]);
  const int per_client = std::stoi(argv[4]);
  const mart::CallOptions op{.auth = "cookie:" + cookie, .idempotency_key = ""};
  mart::Client setup({.endpoint = endpoint});
  json product = *Must(setup.Call("product.create", {{"name", "Load"}, {"category", "Bench"},
                                                     {"price", "1.00"}, {"quantity", 1000000000}},
                                  op),
                       "product.create");
  json user = *Must(setup.Call("auth.register",
                               {{"email", "load-" + mart::NewRandomKey().substr(0, 8) + "@x.io"},
                                {"password", "Passw0rd!"}, {"first_name", "Load"},
                                {"last_name", "Driver"}}),
                    "auth.register");
  const json place = {{"user_id", user["id"]},
                      {"items", {{{"product_id", product["_id"]}, {"quantity", 1}}}},
                      {"shipping_address", {{"line1", "1 St"}, {"city", "X"},
                                            {"postal_code", "1"}, {"country", "C"}}}};
  std::vector<std::vector<double>> latencies(clients);
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      mart::Client client({.endpoint = endpoint});
      for (int i = 0; i < per_client; ++i) {
        auto begin = Clock::now();
        json order = *Must(client.Call("order.place", place, op), "order.place");
        while (order["status"] == "pending") {
          order = *Must(client.Call("order.get", {{"id", order["_id"]}}, op), "order.get");
        }
        std::chrono::duration<double, std::milli> took = Clock::now() - begin;
        latencies[c].push_back(took.count());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::chrono::duration<double> elapsed = Clock::now() - start;
  std::vector<double> all;
  for (const auto& list : latencies) all.insert(all.end(), list.begin(), list.end());
  std::sort(all.begin(), all.end());
  auto at = [&](double q) { return all[std::min(all.size() - 1, size_t(q * all.size()))]; };
  std::cout << "clients " << clients << "  orders " << all.size() << "  orders/s "
            << static_cast<int64_t>(all.size() / elapsed.count()) << "  p50 " << at(0.50)
            << " ms  p99 " << at(0.99) << " ms\n";
  return 0;
}
