#pragma once
// Profiles: the names under which martctl keeps settings (a [profile.NAME]
// table of martctl.toml) and saved logins (credentials.json). A profile is
// known when either has it; "default" always is.
//
//   martctl config profiles        every known profile: where it points, who is
//                                  logged in, which one is current
//   martctl config use NAME        makes NAME the profile used when none is named
//                                  (the top-level `profile` of martctl.toml)
//   martctl config current         the profile this command line would use
//
// Before a command runs, CheckProfile refuses a profile named by --profile or
// $MART_PROFILE that is not known (a typo would otherwise run without the
// login meant), except for `auth login`, which creates it; and it warns when
// the profile's saved login was made against another daemon than the one the
// command goes to (the login is then not sent).

#include <string>
#include <vector>

#include "mart/status.h"
#include "martctl/command.h"

namespace mart::cli {

std::vector<CommandEntry> ProfileCommands();

// The names of every known profile, sorted, "default" among them.
Result<std::vector<std::string>> KnownProfiles(const Settings& settings);

// INVALID_ARGUMENT for an unknown explicit profile (see above); prints the
// warning on io.err.
Status CheckProfile(const Settings& settings, const Invocation& invocation, Io& io);

// The config file's text with its top-level `profile` set to `name` (replaced
// where it is, else added before the first table).
std::string WithCurrentProfile(const std::string& toml, const std::string& name);

}  // namespace mart::cli
