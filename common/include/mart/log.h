#pragma once
// Leveled logging to stderr, one line per call, safe from any thread:
//   2026-11-21T17:52:53.123456+00:00 martd INFO message
// Never log secrets: passwords, tokens, cookies, keys, card numbers.
// Messages are escaped here (EscapeLogText), so text from clients that ends
// up in a message can never start a line of its own or drive a terminal.

#include <string>
#include <string_view>

namespace mart {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
void SetLogProgram(std::string_view program);  // "martd", "mart-rest"
// Parses "debug", "info", "warn", "error"; false when unknown.
bool ParseLogLevel(std::string_view text, LogLevel* level);
bool LogEnabled(LogLevel level);
// Writes EscapeLogText(message) as one line.
void Log(LogLevel level, std::string_view message);

// `text` as one line of printable text, reversibly: printable UTF-8 stays as
// it is; "\n", "\r", "\t" and the backslash itself become \n \r \t \\; other
// C0 controls, DEL and each byte that is not part of valid UTF-8 become \xHH;
// the C1 controls (U+0080-U+009F), the line and paragraph separators
// (U+2028, U+2029) and the bidirectional controls (U+202A-U+202E,
// U+2066-U+2069), which some viewers act on, become \uHHHH. Every log line
// of martd and mart-rest goes through it.
std::string EscapeLogText(std::string_view text);

inline void LogDebug(std::string_view m) { if (LogEnabled(LogLevel::kDebug)) Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace mart
