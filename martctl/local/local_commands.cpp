#include "martctl/local/local_commands.h"

#include <algorithm>
#include <chrono>
#include <ostream>

#include "martctl/render/render.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{100};
constexpr milliseconds kVersionTimeout{1000};

bool IsReady(const Result<json>& status) {
  if (!status.ok() || !status->is_object()) return false;
  auto ready = status->find("ready");
  return ready != status->end() && ready->is_boolean() && ready->get<bool>();
}

RenderOptions PlainRenderOptions(const Settings& settings, const Io& io) {
  RenderOptions options = BaseRenderOptions(settings, io);
  options.quiet = false;
  return options;
}

}  // namespace

std::vector<CommandEntry> LocalCommands() {
  // --wait-timeout: how long a command waits for a state; --timeout (global)
  // is always the budget of one call to martd.
  ArgSpec wait_timeout{.name = "wait_timeout",
                       .type = ArgType::kInt,
                       .help = "seconds to wait (default 30); exit 6 when they run out",
                       .min = 0,
                       .max = 86400};
  return {
      {.group = "version",
       .summary = "print the versions of martctl and of the running martd",
       .example = "martctl version -o json",
       .run = RunVersion},
      {.group = "help",
       .verb = "exit-codes",
       .summary = "list martctl's exit codes and what they mean",
       .example = "martctl help exit-codes",
       .run = RunHelpExitCodes},
      {.group = "help",
       .verb = "environment",
       .summary = "list the environment variables martctl reads",
       .example = "martctl help environment",
       .run = RunHelpEnvironment},
      {.group = "help",
       .verb = "formats",
       .summary = "describe the output formats: tables, tab-separated, JSON, ids only",
       .example = "martctl help formats",
       .run = RunHelpFormats},
      {.group = "daemon",
       .verb = "wait",
       .summary = "wait until martd answers and is ready",
       .example = "martd --detach && martctl daemon wait --wait-timeout 30",
       .args = {wait_timeout},
       .run = RunDaemonWait},
  };
}

int RunVersion(const Invocation&, const Settings& settings, Io& io) {
  Transport transport = Connect(
      io, ClientOptionsOf(settings, kVersionTimeout, 0));
  Result<json> status = transport("daemon.status", json::object(), CallOptions{});
  json martd = nullptr;
  if (status.ok() && status->is_object() && status->contains("version") &&
      (*status)["version"].is_string()) {
    martd = (*status)["version"];
  }
  if (settings.output == OutputFormat::kJson) {
    Render(json{{"martctl", MART_VERSION}, {"martd", martd}}, PlainRenderOptions(settings, io),
           io.out);
    return 0;
  }
  io.out << "martctl " << MART_VERSION << "\n";
  if (!martd.is_null()) io.out << "martd " << martd.get<std::string>() << "\n";
  return 0;
}

json ExitCodeTable() {
  json rows = json::array();
  for (const CodeInfo& info : AllCodes()) {
    rows.push_back({{"exit_code", info.exit_code}, {"code", info.wire}, {"meaning", info.meaning}});
  }
  const std::pair<int, const char*> kLocal[] = {{2, "usage error: bad command line"},
                                                {6, "daemon unavailable or timeout"},
                                                {7, "a check found problems"},
                                                {130, "interrupted (SIGINT)"},
                                                {143, "terminated (SIGTERM)"}};
  for (const auto& [exit_code, meaning] : kLocal) {
    rows.push_back({{"exit_code", exit_code}, {"code", nullptr}, {"meaning", meaning}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return a["exit_code"].get<int>() < b["exit_code"].get<int>();
  });
  return rows;
}

int RunHelpExitCodes(const Invocation&, const Settings& settings, Io& io) {
  RenderOptions options = PlainRenderOptions(settings, io);
  options.columns = {"exit_code", "code", "meaning"};
  Render(ExitCodeTable(), options, io.out);
  return 0;
}

json EnvironmentTable() {
  return json::array({
      {{"variable", "MART_ENDPOINT"},
       {"meaning", "martd request endpoint, or a comma-separated list (like --endpoint)"}},
      {{"variable", "MART_ENDPOINT_POLICY"},
       {"meaning", "failover or random, with several endpoints (like --endpoint-policy)"}},
      {{"variable", "MART_DATA_DIR"},
       {"meaning", "martd data dir, for its default socket and operator cookie (like --data-dir)"}},
      {{"variable", "MART_SERVER_KEY"},
       {"meaning", "martd's CURVE public key, for tcp:// endpoints (like --server-key)"}},
      {{"variable", "MART_TOKEN"}, {"meaning", "access token to send (like --token)"}},
      {{"variable", "MART_PROFILE"}, {"meaning", "saved login to use (like --profile)"}},
      {{"variable", "MART_TIMEOUT"}, {"meaning", "seconds to wait for the daemon (like --timeout)"}},
      {{"variable", "MART_CONFIG"},
       {"meaning", "the config file (like --config; default $XDG_CONFIG_HOME/mart/martctl.toml)"}},
      {{"variable", "MART_CREDENTIALS_FILE"},
       {"meaning", "the saved logins file (default $XDG_CONFIG_HOME/mart/credentials.json)"}},
      {{"variable", "MART_HISTFILE"},
       {"meaning", "the REPL's history file (default $XDG_STATE_HOME/mart/history)"}},
      {{"variable", "XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR, XDG_STATE_HOME"},
       {"meaning", "base directories for the files above and the default socket"}},
      {{"variable", "NO_COLOR"}, {"meaning", "set (to anything): no color in tables"}},
  });
}

json FormatTable() {
  return json::array({
      {{"format", "-o table"},
       {"meaning", "the default: aligned columns on a terminal; in a pipe, tab-separated rows "
                   "without a header or color, for cut and awk"}},
      {{"format", "-o json"}, {"meaning", "the daemon's exact result object, for jq"}},
      {{"format", "-q, --quiet"}, {"meaning", "only the ids of the result, one per line"}},
      {{"format", "--color auto|always|never"},
       {"meaning", "color in tables; auto: on a terminal unless NO_COLOR is set"}},
      {{"format", "stderr"},
       {"meaning", "messages and errors, as 'martctl: <message> [CODE]'; see help exit-codes"}},
  });
}

int RunHelpEnvironment(const Invocation&, const Settings& settings, Io& io) {
  RenderOptions options = PlainRenderOptions(settings, io);
  options.columns = {"variable", "meaning"};
  Render(EnvironmentTable(), options, io.out);
  return 0;
}

int RunHelpFormats(const Invocation&, const Settings& settings, Io& io) {
  RenderOptions options = PlainRenderOptions(settings, io);
  options.columns = {"format", "meaning"};
  Render(FormatTable(), options, io.out);
  return 0;
}

int RunDaemonWait(const Invocation& invocation, const Settings& settings, Io& io) {
  const int64_t seconds = invocation.params.value("wait_timeout", kDefaultDaemonWaitSeconds);
  const milliseconds deadline = MonotonicNow(io) + std::chrono::seconds(seconds);
  Transport transport = Connect(io, ClientOptionsOf(settings, milliseconds(1000), 0));
  while (true) {
    Result<json> status = transport("daemon.status", json::object(), CallOptions{});
    if (IsReady(status)) return 0;
    // A malformed endpoint will not get better by waiting.
    if (!status.ok() && status.status().code() == Code::kInvalidArgument) {
      return Fail(io, status.status());
    }
    const milliseconds left = deadline - MonotonicNow(io);
    if (left.count() <= 0) break;
    Pause(io, std::min(kPollInterval, left));
  }
  return Fail(io,
              Unavailable("daemon did not become ready within " + std::to_string(seconds) + " s"));
}

}  // namespace mart::cli
