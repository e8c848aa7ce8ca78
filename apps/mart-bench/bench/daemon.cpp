#include "bench/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "mart/client/client.h"
#include "mart/paths.h"
#include "mart/wire/envelope.h"

extern char** environ;

namespace mart::bench {
namespace {

namespace fs = std::filesystem;

std::string Tail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

bool Exited(pid_t pid, int* status) { return pid > 0 && ::waitpid(pid, status, WNOHANG) == pid; }

}  // namespace

std::string DefaultMartdPath() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    for (fs::path candidate :
         {self.parent_path() / "../../martd/martd", self.parent_path() / "martd"}) {
      if (fs::exists(candidate, error)) return fs::weakly_canonical(candidate, error).string();
    }
  }
  return "martd";
}

Result<std::string> MakeTempDir(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string pattern = base + "/mart-bench.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Unavailable("cannot create a temp dir under " + base + ": " + std::strerror(errno));
  }
  return pattern;
}

void RemoveTree(const std::string& path) {
  std::error_code error;
  fs::remove_all(path, error);
}

Result<std::string> OperatorAuth(const std::string& data_dir) {
  std::ifstream in(CookiePath(data_dir));
  std::string cookie;
  if (!(in >> cookie)) return Unauthenticated("cannot read the operator cookie of " + data_dir);
  return std::string(kCookieAuthPrefix) + cookie;
}

Status WaitReady(const std::string& endpoint, double timeout_s, pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  Status last = Unavailable("daemon unavailable at " + endpoint);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (Exited(pid, &status)) return Unavailable("martd exited during its start");
    Client client({.endpoints = {endpoint}, .timeout = std::chrono::milliseconds(500), .retries = 0});
    auto reply = client.Call("daemon.status", nlohmann::json::object());
    if (reply.ok() && reply->value("ready", false)) return Status::Ok();
    if (!reply.ok()) last = reply.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Unavailable("martd did not become ready within the timeout: " + last.message());
}

Result<std::unique_ptr<LocalDaemon>> LocalDaemon::Start(const DaemonSpec& spec) {
  std::unique_ptr<LocalDaemon> daemon(new LocalDaemon());
  daemon->data_dir_ = spec.root + "/data";
  daemon->endpoint_ = "ipc://" + daemon->data_dir_ + "/run/martd.sock";
  daemon->log_path_ = spec.root + "/martd.log";
  std::vector<std::string> args = {spec.martd,           "--data-dir",
                                   daemon->data_dir_,    "--listen",
                                   daemon->endpoint_,    "--password-cost",
                                   spec.password_cost,   "--no-first-admin",
                                   "--access-token-ttl", "86400"};
  args.insert(args.end(), spec.extra_args.begin(), spec.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, daemon->log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, spec.martd.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Unavailable("cannot run " + spec.martd + ": " + std::strerror(rc));
  daemon->pid_ = pid;
  Status ready = WaitReady(daemon->endpoint_, 30, pid);
  if (!ready.ok()) {
    (void)daemon->Stop();
    return Unavailable(ready.message() + "; martd.log ends:\n" + Tail(daemon->log_path_, 2000));
  }
  return daemon;
}

Status LocalDaemon::Stop() {
  if (pid_ <= 0) return Status::Ok();
  const pid_t pid = pid_;
  pid_ = -1;
  int status = 0;
  if (Exited(pid, &status)) return Internal("martd had already exited");
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    if (Exited(pid, &status)) {
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
      return Internal("martd exited with status " + std::to_string(status) + "; martd.log ends:\n" +
                      Tail(log_path_, 2000));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return Internal("martd did not stop within 15 s of SIGTERM; killed");
}

LocalDaemon::~LocalDaemon() { (void)Stop(); }

}  // namespace mart::bench
