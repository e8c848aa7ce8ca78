#pragma once
// martctl.toml: defaults for martctl's global flags, read with CLI11's TOML
// parser (the same reader as martd.toml and mart-rest.toml).
//
//   endpoint = "ipc:///run/user/1000/mart/martd.sock"   # top level: every
//   profile timeout = 10 profile = "work"              # the profile used when
//   none is named [profile.work]                # applied only when profile
//   "work" is selected endpoint = "ipc:///srv/mart/run/martd.sock" output =
//   "json"
//
// Top-level keys: endpoint (one, or a comma-separated list), endpoint-policy,
// server-key, data-dir, output, color, timeout, profile; a
// [profile.NAME] table takes the same keys but profile. Anything else is an
// error naming the key and the file. `token` is refused on purpose: access
// tokens expire within the hour and saved logins (credentials.json, 0600)
// refresh themselves, so a token in a config file is only a leak.

#include <map>
#include <string>
#include <vector>

#include "mart/status.h"

namespace mart::cli {

struct SettingsFile {
  std::string path = {};                        // the file read; "" when there was none
  std::map<std::string, std::string> top = {};  // key -> value
  std::map<std::string, std::map<std::string, std::string>> profiles = {};  // NAME -> key -> value
};

// The keys a [profile.NAME] table may set (the top level adds "profile").
const std::vector<std::string>& ProfileKeys();

// Reads `path`. A file that does not exist is an empty SettingsFile unless
// `required` (named by --config or $MART_CONFIG): then INVALID_ARGUMENT, as is
// a file CLI11 cannot parse, an unknown key or section, a list value, or
// `token`. Messages name the file.
Result<SettingsFile> ReadSettingsFile(const std::string& path, bool required);

}  // namespace mart::cli
