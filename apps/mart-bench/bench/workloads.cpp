#include "bench/workloads.h"

#include <deque>
#include <random>
#include <zmq.hpp>

#include "mart/client/client.h"

namespace mart::bench {
namespace {

using nlohmann::json;

// Per-client random numbers, seeded from the run's seed and the client.
class Randoms {
 public:
  void Prepare(int clients, uint64_t seed) {
    engines_.clear();
    for (int c = 0; c < clients; ++c)
      engines_.emplace_back(seed * 1000003 + static_cast<uint64_t>(c));
  }
  size_t Below(int client, size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(engines_[client]);
  }

 private:
  std::vector<std::mt19937_64> engines_;
};

Status Unexpected(const std::string& what) { return Internal("unexpected reply: " + what); }

class BaseWorkload : public Workload {
 public:
  BaseWorkload(const Fixture& fixture, const WorkloadParams& params)
      : fixture_(fixture), params_(params) {}
  void Prepare(int clients) override { random_.Prepare(clients, params_.seed); }
  virtual std::vector<PlacedOrder> Placed() { return {}; }
  virtual json Extra(double /*seconds*/) { return nullptr; }

 protected:
  const std::string& RandomProduct(int client) {
    return fixture_.product_ids[random_.Below(client, fixture_.product_ids.size())];
  }
  Outgoing Get(int client, std::string auth) {
    return {"product.get", {{"id", RandomProduct(client)}}, std::move(auth), ""};
  }
  Outgoing List(int client, std::string auth) {
    json query = {
        {"category", fixture_.categories[random_.Below(client, fixture_.categories.size())]},
        {"min_price", params_.list.min_price},
        {"max_price", params_.list.max_price},
        {"limit", params_.list.limit}};
    if (!params_.list.sort.empty()) query["sort"] = params_.list.sort;
    return {"product.list", std::move(query), std::move(auth), ""};
  }
  Outgoing Place(int client) {
    json items = json::array();
    for (int i = 0; i < params_.items; ++i) {
      items.push_back({{"product_id", RandomProduct(client)}, {"quantity", 1}});
    }
    // One key per order, as a real client makes (and would reuse on a retry).
    return {"order.place", {{"items", std::move(items)}}, User(client).token, NewRandomKey()};
  }
  const BenchUser& User(int client) const {
    return fixture_.users[static_cast<size_t>(client) % fixture_.users.size()];
  }
  static Status CheckGet(const Outgoing& out, const Reply& reply) {
    return reply.result.value("id", "") == out.params["id"]
               ? Status::Ok()
               : Unexpected("product.get without its id");
  }
  static Status CheckList(const Reply& reply) {
    return reply.result.is_array() ? Status::Ok() : Unexpected("product.list without an array");
  }

  const Fixture& fixture_;
  WorkloadParams params_;
  Randoms random_;
};

class GetWorkload : public BaseWorkload {
 public:
  using BaseWorkload::BaseWorkload;
  std::string name() const override { return "get"; }
  Outgoing Next(int client) override { return Get(client, ""); }
  Status OnReply(int, const Outgoing& out, const Reply& reply, Clock::time_point, bool) override {
    return CheckGet(out, reply);
  }
};

class ListWorkload : public BaseWorkload {
 public:
  using BaseWorkload::BaseWorkload;
  std::string name() const override { return "list"; }
  Outgoing Next(int client) override { return List(client, ""); }
  Status OnReply(int, const Outgoing&, const Reply& reply, Clock::time_point, bool) override {
    return CheckList(reply);
  }
};

// Keeps each client's measured orders for OrderWatch, and its open orders for cancels.
class OrderBook {
 public:
  void Prepare(int clients) {
    placed_.assign(clients, {});
    open_.assign(clients, {});
  }
  Status OnPlaced(int client, const Reply& reply, Clock::time_point sent, bool measured) {
    std::string id = reply.result.value("id", "");
    if (id.empty()) return Unexpected("order.place without an id");
    if (measured) placed_[client].push_back({id, sent});
    open_[client].push_back(std::move(id));
    if (open_[client].size() > 1000) open_[client].pop_front();
    return Status::Ok();
  }
  std::optional<std::string> TakeOpen(int client) {
    if (open_[client].empty()) return std::nullopt;
    std::string id = std::move(open_[client].front());
    open_[client].pop_front();
    return id;
  }
  std::vector<PlacedOrder> All() const {
    std::vector<PlacedOrder> all;
    for (const auto& list : placed_) all.insert(all.end(), list.begin(), list.end());
    return all;
  }

 private:
  std::vector<std::vector<PlacedOrder>> placed_;
  std::vector<std::deque<std::string>> open_;
};

class PlaceWorkload : public BaseWorkload {
 public:
  using BaseWorkload::BaseWorkload;
  std::string name() const override { return "place"; }
  void Prepare(int clients) override {
    BaseWorkload::Prepare(clients);
    book_.Prepare(clients);
  }
  Outgoing Next(int client) override { return Place(client); }
  Status OnReply(int client, const Outgoing&, const Reply& reply, Clock::time_point sent,
                 bool measured) override {
    return book_.OnPlaced(client, reply, sent, measured);
  }
  std::vector<PlacedOrder> Placed() override { return book_.All(); }

 private:
  OrderBook book_;
};

class LoginWorkload : public BaseWorkload {
 public:
  using BaseWorkload::BaseWorkload;
  std::string name() const override { return "login"; }
  void Prepare(int clients) override {
    BaseWorkload::Prepare(clients);
    turn_.assign(clients, 0);
  }
  Outgoing Next(int client) override {
    const BenchUser& user = fixture_.users[turn_[client]++ % fixture_.users.size()];
    return {"auth.login", {{"email", user.email}, {"password", user.password}}, "", ""};
  }
  Status OnReply(int, const Outgoing&, const Reply& reply, Clock::time_point, bool) override {
    return reply.result.contains("access_token") ? Status::Ok()
                                                 : Unexpected("login without a token");
  }

 private:
  std::vector<size_t> turn_;
};

class EventsWorkload : public BaseWorkload {
 public:
  using BaseWorkload::BaseWorkload;
  std::string name() const override { return "events"; }
  void Prepare(int clients) override {
    BaseWorkload::Prepare(clients);
    after_.assign(clients, 0);
    read_.assign(clients, 0);
  }
  Outgoing Next(int client) override {
    return {
        "events.read", {{"after", after_[client]}, {"limit", 1000}}, fixture_.operator_auth, ""};
  }
  Status OnReply(int client, const Outgoing&, const Reply& reply, Clock::time_point,
                 bool measured) override {
    const json& events = reply.result["events"];
    if (!events.is_array()) return Unexpected("events.read without events");
    int64_t next = reply.result.value("next_after", int64_t{0});
    // At the end of the log, start again from the beginning: a tail reading
    // a backlog, over and over.
    after_[client] =
        events.empty() || next >= reply.result.value("last_seq", int64_t{0}) ? 0 : next;
    if (measured) read_[client] += static_cast<int64_t>(events.size());
    return Status::Ok();
  }
  json Extra(double seconds) override {
    int64_t total = 0;
    for (int64_t n : read_) total += n;
    return {{"events_read", total},
            {"events_per_s", seconds > 0 ? static_cast<double>(total) / seconds : 0}};
  }

 private:
  std::vector<int64_t> after_;
  std::vector<int64_t> read_;
};

class MixedWorkload : public BaseWorkload {
 public:
  using BaseWorkload::BaseWorkload;
  std::string name() const override { return "mixed"; }
  void Prepare(int clients) override {
    BaseWorkload::Prepare(clients);
    book_.Prepare(clients);
    for (auto& n : counts_) n = 0;
  }
  Outgoing Next(int client) override {
    const size_t roll = random_.Below(client, 100);
    const std::string& token = User(client).token;
    if (roll < 60) return Count(0, Get(client, token));
    if (roll < 80) return Count(1, List(client, token));
    if (roll >= 95) {
      if (auto id = book_.TakeOpen(client)) {
        return Count(3,
                     {"order.cancel", {{"id", *id}, {"reason", "bench"}}, token, NewRandomKey()});
      }
    }
    return Count(2, Place(client));
  }
  Status OnReply(int client, const Outgoing& out, const Reply& reply, Clock::time_point sent,
                 bool measured) override {
    if (out.method == "product.get") return CheckGet(out, reply);
    if (out.method == "product.list") return CheckList(reply);
    if (out.method == "order.place") return book_.OnPlaced(client, reply, sent, measured);
    return reply.result.value("status", "") == "cancelled"
               ? Status::Ok()
               : Unexpected("order.cancel did not cancel");
  }
  std::vector<PlacedOrder> Placed() override { return book_.All(); }
  json Extra(double) override {
    return {{"mix",
             {{"get", counts_[0].load()},
              {"list", counts_[1].load()},
              {"place", counts_[2].load()},
              {"cancel", counts_[3].load()}}}};
  }

 private:
  Outgoing Count(int kind, Outgoing out) {
    counts_[kind].fetch_add(1, std::memory_order_relaxed);
    return out;
  }
  OrderBook book_;
  std::atomic<int64_t> counts_[4] = {};
};

}  // namespace

const std::vector<std::string>& WorkloadNames() {
  static const std::vector<std::string> kNames = {"get",   "list",   "place",
                                                  "login", "events", "mixed"};
  return kNames;
}

std::unique_ptr<Workload> MakeWorkload(const std::string& name, const Fixture& fixture,
                                       const WorkloadParams& params) {
  if (name == "get") return std::make_unique<GetWorkload>(fixture, params);
  if (name == "list") return std::make_unique<ListWorkload>(fixture, params);
  if (name == "place") return std::make_unique<PlaceWorkload>(fixture, params);
  if (name == "login") return std::make_unique<LoginWorkload>(fixture, params);
  if (name == "events") return std::make_unique<EventsWorkload>(fixture, params);
  if (name == "mixed") return std::make_unique<MixedWorkload>(fixture, params);
  return nullptr;
}

std::vector<PlacedOrder> PlacedOrders(Workload& workload) {
  return static_cast<BaseWorkload&>(workload).Placed();
}

nlohmann::json WorkloadExtra(Workload& workload, double seconds) {
  return static_cast<BaseWorkload&>(workload).Extra(seconds);
}

OrderWatch::~OrderWatch() { Stop(); }

Status OrderWatch::Start(const Fixture& fixture) {
  thread_ = std::thread([this, endpoint = fixture.events_endpoint] { Run(endpoint); });
  Client client({.endpoints = {fixture.endpoints.front()},
                 .timeout = std::chrono::milliseconds(5000),
                 .retries = 0});
  for (int attempt = 0; attempt < 100 && !joined_.load(); ++attempt) {
    auto published = client.Call("events.publish", {{"topic", "bench.joined"}},
                                 {.auth = fixture.operator_auth, .idempotency_key = ""});
    if (!published.ok()) return published.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return joined_.load() ? Status::Ok() : Unavailable("the event feed sent nothing within 2 s");
}

void OrderWatch::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::optional<OrderWatch::Seen> OrderWatch::Find(const std::string& order_id) {
  std::lock_guard lock(mutex_);
  auto it = seen_.find(order_id);
  if (it == seen_.end()) return std::nullopt;
  return it->second;
}

void OrderWatch::Run(const std::string& endpoint) {
  try {
    zmq::context_t context(1);
    zmq::socket_t socket(context, zmq::socket_type::sub);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvhwm, 1000000);
    socket.set(zmq::sockopt::subscribe, "order.status_changed");
    socket.set(zmq::sockopt::subscribe, "bench.joined");
    socket.connect(endpoint);
    std::vector<zmq::message_t> frames;
    while (!stop_.load()) {
      zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds(50)) == 0) continue;
      const auto now = Clock::now();
      frames.clear();
      do {
        frames.emplace_back();
        if (!socket.recv(frames.back(), zmq::recv_flags::dontwait)) break;
      } while (frames.back().more());
      if (frames.size() < 2) continue;
      if (frames[0].to_string_view() == "bench.joined") {
        joined_ = true;
        continue;
      }
      json event = json::parse(frames[1].to_string_view(), nullptr, false);
      if (!event.is_object() || !event["data"].is_object()) continue;
      const std::string to = event["data"].value("to", "");
      if (to != "processing" && to != "cancelled") continue;
      std::lock_guard lock(mutex_);
      seen_.emplace(event["data"].value("order_id", ""), Seen{now, to == "processing"});
    }
  } catch (const zmq::error_t&) {
    // The run reports the orders it never saw; nothing else to do here.
  }
}

}  // namespace mart::bench
