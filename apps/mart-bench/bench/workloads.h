#pragma once
// The benchmark's workloads over the native protocol. Each is a Workload for
// the driver (bench/driver.h); per-client state is sized in Prepare().
//
//   get     product.get of a random seeded product, anonymous
//   list    product.list: a random category, a price band, `limit` rows
//   place   order.place of `items` random products by a customer, with a
//           fresh idempotency key per order; the replies measure the commit,
//           OrderWatch (the event feed) the move to `processing`
//   login   auth.login of the seeded customers in turn (argon2id work)
//   events  events.read pages of 1000 through the log as the operator
//   mixed   a logged-in shopper: 60 % get, 20 % list, 15 % place, 5 %
//           cancel of one of its own earlier orders

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/driver.h"
#include "bench/seed.h"

namespace mart::bench {

struct ListParams {
  int limit = 20;
  std::string sort;  // "" → the daemon's default (created, newest first)
  std::string min_price = "100.00";
  std::string max_price = "200.00";
};

struct WorkloadParams {
  ListParams list;
  int items = 2;  // lines per order
  uint64_t seed = 1;
};

// The names above, in that order.
const std::vector<std::string>& WorkloadNames();

// Orders placed by a run, and when: what OrderWatch matches its events against.
struct PlacedOrder {
  std::string id;
  Clock::time_point sent;
};

class Workload;
// nullptr for an unknown name.
std::unique_ptr<Workload> MakeWorkload(const std::string& name, const Fixture& fixture,
                                       const WorkloadParams& params);

// The measured orders a place or mixed workload placed (empty for others).
std::vector<PlacedOrder> PlacedOrders(Workload& workload);
// Extra figures for the report: events/s of `events`, the mix of `mixed`.
nlohmann::json WorkloadExtra(Workload& workload, double seconds);

// Watches the event feed (PROTOCOL.md §10) for orders reaching `processing`
// (or `cancelled`), so measuring that adds no requests to martd's load.
class OrderWatch {
 public:
  struct Seen {
    Clock::time_point at;
    bool processing = false;
  };

  OrderWatch() = default;
  ~OrderWatch();
  OrderWatch(const OrderWatch&) = delete;
  OrderWatch& operator=(const OrderWatch&) = delete;

  // Connects a SUB socket to the fixture's events endpoint, subscribed to
  // order.status_changed, and waits until it receives: a PUB drops frames
  // for a subscriber still joining, so it publishes bench.joined events (as
  // the operator) until one arrives.
  Status Start(const Fixture& fixture);
  void Stop();
  std::optional<Seen> Find(const std::string& order_id);

 private:
  void Run(const std::string& endpoint);

  std::mutex mutex_;
  std::unordered_map<std::string, Seen> seen_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> joined_{false};
  std::thread thread_;
};

}  // namespace mart::bench
