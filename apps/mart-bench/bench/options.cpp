#include "bench/options.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "mart/client/endpoints.h"

namespace mart::bench {

std::optional<BenchOptions> ParseBenchOptions(int argc, const char* const* argv,
                                              std::string* message, int* exit_code) {
  BenchOptions options;
  std::string workloads = "all";
  std::string endpoints;
  CLI::App app{"mart-bench: load generator for martd over the native protocol, with baselines"};
  app.set_version_flag("--version", std::string("mart-bench ") + MART_VERSION);
  app.add_option("-w,--workload", workloads,
                 "comma-separated: get, list, place, login, events, mixed, or all")
      ->capture_default_str();
  app.add_option("-c,--clients", options.clients,
                 "concurrent clients (DEALER sockets); a list runs each")
      ->delimiter(',')
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--inflight", options.inflight, "requests in flight per client")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--threads", options.threads, "driver threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("-d,--duration", options.duration_s, "seconds measured per run")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  app.add_option("-n,--count", options.count, "measure this many requests per run instead")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("--warmup", options.warmup_s, "seconds of unrecorded load before each run")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_s, "seconds before a request counts as an error")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--repeat", options.repeat,
                 "rounds of each workload (martd, then echo); the median is reported")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_flag("!--no-baselines", options.baselines, "skip the echo and SQLite baselines");
  app.add_flag("--json", options.json, "JSON lines on stdout instead of the table");
  app.add_option("--products", options.products, "products to seed")
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}))
      ->capture_default_str();
  app.add_option("--categories", options.categories, "categories the products are spread over")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--users", options.users, "customers to seed (clients share them in turn)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--items", options.params.items, "lines per order")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--list-limit", options.params.list.limit, "rows per product.list")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--list-sort", options.params.list.sort, "product.list sort (default: martd's)")
      ->check(CLI::IsMember({"created", "name", "price"}));
  app.add_option("--min-price", options.params.list.min_price, "product.list min_price")
      ->capture_default_str();
  app.add_option("--max-price", options.params.list.max_price, "product.list max_price")
      ->capture_default_str();
  app.add_option("--seed", options.params.seed, "random seed")->capture_default_str();
  app.add_option("--martd", options.martd, "martd to start (default: the build tree's, else PATH)");
  app.add_option("--password-cost", options.password_cost, "our martd's argon2id cost")
      ->check(CLI::IsMember({"interactive", "moderate", "minimum"}))
      ->capture_default_str();
  app.add_option("--tmp-dir", options.tmp_dir,
                 "where our martd's data dir goes (default $TMPDIR or /tmp)");
  app.add_flag("--keep", options.keep, "keep our martd's data dir (its path is printed)");
  auto* stores = app.add_option(
      "--store", options.stores,
      "our martd's store: sqlite (the file in its data dir, the default) or the URI of an "
      "empty PostgreSQL database (postgresql://…, password from ~/.pgpass or $PGPASSWORD); "
      "repeat it to measure one martd per store, one after the other");
  stores->check(
      [](const std::string& store) -> std::string {
        if (store == "sqlite" || store.rfind("postgresql://", 0) == 0 ||
            store.rfind("postgres://", 0) == 0) {
          return "";
        }
        return "'" + store + "' is neither sqlite nor a postgresql:// URI";
      },
      "STORE");
  auto* endpoint = app.add_option(
      "--endpoint", endpoints,
      "use this running martd instead; a comma-separated list drives several instances "
      "serving one store, client i on endpoint i modulo their number");
  endpoint->excludes(stores);
  app.add_option("--data-dir", options.data_dir,
                 "its data dir (for the operator cookie; with a list, the first one's)")
      ->needs(endpoint);
  endpoint->needs("--data-dir");
  app.add_option("--seed-only", options.seed_only,
                 "seed, write products.txt, categories.txt and tokens.txt into this "
                 "directory for the wrk scripts (apps/mart-bench/rest/), run nothing");
  app.add_option("--fixture", options.fixture,
                 "with --endpoint: measure with the products, categories and customer "
                 "tokens a --seed-only run wrote into this directory, seeding nothing "
                 "(the login workload needs a seeding run)")
      ->needs(endpoint)
      ->excludes("--seed-only")
      ->check(CLI::ExistingDirectory);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const bool done = e.get_exit_code() == 0;
    *exit_code = done ? 0 : 2;
    *message =
        done ? app.help()
             : std::string("mart-bench: ") + e.what() + "\nrun 'mart-bench --help' for the options";
    if (dynamic_cast<const CLI::CallForVersion*>(&e) != nullptr) *message = e.what();
    return std::nullopt;
  }
  if (!endpoints.empty()) {
    Result<std::vector<std::string>> list = SplitEndpoints(endpoints, "--endpoint");
    if (!list.ok()) {
      *message = "mart-bench: " + list.status().message();
      *exit_code = 2;
      return std::nullopt;
    }
    options.endpoints = std::move(list).value();
  }
  if (workloads == "all") {
    options.workloads = WorkloadNames();
  } else {
    for (size_t start = 0; start <= workloads.size();) {
      size_t comma = workloads.find(',', start);
      std::string name =
          workloads.substr(start, comma == std::string::npos ? comma : comma - start);
      const auto& known = WorkloadNames();
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        *message = "mart-bench: unknown workload '" + name +
                   "' (get, list, place, login, events, mixed, all)";
        *exit_code = 2;
        return std::nullopt;
      }
      options.workloads.push_back(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return options;
}

}  // namespace mart::bench
