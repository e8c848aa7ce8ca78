#include "martctl/local/doctor.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include <CLI/CLI.hpp>

#include "martctl/render/render.h"

namespace mart::cli {
namespace {

using nlohmann::json;

constexpr std::chrono::milliseconds kMaxStatusWait{2000};
constexpr std::string_view kIpcScheme = "ipc://";

std::optional<struct stat> StatPath(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  return info;
}

std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string SizeText(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  }
  return text;
}

std::string DurationText(int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) {
    return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
  }
  if (seconds < 86400) {
    return std::to_string(seconds / 3600) + "h" + std::to_string(seconds % 3600 / 60) + "m";
  }
  return std::to_string(seconds / 86400) + "d" + std::to_string(seconds % 86400 / 3600) + "h";
}

DoctorRow Ok(std::string check, std::string detail) {
  return {.check = std::move(check), .level = CheckLevel::kOk, .detail = std::move(detail)};
}
DoctorRow Warn(std::string check, std::string detail, std::string hint) {
  return {std::move(check), CheckLevel::kWarn, std::move(detail), std::move(hint)};
}
DoctorRow Problem(std::string check, std::string detail, std::string hint) {
  return {std::move(check), CheckLevel::kProblem, std::move(detail), std::move(hint)};
}

// martd's default config file, from io's environment (like DefaultConfigFile).
std::string MartdConfigPath(const Io& io) {
  std::string base = io.getenv("XDG_CONFIG_HOME");
  if (base.empty()) base = io.getenv("HOME") + "/.config";
  return base + "/mart/martd.toml";
}

// A file that must be private (a secret): problem when group or others may
// read or write it. `missing` is the row for an absent file.
DoctorRow SecretFileRow(const std::string& check, const std::string& path, const std::string& what,
                        DoctorRow missing) {
  std::optional<struct stat> info = StatPath(path);
  if (!info) return missing;
  if (!S_ISREG(info->st_mode)) {
    return Problem(check, path + " is not a regular file", "remove it or fix the path");
  }
  if ((info->st_mode & 077) != 0) {
    return Problem(check,
                   path + " is readable by other users (mode " + ModeText(info->st_mode) +
                       "): it holds " + what,
                   "chmod 600 " + path);
  }
  return Ok(check, path + " (" + ModeText(info->st_mode) + ")");
}

// A config file: fine when absent; a problem when others may write it, since
// it decides where martctl connects and what martd trusts.
DoctorRow ConfigFileRow(const std::string& check, const std::string& path) {
  std::optional<struct stat> info = StatPath(path);
  if (!info) return Ok(check, path + ": not present (built-in defaults)");
  if ((info->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Problem(check,
                   path + " is writable by other users (mode " + ModeText(info->st_mode) + ")",
                   "chmod go-w " + path);
  }
  return Ok(check, path);
}

// martd.toml: permissions, TOML syntax, the SMTP password file it names, and
// a data dir other than martctl's.
std::vector<DoctorRow> MartdConfigRows(const std::string& path, const std::string& data_dir) {
  std::vector<DoctorRow> rows{ConfigFileRow("martd-config", path)};
  if (rows.back().level != CheckLevel::kOk || !StatPath(path)) return rows;
  std::vector<CLI::ConfigItem> items;
  try {
    std::ifstream input(path);
    if (!input) {
      rows.back() = Problem("martd-config", "cannot read " + path + ": " + std::strerror(errno),
                            "check its permissions");
      return rows;
    }
    items = CLI::ConfigTOML().from_config(input);
  } catch (const CLI::Error& error) {
    rows.back() = Problem("martd-config", path + ": " + error.what(),
                          "fix the file; martd(8) and martd.conf(5) list its keys");
    return rows;
  }
  for (const CLI::ConfigItem& item : items) {
    if (!item.parents.empty()) {
      rows.front() = Problem("martd-config",
                             path + ": [" + item.parents.front() + "]: martd uses no sections",
                             "put every key at the top level; see martd.conf(5)");
      continue;
    }
    if (item.inputs.size() != 1) continue;
    if (item.name == "smtp-password-file") {
      rows.push_back(SecretFileRow(
          "smtp-password", item.inputs.front(), "the SMTP password",
          Problem("smtp-password", item.inputs.front() + " (smtp-password-file) does not exist",
                  "create it (mode 0600) or remove the key from " + path)));
    } else if (item.name == "data-dir" && item.inputs.front() != data_dir) {
      rows.front() = Warn("martd-config",
                         path + " sets data-dir " + item.inputs.front() + ", martctl uses " +
                             data_dir,
                         "martctl --data-dir " + item.inputs.front() +
                             " (or MART_DATA_DIR) to talk to that martd");
    }
  }
  return rows;
}

DoctorRow DataDirRow(const std::string& dir) {
  std::optional<struct stat> info = StatPath(dir);
  if (!info) {
    return Warn("data-dir", dir + " does not exist",
                "martd creates it (0700) at its first start; if martd runs with another data "
                "dir, pass --data-dir or set MART_DATA_DIR");
  }
  if (!S_ISDIR(info->st_mode)) {
    return Problem("data-dir", dir + " is not a directory", "move it aside or use --data-dir");
  }
  const std::string mode = ModeText(info->st_mode);
  if ((info->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Problem("data-dir",
                   dir + " is writable by other users (mode " + mode + "): martd refuses it",
                   "chmod 700 " + dir);
  }
  if (info->st_uid != ::geteuid()) {
    return Warn("data-dir",
                dir + " belongs to uid " + std::to_string(info->st_uid) + ", not to you (uid " +
                    std::to_string(::geteuid()) + ")",
                "run martctl as the user martd runs as");
  }
  if ((info->st_mode & 077) != 0) {
    return Warn("data-dir", dir + " is readable by other users (mode " + mode + ")",
                "chmod 700 " + dir);
  }
  return Ok("data-dir", dir + " (" + mode + ")");
}

std::vector<DoctorRow> StoreRows(const std::string& dir, bool dir_exists) {
  if (!dir_exists) {
    return {Ok("store", "not checked: no data dir"), Ok("wal", "not checked: no data dir"),
            Ok("signing-key", "not checked: no data dir")};
  }
  std::vector<DoctorRow> rows;
  const std::string db = dir + "/mart.db";
  std::optional<struct stat> store = StatPath(db);
  if (!store) {
    rows.push_back(
        Warn("store", db + " does not exist yet", "martd creates it at its first start"));
  } else {
    rows.push_back(Ok("store", db + ", " + SizeText(store->st_size)));
  }
  std::optional<struct stat> wal = StatPath(db + "-wal");
  if (!wal) {
    rows.push_back(Ok("wal", "no WAL file (martd stopped, or checkpointed)"));
  } else if (wal->st_size > kWalWarnBytes) {
    rows.push_back(Warn("wal", db + "-wal is " + SizeText(wal->st_size),
                        "checkpoints are held back, usually by a long reader (an open sqlite3 "
                        "shell, a slow backup); it shrinks once they end"));
  } else {
    rows.push_back(Ok("wal", SizeText(wal->st_size)));
  }
  rows.push_back(SecretFileRow(
      "signing-key", dir + "/signing.key", "the key that signs login tokens",
      store ? Warn("signing-key", dir + "/signing.key is missing beside an existing store",
                   "martd makes a new key at start: tokens issued before stop working")
            : Ok("signing-key", "not present yet (martd makes it at its first start)")));
  return rows;
}

DoctorRow SocketRow(const std::string& endpoint) {
  if (endpoint.rfind(kIpcScheme, 0) != 0) {
    return Ok("socket", endpoint + ": not a local socket, nothing to check");
  }
  const std::string path = endpoint.substr(kIpcScheme.size());
  const size_t slash = path.rfind('/');
  const std::string dir = path.substr(0, slash == std::string::npos ? 0 : slash);
  std::optional<struct stat> info = dir.empty() ? std::nullopt : StatPath(dir);
  if (info && (info->st_mode & (S_IWGRP | S_IWOTH)) != 0 && (info->st_mode & S_ISVTX) == 0) {
    return Problem("socket",
                   dir + " is writable by other users (mode " + ModeText(info->st_mode) +
                       "): another user could replace martd's socket",
                   "chmod 700 " + dir);
  }
  return Ok("socket", path);
}

// The martd at `endpoint` (one of settings.endpoints, asked alone). *backend:
// the store martd reports ("sqlite", "postgresql"); left as it is when it
// does not answer.
DoctorRow DaemonRow(const Settings& settings, const std::string& endpoint, Io& io,
                    std::string* backend) {
  if (endpoint.rfind(kIpcScheme, 0) == 0) {
    const std::string path = endpoint.substr(kIpcScheme.size());
    std::optional<struct stat> info = StatPath(path);
    if (!info) {
      return Problem("daemon", "no socket at " + path + ": martd is not running on this data dir",
                     "start it: martd --detach (or systemctl --user start martd)");
    }
    if (!S_ISSOCK(info->st_mode)) {
      return Problem("daemon", path + " is not a socket",
                     "stop whatever made it, then start martd");
    }
  }
  const auto wait = std::min(
      kMaxStatusWait,
      std::chrono::milliseconds(static_cast<int64_t>(settings.timeout_s * 1000)));
  ClientOptions options = ClientOptionsOf(settings, wait, 0);
  options.endpoints = {endpoint};
  Transport transport = Connect(io, options);
  Result<json> status = transport("daemon.status", json::object(), CallOptions{});
  if (!status.ok()) {
    return Problem("daemon",
                   "martd does not answer on " + endpoint + ": " + status.status().message(),
                   "start it (martd --detach), or check --endpoint / MART_ENDPOINT");
  }
  const std::string version = status->value("version", std::string("?"));
  std::string detail = "martd " + version + ", pid " + std::to_string(status->value("pid", 0)) +
                       ", up " + DurationText(status->value("uptime_s", int64_t{0})) +
                       ", schema " + std::to_string(status->value("schema_version", 0));
  if (status->contains("store") && (*status)["store"].is_object()) {
    const json& store = (*status)["store"];
    *backend = store.value("backend", std::string("?"));
    detail += ", store " + *backend;
    if (store.contains("server_version")) {
      detail += " " + store.value("server_version", std::string());
    }
  }
  if (!status->value("ready", false)) {
    return Warn("daemon", detail + ": not ready yet", "wait for it: martctl daemon wait");
  }
  if (version != MART_VERSION) {
    return Warn("daemon", detail + "; martctl is " + std::string(MART_VERSION),
                "restart martd after an upgrade so both are the same version");
  }
  return Ok("daemon", detail);
}

// The nearest existing directory of `path`: statvfs needs one.
std::string ExistingAncestor(std::string path) {
  while (!path.empty() && !StatPath(path)) {
    const size_t slash = path.rfind('/');
    path = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
  }
  return path.empty() ? "." : path;
}

std::string LevelName(CheckLevel level) {
  switch (level) {
    case CheckLevel::kOk:
      return "ok";
    case CheckLevel::kWarn:
      return "warn";
    case CheckLevel::kProblem:
      return "problem";
  }
  return "problem";
}

}  // namespace

std::vector<CommandEntry> DoctorCommands() {
  return {{.group = "doctor",
           .summary = "check config, permissions, the socket, martd, disk space and WAL size; "
                      "exit 7 on a problem",
           .example = "martctl doctor || echo 'see the hints above'",
           .run = RunDoctor}};
}

DoctorRow DiskRow(const std::string& path, int64_t free_bytes, int64_t total_bytes) {
  const double percent =
      total_bytes > 0 ? 100.0 * static_cast<double>(free_bytes) / static_cast<double>(total_bytes)
                      : 0;
  char share[16];
  std::snprintf(share, sizeof share, "%.0f%%", percent);
  const std::string detail = SizeText(free_bytes) + " free (" + share + ") on " + path;
  if (free_bytes < kDiskProblemBytes) {
    return Problem("disk", detail,
                   "free space now: writes fail with 'disk full' and backups cannot be made");
  }
  if (free_bytes < kDiskWarnBytes || percent < 5) {
    return Warn("disk", detail, "free some space before the store grows into it");
  }
  return Ok("disk", detail);
}

std::vector<DoctorRow> RunDoctorChecks(const Settings& settings, Io& io) {
  std::vector<DoctorRow> rows;
  rows.push_back(ConfigFileRow("config", settings.config_path));
  for (DoctorRow& row : MartdConfigRows(MartdConfigPath(io), settings.data_dir)) {
    rows.push_back(std::move(row));
  }
  rows.push_back(DataDirRow(settings.data_dir));
  std::optional<struct stat> dir = StatPath(settings.data_dir);
  for (DoctorRow& row : StoreRows(settings.data_dir, dir && S_ISDIR(dir->st_mode))) {
    rows.push_back(std::move(row));
  }
  rows.push_back(SecretFileRow("cookie", settings.cookie_path, "operator access to martd",
                               Ok("cookie", "not present (martd writes it at start, removes it "
                                            "at stop)")));
  rows.push_back(SecretFileRow("credentials", settings.credentials_path, "saved login tokens",
                               Ok("credentials", "not present (no saved logins)")));
  // Each martd of an endpoint list on its own: the list works while one
  // answers, and this says which do not.
  std::string backend;
  const bool several = settings.endpoints.size() > 1;
  for (const std::string& endpoint : settings.endpoints) {
    for (DoctorRow row : {SocketRow(endpoint), DaemonRow(settings, endpoint, io, &backend)}) {
      if (several && row.detail.rfind(endpoint, 0) != 0) row.detail = endpoint + ": " + row.detail;
      rows.push_back(std::move(row));
    }
  }
  // On PostgreSQL (martd --store) the data dir's SQLite file is not the store.
  if (backend == "postgresql") {
    for (DoctorRow& row : rows) {
      if (row.check == "store") {
        row = Ok("store", "PostgreSQL (martd --store; martctl daemon status shows which)");
      } else if (row.check == "wal") {
        row = Ok("wal", "not used: the store is on PostgreSQL");
      }
    }
  }
  const std::string disk_path = ExistingAncestor(settings.data_dir);
  struct statvfs fs {};
  if (::statvfs(disk_path.c_str(), &fs) != 0) {
    rows.push_back(Warn("disk", "cannot read free space of " + disk_path + ": " +
                                    std::strerror(errno),
                        "check the path"));
  } else {
    rows.push_back(DiskRow(disk_path, static_cast<int64_t>(fs.f_bavail) * fs.f_frsize,
                           static_cast<int64_t>(fs.f_blocks) * fs.f_frsize));
  }
  return rows;
}

json DoctorRowsJson(const std::vector<DoctorRow>& rows) {
  json list = json::array();
  for (const DoctorRow& row : rows) {
    list.push_back({{"check", row.check},
                    {"status", LevelName(row.level)},
                    {"detail", row.detail},
                    {"hint", row.hint}});
  }
  return list;
}

int RunDoctor(const Invocation&, const Settings& settings, Io& io) {
  const std::vector<DoctorRow> rows = RunDoctorChecks(settings, io);
  // -q: only what needs attention, so a cron job mails nothing on a good day.
  std::vector<DoctorRow> shown;
  std::copy_if(rows.begin(), rows.end(), std::back_inserter(shown), [&](const DoctorRow& row) {
    return !settings.quiet || row.level != CheckLevel::kOk;
  });
  RenderOptions options = BaseRenderOptions(settings, io);
  options.quiet = false;
  options.columns = {"check", "status", "detail", "hint"};
  Render(DoctorRowsJson(shown), options, io.out);
  const bool problem = std::any_of(rows.begin(), rows.end(), [](const DoctorRow& row) {
    return row.level == CheckLevel::kProblem;
  });
  return problem ? 7 : 0;
}

}  // namespace mart::cli
