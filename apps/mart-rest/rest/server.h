#pragma once
// mart-rest put together: an HttpServer (http_server.h: connections, limits,
// deadlines) in front of a Bridge (plus GET /metrics), one access log line per
// reply on stderr (method, path, status, latency), and a graceful stop on
// SIGINT or SIGTERM: in-flight requests finish, then RunRestServer returns.

#include "rest/options.h"

namespace mart::rest {

// Runs until SIGINT or SIGTERM. Prints "mart-rest: listening on http://HOST:PORT
// …" on stderr once bound. Returns the process exit code: 0 after a signal,
// 6 when the address cannot be bound, 1 when the registry's routes are malformed.
// Installs handlers for SIGINT and SIGTERM for the process: call it once.
int RunRestServer(const RestOptions& options);

}  // namespace mart::rest
