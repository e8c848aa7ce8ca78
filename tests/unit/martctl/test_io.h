#pragma once
// Test doubles for martctl: an Io over string streams with a fixed clock, a
// fake monotonic clock that pauses advance instead of sleeping, a scripted
// terminal, a fake daemon that records every call, and a private temporary
// directory. Nothing here sleeps or depends on timing.

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "martctl/app.h"
#include "martctl/io.h"
#include "util/temp_dir.h"

namespace mart::cli::testing {

// The shared private temp dir of every test layer.
using TempDir = ::mart::test::TempDir;

struct RecordedCall {
  std::string method;
  nlohmann::json params;
  CallOptions options;
};

class TestIo {
 public:
  TestIo() {
    env["MART_CREDENTIALS_FILE"] = dir.path() + "/config/mart/credentials.json";
    env["MART_DATA_DIR"] = dir.path() + "/data";
  }

  // The daemon's answer to a call; by default an empty object.
  std::function<Result<nlohmann::json>(const RecordedCall&)> answer = [](const RecordedCall&) {
    return Result<nlohmann::json>(nlohmann::json::object());
  };

  Io MakeIo() {
    return Io{.in = in,
              .out = out,
              .err = err,
              .stdin_tty = stdin_tty,
              .stdout_tty = stdout_tty,
              .getenv =
                  [this](std::string_view name) {
                    auto it = env.find(std::string(name));
                    return it == env.end() ? std::string() : it->second;
                  },
              .read_secret = [this](std::string_view prompt) -> Result<std::string> {
                prompts.emplace_back(prompt);
                if (typed.empty()) return InvalidArgument("no password given");
                std::string line = typed.front();
                typed.pop_front();
                return line;
              },
              .clock = [this] { return now; },
              .connect = [this](const ClientOptions& options) -> Transport {
                client_options = options;
                return [this](std::string_view method, const nlohmann::json& params,
                              const CallOptions& call) {
                  calls.push_back({std::string(method), params, call});
                  return answer(calls.back());
                };
              },
              .monotonic = [this] { return elapsed; },
              .sleep =
                  [this](std::chrono::milliseconds pause) {
                    sleeps.push_back(pause);
                    elapsed += pause;
                  }};
  }

  int Run(const std::vector<std::string>& args) {
    Io io = MakeIo();
    return RunCommandLine(args, io);
  }

  std::string CredentialsPath() const { return env.at("MART_CREDENTIALS_FILE"); }

  TempDir dir;
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  bool stdin_tty = false;
  bool stdout_tty = false;
  std::map<std::string, std::string> env;
  std::deque<std::string> typed;  // lines the user types at password prompts
  std::vector<std::string> prompts;
  int64_t now = 1'700'000'000;
  ClientOptions client_options;
  std::vector<RecordedCall> calls;
  std::chrono::milliseconds elapsed{0};  // the fake monotonic clock
  std::vector<std::chrono::milliseconds> sleeps;
};

}  // namespace mart::cli::testing
