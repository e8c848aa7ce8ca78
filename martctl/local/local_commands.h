#pragma once
// Commands martctl answers itself, without a registry method of their own:
//   version            martctl's version, and martd's when it answers within 1 s
//   help exit-codes    the exit code table (mart::AllCodes() plus usage, check, signals)
//   daemon wait        polls daemon.status every 100 ms until it says ready

#include <vector>

#include <nlohmann/json.hpp>

#include "martctl/command.h"

namespace mart::cli {

inline constexpr int64_t kDefaultDaemonWaitSeconds = 30;

std::vector<CommandEntry> LocalCommands();

int RunVersion(const Invocation& invocation, const Settings& settings, Io& io);
int RunHelpExitCodes(const Invocation& invocation, const Settings& settings, Io& io);
// Exit 0 once ready; 6 with "daemon did not become ready within N s
// [UNAVAILABLE]" when --timeout runs out (one poll is always made).
int RunDaemonWait(const Invocation& invocation, const Settings& settings, Io& io);

// The rows of `help exit-codes`: [{"exit_code", "code" (or null), "meaning"}],
// ordered by exit code.
nlohmann::json ExitCodeTable();

}  // namespace mart::cli
