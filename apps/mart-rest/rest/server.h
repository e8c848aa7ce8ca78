#pragma once
// The HTTP side of mart-rest: binds the listen address, serves every request
// through a Bridge (plus GET /metrics), writes one access log line per request
// on stderr (method, path, status, latency) and stops gracefully on SIGINT or
// SIGTERM: in-flight requests finish, then RunRestServer returns.

#include "rest/options.h"

namespace mart::rest {

// Runs until SIGINT or SIGTERM. Prints "mart-rest: listening on http://HOST:PORT
// …" on stderr once bound. Returns the process exit code: 0 after a signal,
// 1 when the address cannot be bound or the registry's routes are malformed.
// Installs handlers for SIGINT and SIGTERM for the process: call it once.
int RunRestServer(const RestOptions& options);

}  // namespace mart::rest
