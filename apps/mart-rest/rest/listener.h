#pragma once
// The listening socket of the HTTP server.

#include <string>

#include "mart/status.h"

namespace mart::rest {

struct Listener {
  int fd = -1;    // non-blocking, close-on-exec; the caller closes it
  int port = 0;   // the bound port (the one picked, for port 0)
};

// Binds host:port (a name or a numeric address; port 0 picks a free one) with
// SO_REUSEADDR but not SO_REUSEPORT, so a second bridge cannot share a port in
// use, and listens. UNAVAILABLE when the address is in use or not local.
Result<Listener> OpenListener(const std::string& host, int port);

}  // namespace mart::rest
