#pragma once
// martctl config show: the effective global settings and where each came
// from, as rows {"setting", "value", "source"} in this order: config (the
// file's path; "(none)" appended when it does not exist), profile, endpoint,
// data-dir, output, color, timeout, token. source is "flag --NAME",
// "env VAR", "file PATH", "file PATH [profile.NAME]" or "default". A token is
// never printed: its value is "(set)" or "(not set)". Needs no daemon.

#include <nlohmann/json.hpp>
#include <vector>

#include "martctl/command.h"

namespace mart::cli {

std::vector<CommandEntry> ConfigCommands();

// The rows of `config show` for resolved settings.
nlohmann::json ConfigRows(const Settings& settings);

int RunConfigShow(const Invocation& invocation, const Settings& settings, Io& io);

}  // namespace mart::cli
