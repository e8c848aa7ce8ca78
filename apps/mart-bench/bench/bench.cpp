#include "bench/bench.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "bench/baselines.h"
#include "bench/daemon.h"
#include "bench/report.h"
#include "bench/seed.h"
#include "mart/client/client.h"

namespace mart::bench {
namespace {

constexpr const char* kProcessing = "place.processing";

// What the runs of one benchmark share.
struct Context {
  const BenchOptions& options;
  Fixture fixture;
  std::string work_dir;      // echo socket, SQLite baseline, our martd
  size_t order_bytes = 600;  // a serialized order, once one was placed
  std::vector<Row> rows;
  // The martd measured now: its store's backend and its pid (its memory is read
  // from /proc when it runs on this machine).
  std::string store;
  int64_t martd_pid = 0;
};

// daemon.status as the operator: the store's backend, martd's pid, and the
// statements martd has executed on its store (absent from an older martd).
struct DaemonFacts {
  std::string backend;
  int64_t pid = 0;
  std::optional<uint64_t> statements;
  std::optional<uint64_t> round_trips;  // PostgreSQL only
};

// Asks the first endpoint, whose data dir holds the operator cookie.
Result<DaemonFacts> AskDaemon(const Fixture& fixture) {
  Client client({.endpoints = {fixture.endpoints.front()},
                 .timeout = std::chrono::milliseconds(10000)});
  MART_ASSIGN_OR_RETURN(nlohmann::json status,
                        client.Call("daemon.status", nlohmann::json::object(),
                                    {.auth = fixture.operator_auth}));
  DaemonFacts facts;
  const nlohmann::json store = status.value("store", nlohmann::json::object());
  facts.backend = store.value("backend", std::string("sqlite"));
  facts.pid = status.value("pid", int64_t{0});
  if (store.contains("statements")) facts.statements = store["statements"].get<uint64_t>();
  if (store.contains("round_trips")) facts.round_trips = store["round_trips"].get<uint64_t>();
  return facts;
}

// martd's resident size in MiB, when it runs on this machine.
std::optional<double> ResidentMib(int64_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    double kib = 0;
    if (fields >> kib) return kib / 1024;
  }
  return std::nullopt;
}

LoadSpec SpecFor(const Context& context, int clients, std::vector<std::string> endpoints) {
  const BenchOptions& o = context.options;
  return {.endpoints = std::move(endpoints),
          .clients = clients,
          .depth = o.inflight,
          .threads = o.threads,
          .warmup_s = o.warmup_s,
          .duration_s = o.duration_s,
          .count = o.count,
          .timeout_s = o.timeout_s,
          .check_replies = true};
}

// The orders of a run as they reached processing (or not) on the event feed.
Row ProcessingRow(OrderWatch& watch, const std::vector<PlacedOrder>& placed, const Row& place) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline &&
         !std::all_of(placed.begin(), placed.end(),
                      [&](const PlacedOrder& order) { return watch.Find(order.id).has_value(); })) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  LoadResult result;
  Clock::time_point first = Clock::time_point::max();
  Clock::time_point last = Clock::time_point::min();
  for (const PlacedOrder& order : placed) {
    first = std::min(first, order.sent);
    auto seen = watch.Find(order.id);
    if (!seen || !seen->processing) {
      ErrorCount& entry = result.by_code[seen ? "CANCELLED" : "NOT_SEEN"];
      if (entry.count++ == 0) {
        entry.first = "order " + order.id +
                      (seen ? " was cancelled" : " never reached processing on the event feed");
      }
      ++result.errors;
      continue;
    }
    ++result.ok;
    last = std::max(last, seen->at);
    result.latency.Record(
        std::chrono::duration_cast<std::chrono::nanoseconds>(seen->at - order.sent).count());
  }
  if (result.ok > 0) result.seconds = std::chrono::duration<double>(last - first).count();
  Row row = MakeRow(kProcessing, "martd", place.clients, place.inflight, result);
  row.store = place.store;
  return row;
}

Status RunEcho(Context& context, const std::string& name, int clients,
               const std::map<std::string, nlohmann::json>& samples, Row* row) {
  const std::string endpoint = "ipc://" + context.work_dir + "/echo.sock";
  EchoServer echo(endpoint, samples);
  MART_RETURN_IF_ERROR(echo.Start());
  auto workload = MakeWorkload(name, context.fixture, context.options.params);
  LoadSpec spec = SpecFor(context, clients, {endpoint});
  spec.check_replies = false;
  auto result = RunLoad(spec, *workload);
  if (!result.ok()) return result.status();
  *row = MakeRow(name, "echo", clients, context.options.inflight, *result);
  return Status::Ok();
}

// One round of a workload: against martd, then the echo baseline.
struct Round {
  Row martd;
  std::optional<Row> echo;
  std::optional<Row> processing;
  std::vector<Row> methods;  // mixed: one row per method (mixed.get, …)
};

// The mixed workload's replies split by method: a row each, named
// "mixed.<the method's last word>", over the run's seconds.
std::vector<Row> MethodRows(const std::string& name, const LoadResult& result, const Row& whole) {
  std::vector<Row> rows;
  for (const auto& [method, part] : result.by_method) {
    LoadResult one;
    one.latency = part.latency;
    one.ok = part.ok;
    one.errors = part.errors;
    one.seconds = result.seconds;
    Row row = MakeRow(name + "." + method.substr(method.rfind('.') + 1), "martd", whole.clients,
                      whole.inflight, one);
    row.store = whole.store;
    rows.push_back(std::move(row));
  }
  return rows;
}

Status RunRound(Context& context, const std::string& name, int clients, Round* round) {
  auto workload = MakeWorkload(name, context.fixture, context.options.params);
  const bool orders = name == "place";
  OrderWatch watch;
  if (orders) MART_RETURN_IF_ERROR(watch.Start(context.fixture));
  MART_ASSIGN_OR_RETURN(DaemonFacts before, AskDaemon(context.fixture));
  auto result = RunLoad(SpecFor(context, clients, context.fixture.endpoints), *workload);
  if (!result.ok()) return result.status();
  round->martd = MakeRow(name, "martd", clients, context.options.inflight, *result);
  round->martd.store = context.store;
  round->martd.extra = WorkloadExtra(*workload, result->seconds);
  if (auto it = result->samples.find("order.place"); it != result->samples.end()) {
    context.order_bytes = it->second.dump().size();
  }
  if (orders) round->processing = ProcessingRow(watch, PlacedOrders(*workload), round->martd);
  if (name == "mixed") round->methods = MethodRows(name, *result, round->martd);
  // The statements of every request answered, the warm-up's included, and for
  // orders those of their way to processing (the wait above).
  MART_ASSIGN_OR_RETURN(DaemonFacts after, AskDaemon(context.fixture));
  // martd counts statements per instance: over several, one count is no measure.
  const bool one = context.fixture.endpoints.size() == 1;
  if (one && before.statements && after.statements && result->answered > 0) {
    round->martd.statements_per_request =
        static_cast<double>(*after.statements - *before.statements) /
        static_cast<double>(result->answered);
  }
  if (one && before.round_trips && after.round_trips && result->answered > 0) {
    round->martd.round_trips_per_request =
        static_cast<double>(*after.round_trips - *before.round_trips) /
        static_cast<double>(result->answered);
  }
  round->martd.rss_mib = ResidentMib(context.martd_pid);
  if (!context.options.baselines) return Status::Ok();
  round->echo.emplace();
  return RunEcho(context, name, clients, result->samples, &*round->echo);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The round whose `pick` has the median req/s.
Row MedianRow(const std::vector<Round>& rounds, const std::function<Row(const Round&)>& pick) {
  std::vector<Row> rows;
  for (const Round& round : rounds) rows.push_back(pick(round));
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.rps < b.rps; });
  return rows[rows.size() / 2];
}

// Runs `--repeat` rounds and keeps the median of each row; the ratios are the
// medians of the rounds' own ratios, each taken against the echo run just after it.
Status RunWorkload(Context& context, const std::string& name, int clients) {
  std::cerr << "mart-bench: " << name << ", " << clients << " clients\n";
  std::vector<Round> rounds(context.options.repeat);
  for (Round& round : rounds) MART_RETURN_IF_ERROR(RunRound(context, name, clients, &round));
  Row row = MedianRow(rounds, [](const Round& r) { return r.martd; });
  if (rounds.size() > 1) {
    if (!row.extra.is_object()) row.extra = nlohmann::json::object();
    row.extra["rounds_rps"] = nlohmann::json::array();
    for (const Round& round : rounds) row.extra["rounds_rps"].push_back(round.martd.rps);
  }
  if (context.options.baselines) {
    std::vector<double> rps_ratios, p50_ratios;
    for (Round& round : rounds) {
      CompareWith(round.martd, *round.echo);
      rps_ratios.push_back(round.martd.rps_ratio.value_or(0));
      p50_ratios.push_back(round.martd.p50_ratio.value_or(0));
    }
    if (name != "place") {
      row.baseline = "echo:" + name;
      row.rps_ratio = Median(rps_ratios);
      row.p50_ratio = Median(p50_ratios);
    }
    context.rows.push_back(row);
    context.rows.push_back(MedianRow(rounds, [](const Round& r) { return *r.echo; }));
  } else {
    context.rows.push_back(row);
  }
  if (name == "place") {
    context.rows.push_back(MedianRow(rounds, [](const Round& r) { return *r.processing; }));
  }
  // Each method's row from the round of that method's median req/s.
  for (const Row& first : rounds.front().methods) {
    context.rows.push_back(MedianRow(rounds, [&](const Round& r) {
      for (const Row& method : r.methods) {
        if (method.workload == first.workload) return method;
      }
      Row none = MakeRow(first.workload, "martd", first.clients, first.inflight, {});
      none.store = first.store;  // a round that sent none of it
      return none;
    }));
  }
  return Status::Ok();
}

// The SQLite commit baseline at `clients` producers; the place rows of that
// client count are compared with it.
Status RunSqlite(Context& context, int clients) {
  std::cerr << "mart-bench: sqlite commit baseline, " << clients << " producers\n";
  const BenchOptions& o = context.options;
  SqliteBaselineSpec spec{.db_path = context.work_dir + "/baseline.db",
                          .clients = clients,
                          .warmup_s = o.warmup_s,
                          .duration_s = o.duration_s,
                          .count = o.count,
                          .row_bytes = context.order_bytes};
  MART_ASSIGN_OR_RETURN(LoadResult result, RunSqliteCommitBaseline(spec));
  Row base = MakeRow("commit", "sqlite", clients, 1, result);
  base.extra = {{"row_bytes", context.order_bytes}};
  for (Row& row : context.rows) {
    if (row.clients == clients && row.target == "martd" &&
        (row.workload == "place" || row.workload == kProcessing)) {
      CompareWith(row, base);
    }
  }
  context.rows.push_back(base);
  return Status::Ok();
}

Status RunAll(Context& context) {
  for (int clients : context.options.clients) {
    for (const std::string& name : context.options.workloads) {
      MART_RETURN_IF_ERROR(RunWorkload(context, name, clients));
    }
    // The commit baseline is the ceiling of the place rows; without them it only costs time.
    const auto& names = context.options.workloads;
    if (context.options.baselines &&
        std::find(names.begin(), names.end(), "place") != names.end()) {
      MART_RETURN_IF_ERROR(RunSqlite(context, clients));
    }
  }
  return Status::Ok();
}

void Print(const Context& context) {
  if (!context.options.json) {
    PrintTable(std::cout, context.rows);
    return;
  }
  for (const Row& row : context.rows) {
    nlohmann::json line = RowJson(row);
    line["products"] = context.fixture.product_ids.size();
    std::cout << line.dump() << "\n";
  }
}

// Seeds, runs and prints, against the daemon at `endpoints` (several: instances
// serving one store, the first one's data dir being `data_dir`).
Status Measure(Context& context, const std::vector<std::string>& endpoints,
               const std::string& data_dir) {
  MART_ASSIGN_OR_RETURN(std::string auth, OperatorAuth(data_dir));
  SeedSpec seed{.products = context.options.products,
                .categories = context.options.categories,
                .users = context.options.users,
                .seed = context.options.params.seed};
  if (context.options.fixture.empty()) {
    MART_ASSIGN_OR_RETURN(context.fixture, SeedFixture(endpoints, auth, seed, std::cerr));
  } else {
    MART_ASSIGN_OR_RETURN(context.fixture, LoadFixture(endpoints, auth, context.options.fixture));
  }
  if (!context.options.seed_only.empty())
    return WriteFixture(context.fixture, context.options.seed_only);
  MART_ASSIGN_OR_RETURN(DaemonFacts facts, AskDaemon(context.fixture));
  context.store = facts.backend;
  // Its memory only when it runs here (ipc://): over tcp the pid is another
  // machine's; and only when it is the one instance measured.
  const std::string& first = endpoints.front();
  context.martd_pid = endpoints.size() == 1 && first.rfind("ipc://", 0) == 0 ? facts.pid : 0;
  return RunAll(context);
}

// Our own martd on `store` ("sqlite": the file in its data dir; else a
// PostgreSQL URI), in a directory of its own under the work dir.
Status MeasureOwn(Context& context, const std::string& store, int index) {
  const BenchOptions& options = context.options;
  const std::string root = context.work_dir + "/martd-" + std::to_string(index);
  std::error_code error;
  std::filesystem::create_directory(root, error);
  if (error) return Unavailable("cannot create " + root + ": " + error.message());
  DaemonSpec spec{options.martd.empty() ? DefaultMartdPath() : options.martd, root,
                  options.password_cost, {}};
  if (store != "sqlite") spec.extra_args = {"--store", store};
  std::cerr << "mart-bench: martd on " << (store == "sqlite" ? "SQLite" : store) << "\n";
  MART_ASSIGN_OR_RETURN(std::unique_ptr<LocalDaemon> daemon, LocalDaemon::Start(spec));
  Status status = Measure(context, {daemon->endpoint()}, daemon->data_dir());
  Status stopped = daemon->Stop();
  return status.ok() ? stopped : status;
}

}  // namespace

int RunBench(const BenchOptions& options) {
  auto work_dir = MakeTempDir(options.tmp_dir);
  if (!work_dir.ok()) {
    std::cerr << "mart-bench: " << work_dir.status().message() << "\n";
    return 1;
  }
  Context context{options, {}, *work_dir, 600, {}, "", 0};
  Status status;
  try {
    if (!options.endpoints.empty()) {
      status = Measure(context, options.endpoints, options.data_dir);
    } else {
      for (size_t i = 0; i < options.stores.size() && status.ok(); ++i) {
        status = MeasureOwn(context, options.stores[i], static_cast<int>(i));
      }
    }
    if (status.ok() && options.seed_only.empty()) Print(context);
  } catch (const std::exception& e) {
    status = Internal(std::string("unexpected reply: ") + e.what());
  }
  if (options.keep) {
    std::cerr << "mart-bench: kept " << *work_dir << "\n";
  } else {
    RemoveTree(*work_dir);
  }
  if (status.ok()) return 0;
  std::cerr << "mart-bench: " << status.ToString() << "\n";
  return status.exit_code();
}

}  // namespace mart::bench
