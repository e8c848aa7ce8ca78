// RunDaemon: signals and --detach around Daemon. Signals are blocked in every
// thread and taken synchronously by the main thread (sigwait), so no handler
// runs in an arbitrary thread.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "daemon/daemon.h"
#include "daemon/copy_command.h"
#include "daemon/restore.h"
#include "mart/log.h"

namespace mart::daemon {
namespace {

// Forks. The parent waits on a pipe for the child's verdict and exits with it;
// the child returns the write end (and continues as the daemon, logging to
// <data_dir>/martd.log).
int Detach(const DaemonOptions& options, int* notify_fd) {
  int fds[2];
  if (::pipe(fds) != 0) return 1;
  pid_t pid = ::fork();
  if (pid < 0) return 1;
  if (pid > 0) {
    ::close(fds[1]);
    std::string verdict;
    char buffer[512];
    ssize_t n;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) verdict.append(buffer, n);
    if (verdict.rfind("ok", 0) == 0) {
      // "ok <what started where>": the one line the caller sees.
      const std::string line = verdict.size() > 3 ? verdict.substr(3) : "martd started\n";
      ssize_t ignored = ::write(STDOUT_FILENO, line.data(), line.size());
      (void)ignored;
      return 0;
    }
    // "<exit code> <message>": the start error's own exit code, as in the foreground.
    int code = 1;
    std::string message = "martd: daemon exited during start\n";
    size_t space = verdict.find(' ');
    if (space != std::string::npos) {
      code = std::atoi(verdict.substr(0, space).c_str());
      message = verdict.substr(space + 1);
    }
    ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
    (void)ignored;
    return code > 0 ? code : 1;
  }
  ::close(fds[0]);
  ::setsid();
  MakeDirs(options.data_dir, 0700).ok();
  int null_fd = ::open("/dev/null", O_RDWR);
  int log_fd = ::open((options.data_dir + "/martd.log").c_str(),
                      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO), ::dup2(null_fd, STDOUT_FILENO);
  if (log_fd >= 0) ::dup2(log_fd, STDERR_FILENO);
  *notify_fd = fds[1];
  return -1;
}

void Notify(int* fd, const std::string& message) {
  if (*fd < 0) return;
  ssize_t ignored = ::write(*fd, message.data(), message.size());
  (void)ignored;
  ::close(*fd);
  *fd = -1;
}

}  // namespace

int RunDaemon(const DaemonOptions& options) {
  SetLogProgram("martd");
  SetLogLevel(options.log_level);
  ::umask(077);
  if (!options.restore.empty()) return RunRestore(options);
  if (!options.copy_store.empty()) return RunCopyStore(options);
  int notify_fd = -1;
  if (options.detach) {
    int parent_exit = Detach(options, &notify_fd);
    if (parent_exit >= 0) return parent_exit;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started later
  ::signal(SIGPIPE, SIG_IGN);

  Daemon daemon(options);
  // A failed start-up integrity check ends the wait below as a signal would.
  daemon.OnIntegrityFailure([] { ::kill(::getpid(), SIGTERM); });
  // daemon.stop (martctl daemon stop): the same as a SIGTERM.
  daemon.OnStopRequest([] { ::kill(::getpid(), SIGTERM); });
  Status started = daemon.Start();
  if (!started.ok()) {
    std::string message = "martd: cannot start: " + started.ToString() + "\n";
    LogError("cannot start: " + started.ToString());
    int code = started.exit_code() == 0 ? 1 : started.exit_code();
    Notify(&notify_fd, std::to_string(code) + " " + message);
    daemon.Stop();
    return code;
  }
  Notify(&notify_fd, "ok martd " MART_VERSION " started in the background: pid " +
                         std::to_string(::getpid()) + ", serving " + options.listen +
                         ", data " + options.data_dir + ", log " + options.data_dir +
                         "/martd.log\n");
  int received = 0;
  sigwait(&signals, &received);
  Status integrity = daemon.integrity();
  if (integrity.ok()) {
    LogInfo(std::string("received ") + (received == SIGINT ? "SIGINT" : "SIGTERM") +
            ": finishing in-flight requests");
  }
  daemon.Stop();
  return integrity.ok() ? 0 : integrity.exit_code();
}

}  // namespace mart::daemon
