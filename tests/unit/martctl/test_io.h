#pragma once
// Test doubles for martctl: an Io over string streams with a fixed clock, a
// fake monotonic clock that pauses advance instead of sleeping, a scripted
// terminal, a fake daemon that records every call, a scripted event feed, and
// a private temporary directory. Nothing here sleeps or depends on timing.

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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

// Hands out TestIo::feed in order; an empty optional is a quiet wait.
// Calls on the feed's connection go to `transport` (the fake daemon);
// *connection is what connection() says (a test changes it to play a new
// connection).
class ScriptedFeed : public EventFeed {
 public:
  ScriptedFeed(std::deque<std::optional<FeedEvent>>* script, std::function<void()>* drained,
               std::chrono::milliseconds* elapsed, const uint64_t* connection, Transport transport)
      : script_(script),
        drained_(drained),
        elapsed_(elapsed),
        connection_(connection),
        transport_(std::move(transport)) {}

  uint64_t connection() const override { return *connection_; }

  Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params,
                              const CallOptions& options) override {
    return transport_(method, params, options);
  }

  std::optional<FeedEvent> Next(std::chrono::milliseconds timeout) override {
    if (script_->empty()) {
      (*drained_)();
      *elapsed_ += timeout;
      return std::nullopt;
    }
    std::optional<FeedEvent> next = std::move(script_->front());
    script_->pop_front();
    if (!next) *elapsed_ += timeout;
    return next;
  }

 private:
  std::deque<std::optional<FeedEvent>>* script_;
  std::function<void()>* drained_;
  std::chrono::milliseconds* elapsed_;
  const uint64_t* connection_;
  Transport transport_;
};

// A feed frame as martd would publish it.
inline FeedEvent Frame(int64_t seq, const std::string& topic, nlohmann::json data = {}) {
  return FeedEvent{.seq = seq,
                   .event = {{"seq", seq},
                             {"topic", topic},
                             {"created_at", "2026-01-01T00:00:00.000000+00:00"},
                             {"data", data.is_null() ? nlohmann::json::object() : data}}};
}

class TestIo {
 public:
  TestIo() {
    env["MART_CREDENTIALS_FILE"] = dir.path() + "/config/mart/credentials.json";
    env["MART_DATA_DIR"] = dir.path() + "/data";
    // The default martctl.toml lives here, never in the real home.
    env["XDG_CONFIG_HOME"] = dir.path() + "/config";
  }

  // Writes dir/config/mart/martctl.toml (the default config file); its path.
  std::string WriteConfig(const std::string& text) {
    std::filesystem::create_directories(dir.path() + "/config/mart");
    std::string path = dir.path() + "/config/mart/martctl.toml";
    std::ofstream(path) << text;
    return path;
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
                return Recorder();
              },
              .monotonic = [this] { return elapsed; },
              .sleep =
                  [this](std::chrono::milliseconds pause) {
                    sleeps.push_back(pause);
                    elapsed += pause;
                  },
              .subscribe = [this](const ClientOptions& options) -> std::unique_ptr<EventFeed> {
                subscribed = JoinEndpoints(options.endpoints);
                return std::make_unique<ScriptedFeed>(&feed, &feed_drained, &elapsed,
                                                      &feed_connection, Recorder());
              }};
  }

  // The fake daemon: records each call and answers it.
  Transport Recorder() {
    return [this](std::string_view method, const nlohmann::json& params, const CallOptions& call) {
      calls.push_back({std::string(method), params, call});
      return answer(calls.back());
    };
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
  std::deque<std::optional<FeedEvent>> feed;  // what the event feed delivers, in order
  // Runs when the feed has nothing left (a test raises SIGINT to end a tail).
  std::function<void()> feed_drained = [] { throw std::runtime_error("event feed drained"); };
  std::string subscribed;  // the endpoints of the last feed connection
  uint64_t feed_connection = 1;  // the feed's connection(): a new value is a new connection
};

}  // namespace mart::cli::testing
