#include "martctl/local/profiles.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "martctl/local/auth.h"
#include "martctl/local/credentials.h"
#include "martctl/render/render.h"
#include "martctl/settings_file.h"

namespace mart::cli {
namespace {

using nlohmann::json;

std::string Joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// `profile = …` (not `profile.x = …`), as the top level of martctl.toml has it.
bool IsProfileKey(std::string_view line) {
  if (line.rfind("profile", 0) != 0) return false;
  std::string_view rest = line.substr(7);
  const size_t at = rest.find_first_not_of(" \t");
  return at != std::string_view::npos && rest[at] == '=';
}

// Where the profile setting came from ("flag --profile", "env MART_PROFILE", ...).
std::string ProfileSource(const Settings& settings) {
  for (const SettingOrigin& origin : settings.origins) {
    if (origin.setting == "profile") return origin.source;
  }
  return "default";
}

int RunConfigProfiles(const Invocation&, const Settings& settings, Io& io) {
  Result<std::vector<std::string>> names = KnownProfiles(settings);
  if (!names.ok()) return Fail(io, names.status());
  Result<SettingsFile> file = ReadSettingsFile(settings.config_path, false);
  if (!file.ok()) return Fail(io, file.status());
  auto logins = CredentialsFile(settings.credentials_path).LoadAll();
  if (!logins.ok()) return Fail(io, logins.status());
  json rows = json::array();
  for (const std::string& name : *names) {
    const auto table = file->profiles.find(name);
    const auto login = logins->find(name);
    std::string endpoint;
    if (table != file->profiles.end() && table->second.count("endpoint") != 0) {
      endpoint = table->second.at("endpoint");
    } else if (file->top.count("endpoint") != 0) {
      endpoint = file->top.at("endpoint");
    }
    const bool logged_in = login != logins->end() && login->second.logged_in();
    std::vector<std::string> defined;
    if (table != file->profiles.end()) defined.push_back("config");
    if (login != logins->end()) defined.push_back("credentials");
    rows.push_back({{"name", name},
                    {"current", name == settings.profile},
                    {"endpoint", endpoint.empty() ? json() : json(endpoint)},
                    {"login", logged_in ? json(login->second.email) : json()},
                    {"login_endpoint",
                     logged_in ? json(JoinEndpoints(login->second.endpoints)) : json()},
                    {"defined_in", defined.empty() ? json() : json(Joined(defined))}});
  }
  RenderOptions options = BaseRenderOptions(settings, io);
  options.id_field = "name";
  options.columns = {"current", "name", "endpoint", "login", "defined_in"};
  Render(rows, options, io.out);
  return 0;
}

int RunConfigCurrent(const Invocation&, const Settings& settings, Io& io) {
  const json current = {{"name", settings.profile}, {"source", ProfileSource(settings)}};
  if (settings.output == OutputFormat::kJson && !settings.quiet) {
    RenderOptions options = BaseRenderOptions(settings, io);
    Render(current, options, io.out);
  } else {
    io.out << settings.profile << "\n";
  }
  return 0;
}

int RunConfigUse(const Invocation& invocation, const Settings& settings, Io& io) {
  const std::string name = invocation.params.value("name", "");
  Result<std::vector<std::string>> names = KnownProfiles(settings);
  if (!names.ok()) return Fail(io, names.status());
  if (std::find(names->begin(), names->end(), name) == names->end()) {
    return Fail(io, InvalidArgument("unknown profile '" + name + "' (known: " + Joined(*names) +
                                    "); log in with 'martctl --profile " + name +
                                    " auth login' or add it with 'martctl config add-remote'",
                                    {{"field", "name"}}));
  }
  if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
      std::string::npos) {
    return Fail(io, InvalidArgument("profile name '" + name + "': use letters, digits, _ and -",
                                    {{"field", "name"}}));
  }
  // Validate what is there first: never rewrite a file martctl cannot read.
  if (Result<SettingsFile> file = ReadSettingsFile(settings.config_path, false); !file.ok()) {
    return Fail(io, file.status());
  }
  Result<std::string> text = ReadTextFile(settings.config_path);
  if (!text.ok() && text.status().code() != Code::kNotFound) return Fail(io, text.status());
  const std::string updated = WithCurrentProfile(text.ok() ? *text : "", name);
  if (Status written = WritePrivateFile(settings.config_path, updated); !written.ok()) {
    return Fail(io, written);
  }
  io.err << "profile " << name << " is now the default (" << settings.config_path
         << "); --profile and MART_PROFILE still choose another\n";
  return 0;
}

}  // namespace

std::vector<CommandEntry> ProfileCommands() {
  return {{.group = "config",
           .verb = "profiles",
           .summary = "list the profiles (config tables and saved logins) and which is current",
           .example = "martctl config profiles",
           .run = RunConfigProfiles},
          {.group = "config",
           .verb = "use",
           .summary = "make a profile the one used when none is named (saved in the config file)",
           .example = "martctl config use shop",
           .args = {{.name = "name", .help = "profile name", .required = true, .positional = true,
                     .max_length = 64}},
           .run = RunConfigUse},
          {.group = "config",
           .verb = "current",
           .summary = "print the profile this command line uses",
           .example = "martctl config current",
           .run = RunConfigCurrent}};
}

Result<std::vector<std::string>> KnownProfiles(const Settings& settings) {
  std::set<std::string> names = {std::string(kDefaultProfile)};
  for (const std::string& name : settings.file_profiles) names.insert(name);
  MART_ASSIGN_OR_RETURN(auto logins, CredentialsFile(settings.credentials_path).LoadAll());
  for (const auto& [name, login] : logins) names.insert(name);
  return std::vector<std::string>(names.begin(), names.end());
}

Status CheckProfile(const Settings& settings, const Invocation& invocation, Io& io) {
  const CommandSpec* spec = invocation.entry->spec;
  // A token names its own user: no saved login is read.
  if (!settings.token_flag.empty() || !settings.token_env.empty()) return Status::Ok();
  if (settings.profile_explicit && !(spec != nullptr && spec->method == "auth.login")) {
    Result<std::vector<std::string>> names = KnownProfiles(settings);
    // An unreadable credentials file is reported by the command that reads it.
    if (names.ok() &&
        std::find(names->begin(), names->end(), settings.profile) == names->end()) {
      return InvalidArgument("unknown profile '" + settings.profile + "' (" +
                             ProfileSource(settings) + "; known: " + Joined(*names) +
                             "); 'martctl --profile " + settings.profile +
                             " auth login' creates it");
    }
  }
  if (spec == nullptr) return Status::Ok();
  Result<Profile> login = CredentialsFile(settings.credentials_path).Load(settings.profile);
  if (login.ok() && login->logged_in() && !ProfileServes(*login, settings.endpoints)) {
    io.err << ErrorLead(io) << "note: profile " << settings.profile << " is logged in at "
           << JoinEndpoints(login->endpoints) << ", not at " << JoinEndpoints(settings.endpoints)
           << ", so its login is not sent there\n";
  }
  return Status::Ok();
}

std::string WithCurrentProfile(const std::string& toml, const std::string& name) {
  std::istringstream in(toml);
  std::string out;
  std::string line;
  bool done = false;
  bool top = true;
  while (std::getline(in, line)) {
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
      trimmed.remove_prefix(1);
    }
    if (!trimmed.empty() && trimmed.front() == '[') {
      if (top && !done) out += "profile = \"" + name + "\"\n";
      done = true;
      top = false;
    }
    if (top && IsProfileKey(trimmed)) {
      if (!done) out += "profile = \"" + name + "\"\n";
      done = true;
      continue;
    }
    out += line + "\n";
  }
  if (!done) out += "profile = \"" + name + "\"\n";
  return out;
}

}  // namespace mart::cli
