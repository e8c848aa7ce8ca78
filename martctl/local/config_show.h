#pragma once
// martctl config show: the effective global settings and where each came
// from, as rows {"setting", "value", "source"} in this order: config (the
// file's path; "(none)" appended when it does not exist), profile, endpoint,
// server-key, data-dir, output, color, timeout, token. source is "flag --NAME",
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

// martctl config add-remote NAME ENDPOINT --key KEY [--no-check]: appends a
// [profile.NAME] table with the tcp:// endpoint and martd's CURVE public key
// (server-key, in hex: see wire/curve.h) to the config file (made 0600 when new), after checking that
// martd answers there with that key (unless --no-check). Refuses a NAME the
// file already has, an endpoint that is not tcp://, a malformed key.
int RunConfigAddRemote(const Invocation& invocation, const Settings& settings, Io& io);

// The text appended for a remote profile (`hex_key`: 64 hex digits).
std::string RemoteProfileToml(const std::string& name, const std::string& endpoint,
                              const std::string& hex_key);

}  // namespace mart::cli
