#pragma once
// Commands martctl answers itself, without a registry method of their own:
//   version            martctl's version, and martd's when it answers within 1 s
//   help exit-codes    the exit code table (mart::AllCodes() plus usage, check, signals)
//   help environment   the environment variables martctl reads
//   help formats       the output formats
//   daemon wait        polls daemon.status every 100 ms until it says ready

#include <vector>

#include <nlohmann/json.hpp>

#include "martctl/command.h"

namespace mart::cli {

inline constexpr int64_t kDefaultDaemonWaitSeconds = 30;

std::vector<CommandEntry> LocalCommands();

int RunVersion(const Invocation& invocation, const Settings& settings, Io& io);
int RunHelpExitCodes(const Invocation& invocation, const Settings& settings, Io& io);
int RunHelpEnvironment(const Invocation& invocation, const Settings& settings, Io& io);
int RunHelpFormats(const Invocation& invocation, const Settings& settings, Io& io);
// Exit 0 once ready; 6 with "daemon did not become ready within N s
// [UNAVAILABLE]" when --timeout runs out (one poll is always made).
int RunDaemonWait(const Invocation& invocation, const Settings& settings, Io& io);

// The rows of `help exit-codes`: [{"exit_code", "code" (or null), "meaning"}],
// ordered by exit code.
nlohmann::json ExitCodeTable();
// The rows of `help environment` [{"variable", "meaning"}] and `help formats`
// [{"format", "meaning"}].
nlohmann::json EnvironmentTable();
nlohmann::json FormatTable();

}  // namespace mart::cli
