#include "bench/driver.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>
#include <zmq.hpp>

namespace mart::bench {
namespace {

struct InFlight {
  Outgoing out;
  Clock::time_point sent;
  bool measured = false;
};

struct Connection {
  int client = 0;
  std::unique_ptr<zmq::socket_t> socket;
  std::unordered_map<std::string, InFlight> in_flight;
};

// What all driver threads share: the phase boundaries and the count budget.
struct Shared {
  Clock::time_point warm_end;
  Clock::time_point end;  // duration mode only
  int64_t count = 0;
  std::atomic<int64_t> issued{0};
};

struct ThreadResult {
  LoadResult result;
  Clock::time_point last_reply{};
  Status status;
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void CountError(LoadResult& result, const std::string& code, const std::string& message) {
  ++result.errors;
  ErrorCount& entry = result.by_code[code];
  if (entry.count++ == 0) entry.first = message;
}

class DriverThread {
 public:
  DriverThread(const LoadSpec& spec, Workload& workload, Shared& shared, int index)
      : spec_(spec), workload_(workload), shared_(shared), prefix_(std::to_string(index) + "-") {
    for (int c = index; c < spec.clients; c += spec.threads) clients_.push_back(c);
  }

  void Run(ThreadResult* out) {
    try {
      Loop(out);
    } catch (const zmq::error_t& e) {
      out->status = Unavailable(std::string("driver socket failed: ") + e.what());
    }
  }

 private:
  // May another request go out now? Claims a slot of the count budget.
  bool MayIssue(Clock::time_point now, bool* measured) {
    *measured = now >= shared_.warm_end;
    if (!*measured) return true;
    if (shared_.count > 0) return shared_.issued.fetch_add(1) < shared_.count;
    return now < shared_.end;
  }

  void Issue(Connection& conn, bool measured) {
    InFlight request{workload_.Next(conn.client), Clock::now(), measured};
    Request envelope;
    envelope.id = prefix_ + std::to_string(next_id_++);
    envelope.method = request.out.method;
    envelope.auth = request.out.auth;
    envelope.idempotency_key = request.out.idempotency_key;
    envelope.params = request.out.params;
    std::string frame = EncodeRequest(envelope);
    request.sent = Clock::now();
    conn.socket->send(zmq::buffer(frame), zmq::send_flags::none);
    conn.in_flight.emplace(std::move(envelope.id), std::move(request));
  }

  void OnFrame(Connection& conn, const zmq::message_t& message, ThreadResult* out) {
    const auto now = Clock::now();
    Reply reply;
    Status decoded = DecodeReply(message.to_string_view(), &reply);
    auto it = conn.in_flight.find(reply.id);
    if (it == conn.in_flight.end()) return;  // a late reply to a request that timed out
    InFlight request = std::move(it->second);
    conn.in_flight.erase(it);
    Status status = decoded;
    if (status.ok()) status = reply.status;
    if (status.ok() && spec_.check_replies) {
      status = workload_.OnReply(conn.client, request.out, reply, request.sent, request.measured);
    }
    if (status.ok() && spec_.check_replies && !out->result.samples.contains(request.out.method)) {
      out->result.samples.emplace(request.out.method, std::move(reply.result));
    }
    ++out->result.answered;
    if (!request.measured) return;
    const int64_t nanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - request.sent).count();
    out->result.latency.Record(nanos);
    MethodResult& method = out->result.by_method[request.out.method];
    method.latency.Record(nanos);
    ++(status.ok() ? method.ok : method.errors);
    out->last_reply = std::max(out->last_reply, now);
    if (status.ok()) {
      ++out->result.ok;
    } else {
      CountError(out->result, decoded.ok() ? std::string(status.wire_code()) : "MALFORMED",
                 status.message());
    }
  }

  void ExpireTimeouts(Clock::time_point now, ThreadResult* out) {
    const auto limit = std::chrono::duration<double>(spec_.timeout_s);
    for (Connection& conn : conns_) {
      for (auto it = conn.in_flight.begin(); it != conn.in_flight.end();) {
        if (now - it->second.sent < limit) {
          ++it;
          continue;
        }
        if (it->second.measured) {
          CountError(out->result, "TIMEOUT", "no reply within the timeout");
          ++out->result.by_method[it->second.out.method].errors;
        }
        it = conn.in_flight.erase(it);
      }
    }
  }

  void Connect() {
    for (int client : clients_) {
      Connection conn;
      conn.client = client;
      conn.socket = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
      conn.socket->set(zmq::sockopt::linger, 0);
      conn.socket->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kHardMaxMessageBytes));
      conn.socket->connect(spec_.endpoints[static_cast<size_t>(client) % spec_.endpoints.size()]);
      conns_.push_back(std::move(conn));
    }
  }

  void Loop(ThreadResult* out) {
    Connect();
    std::vector<zmq::pollitem_t> items;
    for (Connection& conn : conns_) items.push_back({conn.socket->handle(), 0, ZMQ_POLLIN, 0});
    bool issuing = true;
    auto last_expiry = Clock::now();
    while (true) {
      size_t in_flight = 0;
      for (Connection& conn : conns_) {
        while (issuing && conn.in_flight.size() < static_cast<size_t>(spec_.depth)) {
          bool measured = false;
          if (!MayIssue(Clock::now(), &measured)) {
            issuing = false;
            break;
          }
          Issue(conn, measured);
        }
        in_flight += conn.in_flight.size();
      }
      if (in_flight == 0 && !issuing) break;
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(50));
      for (size_t i = 0; i < items.size(); ++i) {
        if ((items[i].revents & ZMQ_POLLIN) == 0) continue;
        zmq::message_t message;
        while (conns_[i].socket->recv(message, zmq::recv_flags::dontwait)) {
          OnFrame(conns_[i], message, out);
        }
      }
      const auto now = Clock::now();
      if (now - last_expiry > std::chrono::milliseconds(100)) {
        ExpireTimeouts(now, out);
        last_expiry = now;
      }
    }
  }

  const LoadSpec& spec_;
  Workload& workload_;
  Shared& shared_;
  std::string prefix_;
  std::vector<int> clients_;
  // Declared before the sockets, so that they close before it terminates.
  zmq::context_t context_{1};
  std::vector<Connection> conns_;
  uint64_t next_id_ = 1;
};

}  // namespace

void MergeInto(LoadResult* into, LoadResult&& from) {
  into->latency.Merge(from.latency);
  for (const auto& [method, part] : from.by_method) {
    MethodResult& sum = into->by_method[method];
    sum.latency.Merge(part.latency);
    sum.ok += part.ok;
    sum.errors += part.errors;
  }
  into->ok += from.ok;
  into->answered += from.answered;
  into->errors += from.errors;
  for (auto& [code, entry] : from.by_code) {
    ErrorCount& sum = into->by_code[code];
    if (sum.count == 0) sum.first = entry.first;
    sum.count += entry.count;
  }
  into->samples.merge(from.samples);
}

Clock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

Result<LoadResult> RunLoad(const LoadSpec& spec, Workload& workload) {
  if (spec.clients < 1 || spec.depth < 1 || spec.threads < 1) {
    return InvalidArgument("clients, depth and threads must be at least 1");
  }
  workload.Prepare(spec.clients);
  LoadSpec effective = spec;
  effective.threads = std::min(spec.threads, spec.clients);
  Shared shared;
  shared.warm_end = Clock::now() + Seconds(spec.warmup_s);
  shared.end = shared.warm_end + Seconds(spec.duration_s);
  shared.count = spec.count;
  const double cpu_before = CpuSeconds();
  std::vector<ThreadResult> results(effective.threads);
  std::vector<std::unique_ptr<DriverThread>> drivers;
  for (int t = 0; t < effective.threads; ++t) {
    drivers.push_back(std::make_unique<DriverThread>(effective, workload, shared, t));
  }
  std::vector<std::thread> running;
  for (int t = 0; t < effective.threads; ++t) {
    running.emplace_back([&, t] { drivers[t]->Run(&results[t]); });
  }
  for (auto& thread : running) thread.join();
  LoadResult merged;
  Clock::time_point last = shared.warm_end;
  for (ThreadResult& r : results) {
    if (!r.status.ok()) return r.status;
    MergeInto(&merged, std::move(r.result));
    last = std::max(last, r.last_reply);
  }
  merged.seconds = std::chrono::duration<double>(last - shared.warm_end).count();
  merged.client_cpu_s = CpuSeconds() - cpu_before;
  return merged;
}

}  // namespace mart::bench
