#include "rest/server.h"

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>
#include <utility>

#include "mart/commands/spec.h"
#include "mart/log.h"
#include "rest/bridge.h"
#include "rest/client_pool.h"
#include "rest/errors.h"
#include "rest/http_server.h"
#include "rest/metrics.h"
#include "rest/translate.h"

namespace mart::rest {
namespace {

// Queue metrics with the scraper's own token (queue.list is admin only);
// without one, or when it is refused, a comment says why.
std::string QueueMetrics(const CallFn& call, const HttpRequest& req) {
  const std::string token = BearerToken(req.authorization);
  if (token.empty() || token.rfind("cookie:", 0) == 0) {
    return "# queue metrics need an admin's bearer token\n";
  }
  CallOptions options;
  options.auth = token;
  Result<nlohmann::json> rows = call("queue.list", nlohmann::json::object(), options);
  if (!rows.ok()) return "# queue metrics unavailable: " + rows.status().ToString() + "\n";
  return Metrics::RenderQueues(*rows);
}

HttpReply MetricsReply(const HttpRequest& req, const Metrics& metrics, const CallFn& call) {
  HttpReply reply = req.method == "GET" ? HttpReply{} : DetailReply(405, "Method Not Allowed");
  if (req.method == "GET") {
    Result<nlohmann::json> status = call("daemon.status", nlohmann::json::object(), CallOptions{});
    reply.body = metrics.Render() + (status.ok() ? Metrics::RenderStore(*status) : "") +
                 QueueMetrics(call, req);
    reply.content_type = "text/plain; version=0.0.4";
  }
  reply.route = "/metrics";
  return reply;
}

// Paths come from the network: keep the log one line of printable text,
// escaped as martd's log is.
std::string Printable(const std::string& text) {
  return text.empty() ? "-" : EscapeLogText(text.substr(0, 200));
}

void LogExchange(Metrics& metrics, const Exchange& exchange) {
  metrics.Record(exchange.method, exchange.route, exchange.status, exchange.seconds);
  const std::string latency = exchange.seconds >= 0
                                  ? std::to_string(exchange.seconds * 1000).substr(0, 8) + "ms"
                                  : "-";
  std::fprintf(stderr, "mart-rest: %s %s %d %s\n", Printable(exchange.method).c_str(),
               Printable(exchange.path).c_str(), exchange.status, latency.c_str());
}

HttpServerOptions ServerOptions(const RestOptions& options) {
  HttpServerOptions server;
  server.host = options.host;
  server.port = options.port;
  server.threads = options.threads;
  server.max_connections = static_cast<size_t>(options.max_connections);
  server.header_timeout = std::chrono::milliseconds(options.header_timeout_ms);
  server.body_timeout = std::chrono::milliseconds(options.body_timeout_ms);
  server.idle_timeout = std::chrono::milliseconds(options.idle_timeout_ms);
  return server;
}

// Each connection takes a descriptor, and so does each martd client: make
// the soft limit as high as the hard one allows (often 1024 otherwise).
void RaiseDescriptorLimit() {
  rlimit limit = {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void OnStopSignal(int signal_number) { g_stop_signal = signal_number; }

// Serves until SIGINT or SIGTERM. The handlers only set a flag (any thread may
// take the signal, including ones the libraries start); a watcher polls it and
// stops the server, which lets in-flight requests finish.
void ServeUntilSignal(HttpServer& server) {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::atomic<bool> done = false;
  std::thread watcher([&] {
    while (!done && g_stop_signal == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server.Stop();
  });
  server.Run();
  done = true;
  watcher.join();
}

}  // namespace

int RunRestServer(const RestOptions& options) {
  Result<std::vector<Route>> routes = BuildRoutes(AllCommands());
  if (!routes.ok()) {
    std::fprintf(stderr, "mart-rest: %s\n", routes.status().ToString().c_str());
    return 1;
  }
  ClientPool pool({.endpoints = options.endpoints,
                   .policy = options.endpoint_policy,
                   .timeout = std::chrono::milliseconds(options.timeout_ms),
                   .retries = 1});
  const CallFn call = [&pool](std::string_view method, const nlohmann::json& params,
                             const CallOptions& call_options) {
    return pool.Call(method, params, call_options);
  };
  const Bridge bridge(std::move(routes).value(), call);
  Metrics metrics;
  RaiseDescriptorLimit();
  HttpServer server(
      ServerOptions(options),
      [&](const HttpRequest& req) {
        return req.path == "/metrics" ? MetricsReply(req, metrics, call) : bridge.Handle(req);
      },
      [&metrics](const Exchange& exchange) { LogExchange(metrics, exchange); });
  const Result<int> port = server.Listen();
  if (!port.ok()) {
    // 6, like martd's: the address is unavailable (in use, or not ours).
    std::fprintf(stderr, "mart-rest: cannot listen on %s:%d (in use or not a local address)\n",
                 options.host.c_str(), options.port);
    return 6;
  }
  std::fprintf(stderr, "mart-rest: listening on http://%s:%d, forwarding to %s\n",
               options.host.c_str(), *port, JoinEndpoints(options.endpoints).c_str());
  ServeUntilSignal(server);
  std::fprintf(stderr, "mart-rest: stopped\n");
  return 0;
}

}  // namespace mart::rest
