#pragma once
// mart-rest's HTTP/1.1 server. One event thread owns every socket (epoll): it
// accepts, reads, parses with RequestParser's limits, keeps the deadlines and
// writes the replies. A fixed pool of handler threads sees only complete
// requests, never a socket, so a client that sends slowly or not at all costs
// a connection slot and a bounded buffer, never a handler thread, and the
// others keep being served.
//
// A connection has at most one request at a handler: pipelined requests are
// answered one after another, in the order sent (they wait in the socket
// until the reply before them is written). Each deadline closes the
// connection when it passes:
//   header_timeout  from the accept, or from the first byte of a later
//                   request, to the end of the request's head (408 if some
//                   of it came, a silent close for a connection that sent
//                   nothing)
//   body_timeout    from the end of the head to the end of the body (408)
//   idle_timeout    a keep-alive connection waiting for its next request, or
//                   a reply the client does not read
// A request the parser refuses is answered with its status (400, 413, 414,
// 431, 501, 505) and {"detail": "…"}, and the connection is closed. After its
// last reply a connection is shut for writing and whatever the client still
// sends is read and dropped for up to kLingerTime (the client then reads the
// reply instead of a reset) before it is closed.
// Every reply, the refusals and 408s included, goes to the ExchangeLogger once.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "mart/status.h"
#include "rest/http.h"
#include "rest/http_parser.h"

namespace mart::rest {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  int threads = 64;  // handler threads: requests handled at the same time
  size_t max_connections = 512;  // further clients wait in the listen queue
  HttpLimits limits = {};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
};

constexpr std::chrono::seconds kLingerTime{5};

// One reply, for the access log and the metrics.
struct Exchange {
  std::string method;  // "" when no request line arrived
  std::string path;    // decoded, without the query; "" when no request line arrived
  int status = 0;
  std::string route = "unmatched";  // the matched route pattern
  double seconds = -1;  // time in the handler; negative when none ran (a refusal)
};

// Called on a handler thread, concurrently: must be thread safe. Must not throw
// (a throw is answered 500).
using RequestHandler = std::function<HttpReply(const HttpRequest&)>;
// Called on a handler thread or the event thread, concurrently: thread safe.
using ExchangeLogger = std::function<void(const Exchange&)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler, ExchangeLogger logger);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the bound port. UNAVAILABLE when the address
  // is in use or not a local one.
  Result<int> Listen();

  // Serves until Stop(), then stops accepting, closes the connections that
  // have no request at a handler, lets those requests finish and writes
  // their replies (for at most idle_timeout), and returns. Call once, after
  // a successful Listen().
  void Run();

  // Makes Run() return as described. Thread safe; not for signal handlers.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mart::rest
