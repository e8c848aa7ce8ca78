#include "martctl/settings.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <CLI/CLI.hpp>

#include "mart/paths.h"

namespace mart::cli {
namespace {

// The longest call anyone should wait for: a day.
constexpr double kMaxTimeoutSeconds = 86400;

std::string FirstGiven(const std::string& flag, const std::string& env, std::string fallback) {
  if (!flag.empty()) return flag;
  if (!env.empty()) return env;
  return fallback;
}

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

Result<bool> ResolveColor(const GlobalFlags& flags, const Io& io) {
  if (flags.color == "always") return true;
  if (flags.color == "never") return false;
  if (flags.color != "auto") {
    return InvalidArgument("--color must be auto, always or never, not '" + flags.color + "'");
  }
  return io.stdout_tty && io.getenv("NO_COLOR").empty();
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
                  "martd request endpoint (env MART_ENDPOINT; default: the data dir's socket)");
  app->add_option("--data-dir", flags->data_dir,
                  "martd data dir, for its socket and operator cookie (env MART_DATA_DIR)");
  app->add_option("--token", flags->token, "access token to send (env MART_TOKEN)");
  app->add_option("--profile", flags->profile,
                  "saved login to use (env MART_PROFILE; default 'default')")
      ->type_name("NAME");
  app->add_option("-o,--output", flags->output, "output format")
      ->check(CLI::IsMember(OutputChoices()));
  app->add_flag("-q,--quiet", flags->quiet, "print only ids, one per line");
  app->add_option("--color", flags->color, "color in tables (honors NO_COLOR)")
      ->check(CLI::IsMember(ColorChoices()));
  app->add_option("--timeout", flags->timeout,
                  "seconds to wait for the daemon (env MART_TIMEOUT; default 5)")
      ->type_name("SECONDS");
  app->add_flag("--password-stdin", flags->password_stdin,
                "read passwords from stdin, one per line, instead of prompting");
}

Result<Settings> ResolveSettings(const GlobalFlags& flags, const Io& io) {
  Settings settings;
  settings.given = flags;
  settings.data_dir = FirstGiven(flags.data_dir, io.getenv("MART_DATA_DIR"), DefaultDataDir());
  settings.endpoint =
      FirstGiven(flags.endpoint, io.getenv("MART_ENDPOINT"), DefaultEndpoint(settings.data_dir));
  settings.cookie_path = CookiePath(settings.data_dir);
  settings.token_flag = flags.token;
  settings.token_env = io.getenv("MART_TOKEN");
  settings.profile = FirstGiven(flags.profile, io.getenv("MART_PROFILE"), "default");
  settings.profile_explicit = !flags.profile.empty() || !io.getenv("MART_PROFILE").empty();
  settings.credentials_path =
      FirstGiven("", io.getenv("MART_CREDENTIALS_FILE"), DefaultConfigDir() + "/credentials.json");
  settings.output = flags.output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  settings.quiet = flags.quiet;
  settings.password_stdin = flags.password_stdin;
  MART_ASSIGN_OR_RETURN(settings.color, ResolveColor(flags, io));
  if (!flags.timeout.empty()) {
    MART_ASSIGN_OR_RETURN(settings.timeout_s, ParseSeconds(flags.timeout, "--timeout"));
  } else if (std::string env = io.getenv("MART_TIMEOUT"); !env.empty()) {
    MART_ASSIGN_OR_RETURN(settings.timeout_s, ParseSeconds(env, "MART_TIMEOUT"));
  }
  return settings;
}

}  // namespace mart::cli
