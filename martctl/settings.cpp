#include "martctl/settings.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include <CLI/CLI.hpp>

#include "mart/paths.h"
#include "mart/wire/curve.h"
#include "martctl/settings_file.h"

namespace mart::cli {
namespace {

// The longest call anyone should wait for: a day.
constexpr double kMaxTimeoutSeconds = 86400;

Result<double> ParseSeconds(const std::string& text, std::string_view source) {
  errno = 0;
  char* end = nullptr;
  double seconds = std::strtod(text.c_str(), &end);
  if (errno != 0 || end == text.c_str() || *end != '\0' || !std::isfinite(seconds) ||
      seconds <= 0 || seconds > kMaxTimeoutSeconds) {
    return InvalidArgument(std::string(source) + " must be a number of seconds above 0, not '" +
                           text + "'");
  }
  return seconds;
}

Status CheckChoice(const SettingOrigin& origin, const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), origin.value) != choices.end()) {
    return Status::Ok();
  }
  std::string list;
  for (const std::string& choice : choices) list += (list.empty() ? "" : ", ") + choice;
  return InvalidArgument(origin.setting + " (" + origin.source + ") must be one of " + list +
                         ", not '" + origin.value + "'");
}

// $XDG_CONFIG_HOME/mart/martctl.toml, else ~/.config/mart/martctl.toml, read
// through io.getenv like everything else here (mart::DefaultConfigDir reads
// the process environment).
std::string DefaultSettingsPath(const Io& io) {
  std::string base = io.getenv("XDG_CONFIG_HOME");
  if (base.empty()) {
    std::string home = io.getenv("HOME");
    base = (home.empty() ? std::string("/tmp") : home) + "/.config";
  }
  return base + "/mart/martctl.toml";
}

// Picks each setting from the first source that has it: flag, environment,
// the selected profile's table, the file's top level, the default.
class Layers {
 public:
  Layers(const Io& io, const SettingsFile& file) : io_(io), file_(file) {}

  void SelectProfile(const std::string& profile) { profile_ = profile; }

  SettingOrigin Pick(const std::string& key, const std::string& flag, std::string_view env,
                     std::string fallback) const {
    if (!flag.empty()) return {key, flag, "flag --" + key};
    if (!env.empty()) {
      if (std::string value = io_.getenv(env); !value.empty()) {
        return {key, value, "env " + std::string(env)};
      }
    }
    if (auto table = file_.profiles.find(profile_); table != file_.profiles.end()) {
      if (auto it = table->second.find(key); it != table->second.end()) {
        return {key, it->second, "file " + file_.path + " [profile." + profile_ + "]"};
      }
    }
    if (auto it = file_.top.find(key); it != file_.top.end()) {
      return {key, it->second, "file " + file_.path};
    }
    return {key, std::move(fallback), "default"};
  }

 private:
  const Io& io_;
  const SettingsFile& file_;
  std::string profile_;
};

SettingOrigin ConfigPath(const GlobalFlags& flags, const Io& io) {
  if (!flags.config.empty()) return {"config", flags.config, "flag --config"};
  if (std::string env = io.getenv("MART_CONFIG"); !env.empty()) {
    return {"config", env, "env MART_CONFIG"};
  }
  return {"config", DefaultSettingsPath(io), "default"};
}

SettingOrigin TokenOrigin(const Settings& settings) {
  if (!settings.token_flag.empty()) return {"token", "(set)", "flag --token"};
  if (!settings.token_env.empty()) return {"token", "(set)", "env MART_TOKEN"};
  return {"token", "(not set)", "default"};
}

}  // namespace

const std::vector<std::string>& OutputChoices() {
  static const std::vector<std::string> kChoices = {"table", "json"};
  return kChoices;
}

const std::vector<std::string>& ColorChoices() {
  static const std::vector<std::string> kChoices = {"auto", "always", "never"};
  return kChoices;
}

void AddGlobalFlags(CLI::App* app, GlobalFlags* flags) {
  app->add_option("--endpoint", flags->endpoint,
                  "martd request endpoint, or a comma-separated list of martd serving one "
                  "store (env MART_ENDPOINT; default: the data dir's socket)");
  app->add_option("--endpoint-policy", flags->endpoint_policy,
                  "with several endpoints: failover (the first that answers; default) or "
                  "random (a random one first) (env MART_ENDPOINT_POLICY)")
      ->check(CLI::IsMember(EndpointPolicyNames()));
  app->add_option("--server-key", flags->server_key,
                  "martd's CURVE public key, for tcp:// endpoints (one for all: a cluster "
                  "shares its key pair) (env MART_SERVER_KEY)")
      ->type_name("KEY");
  app->add_option("--data-dir", flags->data_dir,
                  "martd data dir, for its socket and operator cookie (env MART_DATA_DIR)");
  app->add_option("--token", flags->token, "access token to send (env MART_TOKEN)");
  app->add_option("--profile", flags->profile,
                  "saved login to use (env MART_PROFILE; default 'default')")
      ->type_name("NAME");
  app->add_option("-o,--output", flags->output, "output format")
      ->check(CLI::IsMember(OutputChoices()));
  app->add_flag("-q,--quiet", flags->quiet, "print only ids, one per line");
  app->add_option("--config", flags->config,
                  "config file (env MART_CONFIG; default $XDG_CONFIG_HOME/mart/martctl.toml)")
      ->type_name("FILE");
  app->add_option("--color", flags->color, "color in tables (honors NO_COLOR)")
      ->check(CLI::IsMember(ColorChoices()));
  app->add_option("--timeout", flags->timeout,
                  "seconds to wait for the daemon (env MART_TIMEOUT; default 5)")
      ->type_name("SECONDS");
  auto* headers = app->add_flag("--headers", flags->headers,
                                "a header line above tables also in a pipe (the field names)");
  app->add_flag("--no-headers", flags->no_headers, "no header line above tables, also on a terminal")
      ->excludes(headers);
  app->add_flag("--password-stdin", flags->password_stdin,
                "read passwords from stdin, one per line, instead of prompting");
}

namespace {

// Output, color and timeout: their values are checked whatever their source.
Status ResolvePresentation(const GlobalFlags& flags, const Layers& layers, const Io& io,
                           Settings* settings) {
  SettingOrigin output = layers.Pick("output", flags.output, "", "table");
  MART_RETURN_IF_ERROR(CheckChoice(output, OutputChoices()));
  settings->output = output.value == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  SettingOrigin color = layers.Pick("color", flags.color, "", "auto");
  MART_RETURN_IF_ERROR(CheckChoice(color, ColorChoices()));
  settings->color = color.value == "always" ||
                    (color.value == "auto" && io.stdout_tty && io.getenv("NO_COLOR").empty());
  SettingOrigin timeout = layers.Pick("timeout", flags.timeout, "MART_TIMEOUT", "5");
  MART_ASSIGN_OR_RETURN(settings->timeout_s,
                        ParseSeconds(timeout.value, "timeout (" + timeout.source + ")"));
  settings->origins.insert(settings->origins.end(), {output, color, timeout});
  return Status::Ok();
}

}  // namespace

Result<Settings> ResolveSettings(const GlobalFlags& flags, const Io& io) {
  Settings settings;
  settings.given = flags;
  SettingOrigin config = ConfigPath(flags, io);
  MART_ASSIGN_OR_RETURN(SettingsFile file,
                        ReadSettingsFile(config.value, config.source != "default"));
  settings.config_path = config.value;
  for (const auto& [name, keys] : file.profiles) settings.file_profiles.push_back(name);
  if (file.path.empty()) config.value += " (none)";
  Layers layers(io, file);
  SettingOrigin profile = layers.Pick("profile", flags.profile, "MART_PROFILE", "default");
  settings.profile = profile.value;
  settings.profile_explicit = profile.source != "default";
  layers.SelectProfile(settings.profile);
  SettingOrigin data_dir = layers.Pick("data-dir", flags.data_dir, "MART_DATA_DIR", "");
  if (data_dir.value.empty()) data_dir.value = DefaultDataDir();
  settings.data_dir = data_dir.value;
  SettingOrigin endpoint =
      layers.Pick("endpoint", flags.endpoint, "MART_ENDPOINT", DefaultEndpoint(data_dir.value));
  MART_ASSIGN_OR_RETURN(settings.endpoints,
                        SplitEndpoints(endpoint.value, "endpoint (" + endpoint.source + ")"));
  SettingOrigin policy =
      layers.Pick("endpoint-policy", flags.endpoint_policy, "MART_ENDPOINT_POLICY", "failover");
  MART_ASSIGN_OR_RETURN(
      settings.endpoint_policy,
      ParseEndpointPolicy(policy.value, "endpoint-policy (" + policy.source + ")"));
  SettingOrigin server_key = layers.Pick("server-key", flags.server_key, "MART_SERVER_KEY", "");
  const bool tcp = std::any_of(settings.endpoints.begin(), settings.endpoints.end(),
                               [](const std::string& one) { return IsTcpEndpoint(one); });
  if (server_key.value.empty() && tcp) {
    // On martd's own machine its data dir says which key it uses.
    std::ifstream pub(settings.data_dir + "/curve.pub");
    if (std::getline(pub, server_key.value)) {
      server_key.source = "file " + settings.data_dir + "/curve.pub";
    }
  }
  if (!server_key.value.empty()) {
    MART_ASSIGN_OR_RETURN(
        settings.server_key,
        NormalizeCurveKey(server_key.value, "server-key (" + server_key.source + ")"));
  }
  settings.cookie_path = CookiePath(settings.data_dir);
  settings.token_flag = flags.token;
  settings.token_env = io.getenv("MART_TOKEN");
  std::string credentials = io.getenv("MART_CREDENTIALS_FILE");
  settings.credentials_path =
      credentials.empty() ? DefaultConfigDir() + "/credentials.json" : credentials;
  settings.quiet = flags.quiet;
  settings.password_stdin = flags.password_stdin;
  if (flags.headers || flags.no_headers) settings.headers = flags.headers;
  settings.origins = {config, profile, endpoint, policy, server_key, data_dir};
  MART_RETURN_IF_ERROR(ResolvePresentation(flags, layers, io, &settings));
  settings.origins.push_back(TokenOrigin(settings));
  return settings;
}

ClientOptions ClientOptionsOf(const Settings& settings, std::chrono::milliseconds per_try,
                              int retries) {
  return ClientOptions{.endpoints = settings.endpoints,
                       .policy = settings.endpoint_policy,
                       .timeout = per_try,
                       .retries = retries,
                       .server_key = settings.server_key};
}

}  // namespace mart::cli
