#include "martctl/io.h"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "mart/text.h"

namespace mart::cli {
namespace {

termios saved_terminal;

// A signal while echo is off would leave the user's terminal without echo:
// restore it, then let the signal do what it would have done.
extern "C" void RestoreTerminalAndReraise(int signal_number) {
  ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

Result<std::string> ReadSecretFromTerminal(std::string_view prompt) {
  std::cerr << prompt << std::flush;
  if (::tcgetattr(STDIN_FILENO, &saved_terminal) != 0) {
    return InvalidArgument("cannot prompt for a password: stdin is not a terminal");
  }
  termios quiet = saved_terminal;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  auto old_int = std::signal(SIGINT, RestoreTerminalAndReraise);
  auto old_term = std::signal(SIGTERM, RestoreTerminalAndReraise);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  if (!got) return InvalidArgument("no password given");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string ProcessEnv(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  return value ? std::string(value) : std::string();
}

}  // namespace

Io StandardIo() {
  return Io{.in = std::cin,
            .out = std::cout,
            .err = std::cerr,
            .stdin_tty = ::isatty(STDIN_FILENO) == 1,
            .stdout_tty = ::isatty(STDOUT_FILENO) == 1,
            .stderr_tty = ::isatty(STDERR_FILENO) == 1,
            .getenv = ProcessEnv,
            .read_secret = ReadSecretFromTerminal,
            .clock = [] { return WallClockMicros() / 1000000; },
            .connect = nullptr,
            .monotonic = nullptr,
            .sleep = nullptr,
            .subscribe = nullptr};
}

Transport Connect(const Io& io, const ClientOptions& options) {
  if (io.connect) return io.connect(options);
  auto client = std::make_shared<Client>(options);
  return [client](std::string_view method, const nlohmann::json& params, const CallOptions& call) {
    return client->Call(method, params, call);
  };
}

std::chrono::milliseconds MonotonicNow(const Io& io) {
  if (io.monotonic) return io.monotonic();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
}

void Pause(const Io& io, std::chrono::milliseconds duration) {
  if (io.sleep) return io.sleep(duration);
  std::this_thread::sleep_for(duration);
}

std::unique_ptr<EventFeed> Subscribe(const Io& io, const ClientOptions& options) {
  if (io.subscribe) return io.subscribe(options);
  return OpenEventFeed(options);
}

std::string ErrorLead(const Io& io) { return (io.where.empty() ? "martctl" : io.where) + ": "; }

int Fail(Io& io, const Status& status) {
  io.err << ErrorLead(io) << status.ToString() << "\n";
  return status.exit_code();
}

}  // namespace mart::cli
