#include "mart/log.h"

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>

#include "mart/text.h"

namespace mart {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_mutex;
std::string g_program = "mart";

constexpr std::string_view kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};

}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

void SetLogProgram(std::string_view program) {
  std::lock_guard lock(g_mutex);
  g_program = program;
}

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  static constexpr std::string_view kLower[] = {"debug", "info", "warn", "error"};
  for (int i = 0; i < 4; ++i) {
    if (text == kLower[i]) {
      *level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

void Log(LogLevel level, std::string_view message) {
  if (!LogEnabled(level)) return;
  std::string line = FormatTimestamp(WallClockMicros());
  std::lock_guard lock(g_mutex);
  line += " " + g_program + " " + std::string(kNames[static_cast<int>(level)]) + " ";
  line += message;
  line += '\n';
  // One write per line so concurrent lines never interleave.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace mart
