#pragma once
// mart-rest's command line: --listen HOST:PORT (env MART_REST_LISTEN, default
// 127.0.0.1:8080), --endpoint (env MART_ENDPOINT, default the same socket
// martctl finds from --data-dir / MART_DATA_DIR; a comma-separated list for
// several martd serving one store), --endpoint-policy failover|random (env
// MART_ENDPOINT_POLICY; mart::Client's EndpointPolicy), --timeout-ms, --threads,
// --max-connections, --header-timeout-ms, --body-timeout-ms, --idle-timeout-ms
// (see http_server.h for what each bounds), --config FILE (default
// $XDG_CONFIG_HOME/mart/mart-rest.toml: the same long names as keys; see
// mart/config_file.h). Precedence: flag > environment > file > default.

#include <optional>
#include <string>
#include <vector>

#include "mart/client/endpoints.h"
#include "mart/status.h"

namespace mart::rest {

struct RestOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (the ready line says which)
  std::vector<std::string> endpoints;  // at least one after parsing
  EndpointPolicy endpoint_policy = EndpointPolicy::kFailover;
  std::string data_dir;
  int timeout_ms = 5000;  // per try; one retry, then 503
  // Handler threads: how many requests are handled at once. They see only
  // complete requests; connections are read and written by one other thread.
  int threads = 64;
  int max_connections = 512;
  int header_timeout_ms = 10'000;
  int body_timeout_ms = 30'000;
  int idle_timeout_ms = 60'000;
};

// "127.0.0.1:8080" -> host and port. INVALID_ARGUMENT for a missing or bad port.
Status ParseListen(const std::string& listen, RestOptions* options);

// Parses argv. On --help or --version, or a usage error, returns nullopt with
// the text to print in *message and the exit code (0 or 2) in *exit_code.
std::optional<RestOptions> ParseRestOptions(int argc, char** argv, std::string* message,
                                            int* exit_code);

}  // namespace mart::rest
