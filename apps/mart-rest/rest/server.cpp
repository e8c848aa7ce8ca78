#include "rest/server.h"

#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>
#include <utility>

#include <httplib.h>

#include "mart/commands/spec.h"
#include "mart/log.h"
#include "rest/bridge.h"
#include "rest/client_pool.h"
#include "rest/errors.h"
#include "rest/metrics.h"
#include "rest/translate.h"

namespace mart::rest {
namespace {

constexpr size_t kMaxBodyBytes = 1 << 20;

// What the handler learned about the request, for the logger that runs after
// it on the same worker thread. Unset when the HTTP library answered by itself
// (an oversized or malformed request).
struct RequestTiming {
  bool set = false;
  std::string route;
  double seconds = 0;
};
thread_local RequestTiming t_timing;

HttpRequest FromHttplib(const httplib::Request& req) {
  HttpRequest request;
  request.method = req.method;
  request.path = req.path;
  for (const auto& [key, value] : req.params) request.params.emplace(key, value);
  request.content_type = req.get_header_value("Content-Type");
  request.authorization = req.get_header_value("Authorization");
  request.idempotency_key = req.get_header_value("Idempotency-Key");
  request.body = req.body;
  request.client_address = req.remote_addr;
  return request;
}

void ToHttplib(const HttpReply& reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (!reply.body.empty()) res.set_content(reply.body, reply.content_type);
}

// Queue metrics with the scraper's own token (queue.list is admin only);
// without one, or when it is refused, a comment says why.
std::string QueueMetrics(const CallFn& call, const httplib::Request& req) {
  const std::string token = BearerToken(req.get_header_value("Authorization"));
  if (token.empty() || token.rfind("cookie:", 0) == 0) {
    return "# queue metrics need an admin's bearer token\n";
  }
  CallOptions options;
  options.auth = token;
  Result<nlohmann::json> rows = call("queue.list", nlohmann::json::object(), options);
  if (!rows.ok()) return "# queue metrics unavailable: " + rows.status().ToString() + "\n";
  return Metrics::RenderQueues(*rows);
}

HttpReply MetricsReply(const httplib::Request& req, const Metrics& metrics, const CallFn& call) {
  HttpReply reply = req.method == "GET" ? HttpReply{} : DetailReply(405, "Method Not Allowed");
  if (req.method == "GET") {
    reply.body = metrics.Render() + QueueMetrics(call, req);
    reply.content_type = "text/plain; version=0.0.4";
  }
  reply.route = "/metrics";
  return reply;
}

void Serve(const Bridge& bridge, const Metrics& metrics, const CallFn& call,
           const httplib::Request& req, httplib::Response& res) {
  const auto start = std::chrono::steady_clock::now();
  HttpReply reply = req.path == "/metrics" ? MetricsReply(req, metrics, call)
                                           : bridge.Handle(FromHttplib(req));
  ToHttplib(reply, res);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  t_timing = {true, std::move(reply.route), elapsed.count()};
}

// Paths come from the network: keep the log one line of printable text,
// escaped as martd's log is.
std::string Printable(const std::string& text) { return EscapeLogText(text.substr(0, 200)); }

void LogRequest(Metrics& metrics, const httplib::Request& req, const httplib::Response& res) {
  RequestTiming timing = std::exchange(t_timing, RequestTiming{});
  metrics.Record(req.method, timing.set ? timing.route : "unmatched", res.status,
                 timing.set ? timing.seconds : -1);
  const std::string latency =
      timing.set ? std::to_string(timing.seconds * 1000).substr(0, 8) + "ms" : "-";
  std::fprintf(stderr, "mart-rest: %s %s %d %s\n", Printable(req.method).c_str(),
               Printable(req.path).c_str(), res.status, latency.c_str());
}

std::string ReasonFor(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 413: return "Request Entity Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    default: return "Error";
  }
}

void Configure(httplib::Server& server, const Bridge& bridge, Metrics& metrics,
               const CallFn& call, int threads) {
  auto handler = [&bridge, &metrics, &call](const httplib::Request& req, httplib::Response& res) {
    Serve(bridge, metrics, call, req, res);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Delete(".*", handler);
  server.Patch(".*", handler);
  server.set_payload_max_length(kMaxBodyBytes);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_max_count(1000);
  // Without it a reply written in two parts (headers, then body) waits for the
  // client's delayed ACK: about 40 ms per request on Linux.
  server.set_tcp_nodelay(true);
  // The library's default also sets SO_REUSEPORT, which lets a second bridge
  // share a port that is in use instead of failing to start.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Called for every reply of 400 or more: fill in only what the library left empty.
  server.set_error_handler(httplib::Server::Handler(
      [](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        HttpReply reply = DetailReply(res.status, ReasonFor(res.status));
        res.set_content(reply.body, reply.content_type);
      }));
  server.set_logger([&metrics](const httplib::Request& req, const httplib::Response& res) {
    LogRequest(metrics, req, res);
  });
}

// The bound port, or -1.
int Bind(httplib::Server& server, const RestOptions& options) {
  if (options.port == 0) return server.bind_to_any_port(options.host);
  return server.bind_to_port(options.host, options.port) ? options.port : -1;
}

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void OnStopSignal(int signal_number) { g_stop_signal = signal_number; }

// Serves until SIGINT or SIGTERM. The handlers only set a flag (any thread may
// take the signal, including ones the libraries start); a watcher polls it and
// stops the server, which lets in-flight requests finish.
void ServeUntilSignal(httplib::Server& server) {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::atomic<bool> done = false;
  std::thread watcher([&] {
    while (!done && g_stop_signal == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server.stop();
  });
  server.listen_after_bind();
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
  ClientPool pool({.endpoint = options.endpoint,
                   .timeout = std::chrono::milliseconds(options.timeout_ms),
                   .retries = 1});
  const CallFn call = [&pool](std::string_view method, const nlohmann::json& params,
                             const CallOptions& call_options) {
    return pool.Call(method, params, call_options);
  };
  Bridge bridge(std::move(routes).value(), call);
  Metrics metrics;
  httplib::Server server;
  Configure(server, bridge, metrics, call, options.threads);
  const int port = Bind(server, options);
  if (port < 0) {
    // 6, like martd's: the address is unavailable (in use, or not ours).
    std::fprintf(stderr, "mart-rest: cannot listen on %s:%d (in use or not a local address)\n",
                 options.host.c_str(), options.port);
    return 6;
  }
  std::fprintf(stderr, "mart-rest: listening on http://%s:%d, forwarding to %s\n",
               options.host.c_str(), port, options.endpoint.c_str());
  ServeUntilSignal(server);
  std::fprintf(stderr, "mart-rest: stopped\n");
  return 0;
}

}  // namespace mart::rest
