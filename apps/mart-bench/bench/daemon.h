#pragma once
// The martd a benchmark runs against: by default one of its own, started on a
// fresh data dir in a temp dir with martd's defaults (WAL, synchronous=FULL)
// and stopped (SIGTERM, then SIGKILL after 15 s) and removed afterwards.

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "mart/status.h"

namespace mart::bench {

struct DaemonSpec {
  std::string martd;          // path to the binary
  std::string root;           // a fresh directory: data/ and martd.log go inside
  std::string password_cost;  // martd --password-cost
  std::vector<std::string> extra_args;
};

class LocalDaemon {
 public:
  // Starts martd in the foreground as a child and waits until it answers
  // daemon.status with ready (30 s), or fails with its log's last lines.
  static Result<std::unique_ptr<LocalDaemon>> Start(const DaemonSpec& spec);
  ~LocalDaemon();
  LocalDaemon(const LocalDaemon&) = delete;
  LocalDaemon& operator=(const LocalDaemon&) = delete;

  // SIGTERM and wait; idempotent. Returns INTERNAL when martd did not exit 0.
  Status Stop();
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  LocalDaemon() = default;
  pid_t pid_ = -1;
  std::string data_dir_;
  std::string endpoint_;
  std::string log_path_;
};

// martd beside this program in the build tree (../../martd/martd), else beside
// it (installed), else "martd" from PATH.
std::string DefaultMartdPath();
// mkdtemp under `parent` ("" → $TMPDIR or /tmp).
Result<std::string> MakeTempDir(const std::string& parent);
void RemoveTree(const std::string& path);
// "cookie:<hex>" from a data dir's operator cookie file.
Result<std::string> OperatorAuth(const std::string& data_dir);
// Polls daemon.status until it says ready; `pid` > 0 is checked for an early exit.
Status WaitReady(const std::string& endpoint, double timeout_s, pid_t pid);

}  // namespace mart::bench
