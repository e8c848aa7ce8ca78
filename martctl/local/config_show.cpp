#include "martctl/local/config_show.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mart/wire/curve.h"
#include "martctl/local/credentials.h"
#include "martctl/render/render.h"
#include "martctl/settings_file.h"

namespace mart::cli {

std::vector<CommandEntry> ConfigCommands() {
  return {{.group = "config",
           .verb = "show",
           .summary = "print the effective settings and where each came from "
                      "(flag, env, file, default)",
           .example = "martctl --profile work config show -o json",
           .run = RunConfigShow},
          {.group = "config",
           .verb = "add-remote",
           .summary = "save a profile for a martd on another machine: its tcp:// endpoint and "
                      "its CURVE public key",
           .example = "martctl config add-remote shop tcp://10.0.0.5:7300 --key \"$(ssh shop cat "
                      "/var/lib/mart/curve.pub)\"",
           .args = {{.name = "name", .help = "profile name", .required = true, .positional = true,
                     .max_length = 64},
                    {.name = "endpoint", .help = "tcp://HOST:PORT of martd", .required = true,
                     .positional = true},
                    {.name = "key", .help = "martd's public key: its data dir's curve.pub",
                     .required = true, .max_length = 64}},
           .local_flags = {{.arg = {.name = "no_check", .type = ArgType::kBool,
                                    .help = "save without checking that martd answers"}}},
           .run = RunConfigAddRemote}};
}

std::string RemoteProfileToml(const std::string& name, const std::string& endpoint,
                              const std::string& key) {
  // Names, tcp:// endpoints and hex keys hold no quote, backslash or '#'.
  return "\n[profile." + name + "]\nendpoint = \"" + endpoint + "\"\nserver-key = \"" + key +
         "\"\n";
}

namespace {

Status CheckRemote(const std::string& name, const std::string& endpoint, const std::string& key) {
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789_-") != std::string::npos) {
    return InvalidArgument("profile name '" + name + "': use letters, digits, _ and -");
  }
  if (!IsTcpEndpoint(endpoint) || endpoint.find_first_of("\"\\ ") != std::string::npos) {
    return InvalidArgument("endpoint '" + endpoint +
                           "': a remote martd is reached at tcp://HOST:PORT");
  }
  return NormalizeCurveKey(key, "--key").status();
}

Status AppendPrivate(const std::string& path, const std::string& text) {
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    MART_RETURN_IF_ERROR(MakePrivateDirectories(path.substr(0, slash)));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot write " + path + ": " + std::strerror(errno));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return Unavailable("cannot write " + path + ": " + std::strerror(saved));
  return Status::Ok();
}

}  // namespace

int RunConfigAddRemote(const Invocation& invocation, const Settings& settings, Io& io) {
  const std::string name = invocation.params.value("name", "");
  const std::string endpoint = invocation.params.value("endpoint", "");
  const std::string given_key = invocation.params.value("key", "");
  if (Status valid = CheckRemote(name, endpoint, given_key); !valid.ok()) return Fail(io, valid);
  const std::string key = *NormalizeCurveKey(given_key, "--key");
  Result<SettingsFile> file = ReadSettingsFile(settings.config_path, false);
  if (!file.ok()) return Fail(io, file.status());
  if (file->profiles.count(name) != 0) {
    return Fail(io, AlreadyExists("profile " + name + " is already in " + settings.config_path +
                                  "; edit or remove its table there"));
  }
  if (!invocation.flags.value("no_check", false)) {
    const auto timeout =
        std::chrono::milliseconds(static_cast<int64_t>(settings.timeout_s * 1000));
    Transport transport = Connect(
        io, ClientOptions{
                .endpoints = {endpoint}, .timeout = timeout, .retries = 0, .server_key = key});
    Result<nlohmann::json> status =
        transport("daemon.status", nlohmann::json::object(), CallOptions{});
    if (!status.ok()) {
      return Fail(io, Unavailable("not saved: " + status.status().message() +
                                  " (--no-check saves anyway)"));
    }
  }
  if (Status saved =
          AppendPrivate(settings.config_path, RemoteProfileToml(name, endpoint, CurveKeyHex(key)));
      !saved.ok()) {
    return Fail(io, saved);
  }
  io.err << "saved profile " << name << " in " << settings.config_path
         << "; try: martctl --profile " << name << " daemon status\n";
  return 0;
}

nlohmann::json ConfigRows(const Settings& settings) {
  nlohmann::json rows = nlohmann::json::array();
  for (const SettingOrigin& origin : settings.origins) {
    rows.push_back(
        {{"setting", origin.setting}, {"value", origin.value}, {"source", origin.source}});
  }
  return rows;
}

int RunConfigShow(const Invocation&, const Settings& settings, Io& io) {
  RenderOptions options = BaseRenderOptions(settings, io);
  options.quiet = false;
  options.columns = {"setting", "value", "source"};
  Render(ConfigRows(settings), options, io.out);
  return 0;
}

}  // namespace mart::cli
