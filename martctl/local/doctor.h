#pragma once
// martctl doctor: checks this machine's mart set-up without changing
// anything, one row per check {"check", "status", "detail", "hint"}:
//   config        martctl.toml and martd.toml: present? writable by others?
//   data-dir      exists, 0700 (martd refuses one writable by others)
//   store         mart.db present, its size
//   wal           mart.db-wal size (a large WAL means checkpoints are starved)
//   signing-key   signing.key present and 0600
//   cookie        the operator cookie 0600 (present while martd runs)
//   credentials   the saved logins file 0600 (it holds tokens)
//   socket        the ipc socket's directory not writable by others
//   daemon        daemon.status answers; ready; the same version as martctl
//   disk          free space on the data dir's file system
// status is "ok", "warn" or "problem"; hint says what to do ("" for ok).
// -q shows only the rows that are not ok. Exit 7 when any check is a problem, else 0 (warnings too). Needs no daemon:
// an unreachable one is the daemon row's problem.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "martctl/command.h"

namespace mart::cli {

enum class CheckLevel { kOk, kWarn, kProblem };

struct DoctorRow {
  std::string check;
  CheckLevel level = CheckLevel::kOk;
  std::string detail;
  std::string hint = {};
};

// Thresholds, exposed for the tests and the man page.
inline constexpr int64_t kWalWarnBytes = int64_t{64} << 20;         // 64 MiB
inline constexpr int64_t kDiskProblemBytes = int64_t{100} << 20;    // 100 MiB
inline constexpr int64_t kDiskWarnBytes = int64_t{1} << 30;         // 1 GiB

std::vector<CommandEntry> DoctorCommands();

// Every check, in the order above. Calls daemon.status through io.connect.
std::vector<DoctorRow> RunDoctorChecks(const Settings& settings, Io& io);

// Free bytes on the file system holding `path`, and the disk check's row for them.
DoctorRow DiskRow(const std::string& path, int64_t free_bytes, int64_t total_bytes);

nlohmann::json DoctorRowsJson(const std::vector<DoctorRow>& rows);

int RunDoctor(const Invocation& invocation, const Settings& settings, Io& io);

}  // namespace mart::cli
