#include "commands/domains.h"

namespace mart {

std::vector<CommandSpec> DaemonCommands() {
  return {
      {.method = "daemon.status",
       .summary = "show whether the daemon is up and ready, its version, pid and uptime",
       .access = Access::kAnyone,
       .example = "martctl daemon status -o json",
       .rest = "GET /health",
       .id_field = "pid",
       .serve_while_not_ready = true},
      {.method = "daemon.stop",
       .summary = "stop the daemon: refuse new requests, finish those in flight, exit (admin)",
       .access = Access::kAdmin,
       .example = "martctl daemon stop --wait",
       .id_field = "pid"},
  };
}

}  // namespace mart
