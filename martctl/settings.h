#pragma once
// The global options of martctl (valid before or after the command words),
// and their resolution against the environment and the config file into the
// Settings one command runs with. Precedence: flag, then environment
// variable, then the config file ([profile.NAME] of the selected profile,
// then its top level; see settings_file.h), then default.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mart/client/endpoints.h"
#include "mart/status.h"
#include "martctl/io.h"

namespace CLI {
class App;
}  // namespace CLI

namespace mart::cli {

enum class OutputFormat { kTable, kJson };

// The raw global flags, as CLI11 fills them; "" means not given.
struct GlobalFlags {
  std::string endpoint = {};         // one endpoint, or a comma-separated list
  std::string endpoint_policy = {};  // "failover", "random"
  std::string server_key = {};
  std::string data_dir = {};
  std::string token = {};
  std::string profile = {};
  std::string config = {};  // --config FILE
  std::string output = {};  // "": not given (the file or "table")
  std::string color = {};   // "": not given (the file or "auto")
  std::string timeout = {};
  bool quiet = false;
  bool password_stdin = false;
  bool headers = false;     // --headers
  bool no_headers = false;  // --no-headers
};

// Where one effective setting came from, for 'martctl config show': source
// is "flag --NAME", "env VAR", "file PATH", "file PATH [profile.NAME]" or
// "default". A token's value is never kept here, only "(set)".
struct SettingOrigin {
  std::string setting;
  std::string value;
  std::string source;
};

struct Settings {
  // --endpoint, $MART_ENDPOINT, the file, DefaultEndpoint(data_dir): one
  // martd, or several serving one store (a comma-separated list).
  std::vector<std::string> endpoints = {};
  // --endpoint-policy, $MART_ENDPOINT_POLICY, the file, failover.
  EndpointPolicy endpoint_policy = EndpointPolicy::kFailover;
  // tcp:// only: martd's CURVE public key (one for all endpoints: a cluster
  // shares its key pair): --server-key, $MART_SERVER_KEY, the file, else
  // <data_dir>/curve.pub when readable.
  std::string server_key = {};
  std::string data_dir = {};          // --data-dir, $MART_DATA_DIR, DefaultDataDir()
  std::string cookie_path = {};       // CookiePath(data_dir)
  std::string token_flag = {};        // --token
  std::string token_env = {};         // $MART_TOKEN
  std::string profile = {};           // --profile, $MART_PROFILE, "default"
  bool profile_explicit = false;      // named by --profile or $MART_PROFILE
  std::string credentials_path = {};  // $MART_CREDENTIALS_FILE, DefaultConfigDir()/credentials.json
  OutputFormat output = OutputFormat::kTable;
  bool quiet = false;
  bool color = false;    // color in tables: a TTY, and --color / NO_COLOR allow it
  // A header line above tables: --headers / --no-headers; unset: on a TTY only.
  std::optional<bool> headers = {};
  double timeout_s = 5;  // --timeout, $MART_TIMEOUT: the whole budget of one call
  bool password_stdin = false;
  std::string config_path = {};  // --config, $MART_CONFIG, $XDG_CONFIG_HOME/mart/martctl.toml
  std::vector<std::string> file_profiles = {};  // the [profile.NAME] tables of that file
  // config, profile, endpoint, endpoint-policy, server-key, ... token
  std::vector<SettingOrigin> origins = {};
  GlobalFlags given = {};  // the flags as given, before resolution (the REPL repeats them)
};

// The values of -o/--output and of --color.
const std::vector<std::string>& OutputChoices();
const std::vector<std::string>& ColorChoices();

// Adds the global options to the root app; `flags` must outlive parsing.
void AddGlobalFlags(CLI::App* app, GlobalFlags* flags);

// Applies environment, config file and defaults. INVALID_ARGUMENT for a bad
// timeout, output, color, endpoint list or policy (from any source), and for a config file
// that is missing (when named by --config or $MART_CONFIG) or invalid.
// Reads the environment through io.getenv only.
Result<Settings> ResolveSettings(const GlobalFlags& flags, const Io& io);

// A Client for `settings`' endpoints, policy and server key, waiting
// `per_try` for each of 1 + `retries` attempts per endpoint.
ClientOptions ClientOptionsOf(const Settings& settings, std::chrono::milliseconds per_try,
                              int retries);

}  // namespace mart::cli
