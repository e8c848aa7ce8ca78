#pragma once
// TOML config files for martd and mart-rest, read through CLI11's TOML parser.
//
// Every option of the app may be set in the file by its long name without
// the dashes (`listen = "ipc:///run/mart.sock"`, `auto-capture = true`), at
// the top level; sections are not used. Precedence: command-line flag, then
// environment variable, then the file, then the built-in default. (CLI11 2.1
// on its own reads the file before the environment; a key whose option's
// environment variable is set is therefore dropped before CLI11 sees it.)
//
// Errors (thrown from CLI::App::parse as CLI::ConfigError, which the caller
// turns into a usage error, exit 2), each naming the file:
//   a key that is no option;  a [section];  a key of an option marked
//   command-line only (CLI::Option::configurable(false)).
// A missing default file is fine; a missing file named by --config is an
// error (CLI::FileError).

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace mart {

// Adds `--config FILE` to `app` (default `default_path`) and the file rules
// above. Call after the app's options are added and before parsing; `app`
// must outlive parsing. Not thread safe (reads the environment).
void AddConfigFile(CLI::App& app, const std::string& default_path);

// DefaultConfigDir() + "/" + name, e.g. ~/.config/mart/martd.toml.
std::string DefaultConfigFile(const std::string& name);

}  // namespace mart
