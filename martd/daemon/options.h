#pragma once
// martd's settings: flag > environment > config file > default. The file is
// --config FILE, else $XDG_CONFIG_HOME/mart/martd.toml when it exists; its
// keys are the long option names (see mart/config_file.h and martd.conf(5)).
// --detach is command-line only; the SMTP password is never a key (a file of
// its own, mode 0600, or $MART_SMTP_PASSWORD). Parsing never exits the
// process; the caller does.

#include <string>
#include <vector>

#include "events/export_target.h"
#include "mart/log.h"
#include "mart/status.h"
#include "notify/smtp_transport.h"
#include "services/auth_service.h"
#include "services/payment_service.h"

namespace mart::daemon {

struct DaemonOptions {
  std::string data_dir;  // --data-dir, $MART_DATA_DIR, XDG default
  std::string listen;    // --listen; default DefaultEndpoint(data_dir)
  bool detach = false;   // --detach: return once ready
  std::string restore;   // --restore FILE: install a backup and exit (daemon/restore.h)
  // --copy-store FROM TO: copy one store into another, empty one and exit
  // (daemon/copy_store.h). Each a postgresql:// URI or an SQLite file.
  std::vector<std::string> copy_store;
  // --store, $MART_STORE: a postgresql:// URI (no password in it); empty: the
  // SQLite file DATA_DIR/mart.db. StoreLocation() is the one to open.
  std::string store;
  std::string StoreLocation() const { return store.empty() ? data_dir + "/mart.db" : store; }
  // --backup-dir: where admin backups go (services/backup_service.h); absolute.
  // Default <data_dir>/backups.
  std::string backup_dir;
  // --signing-key FILE, --curve-key FILE: keys every martd of a cluster shares
  // (README "Running several martd"); empty: the data dir's own.
  std::string signing_key;
  std::string curve_key;
  LogLevel log_level = LogLevel::kInfo;
  AuthOptions auth;
  PaymentOptions payments;  // --auto-capture, --payment-failure-rate, --payment-seed
  int worker_threads = 2;
  // --smtp-url, --smtp-from, --smtp-user; the password from
  // --smtp-password-file (mode 0600 or stricter) or $MART_SMTP_PASSWORD.
  // No url: notifications are stored, not mailed.
  notify::SmtpOptions smtp;
  // --export URL (repeatable), --export-map: sinks the event log is copied
  // to (events/exporter.h), their passwords already read.
  std::vector<events::ExportTarget> exports;
};

// Parses argv. On --help/--version, or a usage error, returns the text to
// print in *message with *exit_code set (0 for help, 2 for errors) and
// nullopt; otherwise the options.
std::optional<DaemonOptions> ParseDaemonOptions(int argc, char** argv, std::string* message,
                                                int* exit_code);

}  // namespace mart::daemon
