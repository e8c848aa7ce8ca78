#include "rest/options.h"

#include <charconv>

#include <CLI/CLI.hpp>

#include "mart/config_file.h"
#include "mart/paths.h"

namespace mart::rest {

Status ParseListen(const std::string& listen, RestOptions* options) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("--listen must be HOST:PORT, not '" + listen + "'",
                           {{"field", "listen"}});
  }
  int port = -1;
  const char* begin = listen.data() + colon + 1;
  const char* end = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || begin == end || port < 0 || port > 65535) {
    return InvalidArgument("--listen port must be 0 to 65535, not '" + listen.substr(colon + 1) +
                           "'", {{"field", "listen"}});
  }
  options->host = listen.substr(0, colon);
  options->port = port;
  return Status::Ok();
}

std::optional<RestOptions> ParseRestOptions(int argc, char** argv, std::string* message,
                                            int* exit_code) {
  RestOptions options;
  std::string listen = "127.0.0.1:8080";
  CLI::App app{"mart-rest: the seeds' REST API over HTTP, forwarded to martd.", "mart-rest"};
  app.set_version_flag("--version", std::string("mart-rest ") + MART_VERSION);
  app.add_option("--listen", listen, "HOST:PORT to serve HTTP on (default 127.0.0.1:8080)")
      ->envname("MART_REST_LISTEN");
  std::string endpoints;
  app.add_option("--endpoint", endpoints, "martd request endpoint, or a comma-separated list "
                 "of martd serving one store (default: the data dir's socket, as martctl finds "
                 "it)")->envname("MART_ENDPOINT");
  std::string policy = "failover";
  app.add_option("--endpoint-policy", policy, "with several endpoints: failover (the first "
                 "that answers, the default) or random (each connection starts at a random "
                 "one)")->envname("MART_ENDPOINT_POLICY")->check(CLI::IsMember(EndpointPolicyNames()));
  app.add_option("--data-dir", options.data_dir, "martd's data dir, to find its default "
                 "endpoint")->envname("MART_DATA_DIR");
  // --timeout means what it means to martctl: the whole budget of one call to
  // martd, split over its try and one retry. --timeout-ms (per try) is the
  // older spelling, kept for existing configs.
  double timeout_s = 0;
  auto* timeout = app.add_option("--timeout", timeout_s, "seconds one call to martd may take "
                                 "in all, its retry included (default 10)")
                      ->check(CLI::Range(0.2, 1200.0));
  app.add_option("--timeout-ms", options.timeout_ms, "older spelling: milliseconds per try "
                 "(half of --timeout)")->check(CLI::Range(100, 600000))->excludes(timeout);
  app.add_option("--threads", options.threads, "handler threads: how many requests are "
                 "handled at once (default 64)")->check(CLI::Range(1, 1024));
  app.add_option("--max-connections", options.max_connections, "open client connections at "
                 "most; more wait to be accepted (default 512)")->check(CLI::Range(1, 65536));
  app.add_option("--header-timeout-ms", options.header_timeout_ms, "a request's line and "
                 "headers must arrive within this long, else 408 and close (default 10000)")
      ->check(CLI::Range(100, 3600000));
  app.add_option("--body-timeout-ms", options.body_timeout_ms, "a request's body must arrive "
                 "within this long after its headers, else 408 and close (default 30000)")
      ->check(CLI::Range(100, 3600000));
  app.add_option("--idle-timeout-ms", options.idle_timeout_ms, "close a keep-alive connection "
                 "idle this long, or a reply unread this long (default 60000)")
      ->check(CLI::Range(100, 3600000));
  AddConfigFile(app, DefaultConfigFile("mart-rest.toml"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const bool done = e.get_exit_code() == 0;
    *exit_code = done ? 0 : 2;
    *message = done ? app.help() : std::string("mart-rest: ") + e.what() +
                                       "\nrun 'mart-rest --help' for the options";
    if (dynamic_cast<const CLI::CallForVersion*>(&e) != nullptr) *message = e.what();
    return std::nullopt;
  }
  if (app.count("--timeout") > 0) options.timeout_ms = static_cast<int>(timeout_s * 1000 / 2);
  if (options.data_dir.empty()) options.data_dir = DefaultDataDir();
  if (endpoints.empty()) endpoints = DefaultEndpoint(options.data_dir);
  Result<std::vector<std::string>> list = SplitEndpoints(endpoints, "--endpoint");
  Status status = list.ok() ? ParseListen(listen, &options) : list.status();
  if (!status.ok()) {
    *exit_code = 2;
    *message = "mart-rest: " + status.message();
    return std::nullopt;
  }
  options.endpoints = std::move(list).value();
  options.endpoint_policy = *ParseEndpointPolicy(policy, "--endpoint-policy");
  return options;
}

}  // namespace mart::rest
