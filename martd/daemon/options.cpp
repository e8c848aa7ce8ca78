#include "daemon/options.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mart/config_file.h"
#include "mart/paths.h"
#include "mart/wire/curve.h"
#include "stores/database.h"
#include "testing/fault.h"

namespace mart::daemon {
namespace {

const std::map<std::string, PasswordCost> kCosts = {
    {"interactive", PasswordCost::kInteractive},
    {"moderate", PasswordCost::kModerate},
    {"minimum", PasswordCost::kMinimum},
};

// Flag values that are turned into options after parsing.
struct RawFlags {
  std::string log_level = "info";
  std::string cost = "interactive";
  bool no_first_admin = false;
  std::string smtp_password_file;
  std::vector<std::string> faults;
  std::vector<std::string> exports;
  std::string export_map = "none";
};

void AddPaymentFlags(CLI::App& app, PaymentOptions& payments) {
  app.add_flag("--auto-capture", payments.auto_capture,
               "pay each order through the simulated gateway once its stock is reserved "
               "(pending -> processing -> paid)");
  app.add_option("--payment-failure-rate", payments.failure_rate,
                 "chance from 0 to 1 that a simulated charge fails at random, for demos "
                 "(default 0; the fixed test cards are unaffected)")->check(CLI::Range(0.0, 1.0));
  app.add_option("--payment-seed", payments.seed,
                 "seed of the simulated gateway's random failures (default 0)");
}

void AddFlags(CLI::App& app, DaemonOptions& options, RawFlags& raw) {
  app.set_version_flag("--version", std::string("martd ") + MART_VERSION);
  app.add_option("--data-dir", options.data_dir, "data directory (default $MART_DATA_DIR, "
                 "else $XDG_DATA_HOME/mart, else ~/.local/share/mart)")->envname("MART_DATA_DIR");
  app.add_option("--listen", options.listen, "request endpoint: ipc://PATH (default: see "
                 "martd(8)), or tcp://HOST:PORT, always encrypted with CURVE")->envname("MART_LISTEN");
  // Command line only: a file must not turn the service unit's foreground
  // martd (Type=simple) into one that forks away.
  app.add_flag("--detach", options.detach, "run in the background; return once ready")
      ->configurable(false);
  // Command line only too: a restore in a config file would run at every start.
  app.add_option("--restore", options.restore, "replace the data dir's database with a backup "
                 "FILE (verified first; the old one is kept aside), then exit; refused while a "
                 "martd runs on the data dir")
      ->excludes("--detach")
      ->configurable(false);
  app.add_option("--store", options.store, "where the data lives: a PostgreSQL database, "
                 "postgresql://[USER@]HOST[:PORT]/DB or postgresql:///DB?host=SOCKET_DIR, its "
                 "password from ~/.pgpass or $PGPASSWORD, never in the URI (default: the SQLite "
                 "file DATA_DIR/mart.db)")->envname("MART_STORE");
  // Command line only, like --restore.
  app.add_option("--copy-store", options.copy_store, "copy every table of the store FROM (an "
                 "SQLite file or a postgresql:// URI) into the empty store TO, check the copy, "
                 "then exit")
      ->expected(2)
      ->excludes("--detach")
      ->excludes("--restore")
      ->configurable(false);
  app.add_option("--backup-dir", options.backup_dir, "where 'martctl admin backup NAME' "
                 "writes, and the only directory a logged-in admin's backups may use "
                 "(default DATA_DIR/backups, made 0700)")->envname("MART_BACKUP_DIR");
  app.add_option("--signing-key", options.signing_key, "file of the 32-byte token signing key "
                 "(mode 0600) that every martd on one PostgreSQL database shares (default "
                 "DATA_DIR/signing.key, made on first start)")->envname("MART_SIGNING_KEY");
  app.add_option("--curve-key", options.curve_key, "file of the CURVE key pair for tcp:// "
                 "(mode 0600, curve.key's format), to give every martd of a cluster one key "
                 "(default DATA_DIR/curve.key, made on first use)")->envname("MART_CURVE_KEY");
  app.add_option("--log-level", raw.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))->envname("MART_LOG_LEVEL");
  app.add_option("--password-cost", raw.cost, "argon2id cost: interactive (default), moderate, "
                 "or minimum (tests only: weak)")
      ->check(CLI::IsMember({"interactive", "moderate", "minimum"}));
  app.add_flag("--no-first-admin", raw.no_first_admin,
               "do not make the first registered account an admin");
  app.add_option("--access-token-ttl", options.auth.access_ttl_seconds,
                 "access token lifetime in seconds (default 1800)")->check(CLI::Range(10, 86400));
  app.add_option("--refresh-token-ttl", options.auth.refresh_ttl_seconds,
                 "refresh token lifetime in seconds (default 604800)")
      ->check(CLI::Range(60, 31536000));
  app.add_option("--worker-threads", options.worker_threads,
                 "threads for password hashing (default 2)")->check(CLI::Range(1, 64));
  app.add_option("--smtp-url", options.smtp.url, "mail notifications through this SMTP server, "
                 "smtp://HOST:PORT or smtps://HOST:PORT (default: store them only)")
      ->envname("MART_SMTP_URL");
  app.add_option("--smtp-from", options.smtp.from, "sender address (default mart@localhost)");
  app.add_option("--smtp-user", options.smtp.user, "SMTP AUTH user name");
  app.add_option("--smtp-password-file", raw.smtp_password_file,
                 "file holding the SMTP password (mode 0600); else $MART_SMTP_PASSWORD");
  app.add_flag("--smtp-allow-plaintext-auth", options.smtp.allow_plaintext_auth,
               "send the SMTP password in clear text when an smtp:// server offers no "
               "STARTTLS (default: TLS only, and such a server gets no mail)");
  AddPaymentFlags(app, options.payments);
  app.add_option("--export", raw.exports, "copy the event log, at least once and in order, to "
                 "RabbitMQ (amqp://[USER@]HOST[:PORT][/VHOST][?exchange=NAME]) or Kafka "
                 "(kafka://HOST[:PORT][,HOST…][?topic-prefix=P]); repeatable; passwords from "
                 "password-file=FILE or $MART_EXPORT_PASSWORD_<NAME>, never in the URL")
      ->envname("MART_EXPORT")
      ->delimiter(' ');
  app.add_option("--export-map", raw.export_map, "none (default), or seeds: also route events "
                 "to the queue and topic names of the projects mart replaces")
      ->check(CLI::IsMember({"none", "seeds"}));
  // Test only (testing/fault.h): hidden from --help, never from a file.
  app.add_option("--fault", raw.faults, "arm a fault point NAME[@N] (tests only)")
      ->group("")
      ->configurable(false);
}

// The SMTP password: from a file only its owner can read, or the environment;
// never from argv (other users see it in ps).
std::optional<std::string> LoadSmtpPassword(DaemonOptions& options, const RawFlags& raw) {
  if (raw.smtp_password_file.empty()) {
    if (const char* env = std::getenv("MART_SMTP_PASSWORD")) options.smtp.password = env;
    return std::nullopt;
  }
  const std::string& path = raw.smtp_password_file;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return "martd: --smtp-password-file " + path + ": not a readable file";
  }
  if ((info.st_mode & 077) != 0) {
    return "martd: --smtp-password-file " + path +
           ": group or others may read it; chmod 600 it first";
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return "martd: --smtp-password-file " + path + ": cannot read it";
  options.smtp.password = text.str();
  while (!options.smtp.password.empty() &&
         (options.smtp.password.back() == '\n' || options.smtp.password.back() == '\r')) {
    options.smtp.password.pop_back();
  }
  return std::nullopt;
}

std::optional<std::string> CheckSmtp(DaemonOptions& options, const RawFlags& raw) {
  const std::string& url = options.smtp.url;
  if (!url.empty() && url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0) {
    return "martd: --smtp-url " + url + ": must start with smtp:// or smtps://";
  }
  if (url.find('@') != std::string::npos) {
    return "martd: --smtp-url must not hold credentials; use --smtp-user and "
           "--smtp-password-file";
  }
  if (options.smtp.from.empty() || options.smtp.from.find('@') == std::string::npos ||
      options.smtp.from.find_first_of("<>\r\n ") != std::string::npos) {
    return "martd: --smtp-from '" + options.smtp.from + "': not an e-mail address";
  }
  if (auto error = LoadSmtpPassword(options, raw)) return error;
  if (url.empty()) return std::nullopt;
  const std::string problem = notify::SmtpOptionsProblem(options.smtp);
  if (!problem.empty()) return "martd: " + problem;
  return std::nullopt;
}

// --store: a PostgreSQL URI without a password (argv, config files and the
// environment of a service are read by others; libpq reads ~/.pgpass and
// $PGPASSWORD itself).
std::optional<std::string> CheckStore(const DaemonOptions& options) {
  if (options.store.empty()) return std::nullopt;
  if (!store::IsPostgresLocation(options.store)) {
    return "martd: --store " + options.store + ": give a postgresql:// URI, or leave --store "
           "out for the SQLite file in the data dir";
  }
  if (store::RedactLocation(options.store) != options.store) {
    return "martd: --store must not hold a password (it would show in ps and logs): put it in "
           "~/.pgpass or $PGPASSWORD";
  }
  if (!options.restore.empty()) {
    return "martd: --restore installs an SQLite backup file into the data dir; to restore one "
           "into PostgreSQL use --copy-store FILE URI (martd(8), POSTGRESQL)";
  }
  return std::nullopt;
}

std::optional<std::string> CheckCopyStore(const DaemonOptions& options) {
  for (const std::string& location : options.copy_store) {
    if (store::RedactLocation(location) != location) {
      return "martd: --copy-store must not hold a password (it would show in ps): put it in "
             "~/.pgpass or $PGPASSWORD";
    }
  }
  return std::nullopt;
}

// Defaults that depend on other options, and checks across options; the
// error message, if any.
std::optional<std::string> Finish(DaemonOptions& options, const RawFlags& raw) {
  if (options.data_dir.empty()) options.data_dir = DefaultDataDir();
  if (options.listen.empty()) options.listen = DefaultEndpoint(options.data_dir);
  if (options.backup_dir.empty()) options.backup_dir = options.data_dir + "/backups";
  std::error_code ec;
  options.backup_dir = std::filesystem::absolute(options.backup_dir, ec).lexically_normal();
  if (ec) return "martd: --backup-dir " + options.backup_dir + ": " + ec.message();
  if (!options.backup_dir.empty() && options.backup_dir.back() == '/') options.backup_dir.pop_back();
  if (IsTcpEndpoint(options.listen)) {
    if (!CurveAvailable()) {
      return "martd: --listen " + options.listen +
             ": tcp:// needs CURVE encryption, and this libzmq was built without it";
    }
    const size_t colon = options.listen.rfind(':');
    const std::string port = options.listen.substr(colon + 1);
    if (colon < 6 || port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
        port.size() > 5 || std::stol(port) < 1 || std::stol(port) > 65535) {
      return "martd: --listen " + options.listen + ": give tcp://HOST:PORT with a port from 1 "
             "to 65535";
    }
  } else if (options.listen.rfind("ipc://", 0) != 0) {
    return "martd: --listen " + options.listen + ": use ipc://PATH, or tcp://HOST:PORT (CURVE)";
  }
  if (auto error = CheckStore(options)) return error;
  if (auto error = CheckCopyStore(options)) return error;
  for (const std::string& fault : raw.faults) {
    if (Status armed = fault::Arm(fault); !armed.ok()) return "martd: --fault " + armed.message();
  }
  // The queue workers' names (services/services.h): a sink may not take one.
  std::vector<std::string> taken = {"inventory", "orders", "payments", "notifications"};
  auto map = events::ParseExportMap(raw.export_map);
  if (!map.ok()) return "martd: " + map.status().message();
  for (const std::string& url : raw.exports) {
    auto target = events::ParseExportTarget(url, taken);
    if (!target.ok()) return "martd: " + target.status().message();
    target->map = *map;
    taken.push_back(target->name);
    options.exports.push_back(std::move(*target));
  }
  ParseLogLevel(raw.log_level, &options.log_level);
  options.auth.password_cost = kCosts.at(raw.cost);
  options.auth.first_user_admin = !raw.no_first_admin;
  return CheckSmtp(options, raw);
}

}  // namespace

std::optional<DaemonOptions> ParseDaemonOptions(int argc, char** argv, std::string* message,
                                                int* exit_code) {
  DaemonOptions options;
  RawFlags raw;
  CLI::App app{"martd: the mart daemon. Owns the store and the event queues and serves martctl "
               "and mart-rest over ZeroMQ.", "martd"};
  AddFlags(app, options, raw);
  AddConfigFile(app, DefaultConfigFile("martd.toml"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    bool done = e.get_exit_code() == 0;  // --help or --version
    *exit_code = done ? 0 : 2;
    *message = done ? app.help() : std::string("martd: ") + e.what() +
                                       "\nrun 'martd --help' for the options";
    if (dynamic_cast<const CLI::CallForVersion*>(&e) != nullptr) *message = e.what();
    return std::nullopt;
  }
  if (auto error = Finish(options, raw)) {
    *exit_code = 2;
    *message = *error;
    return std::nullopt;
  }
  return options;
}

}  // namespace mart::daemon

