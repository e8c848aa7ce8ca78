#pragma once
// The outside world of one martctl command line: streams, whether they are
// terminals, the environment, the terminal password prompt, the clocks, the
// connection to martd and its event feed. main() uses StandardIo(); tests and
// the REPL build their own, so that the whole argv -> params -> call -> render
// path runs without a real terminal or daemon.

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mart/client/client.h"
#include "mart/status.h"
#include "martctl/event_feed.h"

namespace mart::cli {

// One request to martd: the result object or the daemon's (or transport's) error.
using Transport = std::function<Result<nlohmann::json>(
    std::string_view method, const nlohmann::json& params, const CallOptions& options)>;

struct Io {
  std::istream& in;
  std::ostream& out;  // data only
  std::ostream& err;  // messages, prompts and errors
  bool stdin_tty = false;
  bool stdout_tty = false;
  bool stderr_tty = false;  // progress bars only on a terminal
  // The value of an environment variable; "" when unset.
  std::function<std::string(std::string_view name)> getenv;
  // Shows `prompt` and reads one line without echo. Only called when stdin_tty.
  std::function<Result<std::string>(std::string_view prompt)> read_secret;
  // Unix seconds.
  std::function<int64_t()> clock;
  // Opens a connection; empty means a real mart::Client.
  std::function<Transport(const ClientOptions& options)> connect;
  // A monotonic clock and a pause, for polls and waits; empty means the
  // steady clock and a real sleep. Tests fake both: waiting costs no time.
  std::function<std::chrono::milliseconds()> monotonic;
  std::function<void(std::chrono::milliseconds)> sleep;
  // Opens a connection that can receive martd's event feed; empty means
  // OpenEventFeed (a real mart::Client).
  std::function<std::unique_ptr<EventFeed>(const ClientOptions& options)> subscribe;
  // Where the command came from, in script mode ("setup.mart:3: product get
  // ID"): it starts error lines in place of "martctl" (ErrorLead).
  std::string where = {};
};

// std::cin/cout/cerr, isatty(), ::getenv, a termios prompt on the terminal,
// the wall clock and mart::Client.
Io StandardIo();

// A Transport for `options`: io.connect when set, else a new mart::Client
// (owned by the returned function; not thread safe, like the Client).
Transport Connect(const Io& io, const ClientOptions& options);

// io.monotonic / io.sleep / io.subscribe, or the real ones when empty.
std::chrono::milliseconds MonotonicNow(const Io& io);
void Pause(const Io& io, std::chrono::milliseconds duration);
std::unique_ptr<EventFeed> Subscribe(const Io& io, const ClientOptions& options);

// What an error line starts with: "martctl: ", or "<io.where>: " in script mode.
std::string ErrorLead(const Io& io);
// Prints "martctl: <message> [CODE]" (ErrorLead) on io.err and returns the
// status's exit code.
int Fail(Io& io, const Status& status);

}  // namespace mart::cli
