#include "mart/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "mart/text.h"

namespace mart {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_mutex;
std::string g_program = "mart";

constexpr std::string_view kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};

// Printable, but acted on by some viewers: a new line, or text reordered.
bool IsFormatControl(uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

void AppendHex(std::string& out, const char* prefix, uint32_t value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "%s%0*x", prefix, digits, static_cast<unsigned>(value));
  out += text;
}

}  // namespace

std::string EscapeLogText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t c = 0;
    const size_t length = DecodeUtf8(text, i, &c);
    if (length == 0) {
      AppendHex(out, "\\x", static_cast<unsigned char>(text[i]), 2);
      ++i;
      continue;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7F) {
      AppendHex(out, "\\x", c, 2);
    } else if (IsFormatControl(c)) {
      AppendHex(out, "\\u", c, 4);
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

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
  const std::string text = EscapeLogText(message);
  std::lock_guard lock(g_mutex);
  line += " " + g_program + " " + std::string(kNames[static_cast<int>(level)]) + " ";
  line += text;
  line += '\n';
  // One write per line so concurrent lines never interleave.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace mart
