#pragma once
// Leveled logging to stderr, one line per call, safe from any thread:
//   2026-11-21T17:52:53.123456+00:00 martd INFO message
// Never log secrets: passwords, tokens, cookies, keys, card numbers.

#include <string_view>

namespace mart {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
void SetLogProgram(std::string_view program);  // "martd", "mart-rest"
// Parses "debug", "info", "warn", "error"; false when unknown.
bool ParseLogLevel(std::string_view text, LogLevel* level);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view message);

inline void LogDebug(std::string_view m) { if (LogEnabled(LogLevel::kDebug)) Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace mart
