#include "martctl/settings_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include <CLI/CLI.hpp>

namespace mart::cli {
namespace {

bool IsProfileKey(const std::string& key) {
  const std::vector<std::string>& keys = ProfileKeys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

Status CheckKey(const std::string& path, const std::string& key, bool top) {
  if (key == "token") {
    return InvalidArgument(path +
                           ": 'token' is not read from config files (tokens expire); "
                           "use 'martctl auth login' or MART_TOKEN");
  }
  if (IsProfileKey(key) || (top && key == "profile")) return Status::Ok();
  return InvalidArgument(path + ": unknown key '" + key + "'" +
                         (top ? "" : " in a [profile.NAME] table"));
}

// One item of CLI11's reader: a top-level key, a key of [profile.NAME], or a
// section marker ("++" opens, "--" closes) that carries no value.
Status AddItem(const std::string& path, const CLI::ConfigItem& item, SettingsFile* file) {
  if (item.name == "++" || item.name == "--") {
    if (item.parents.empty() || item.parents.front() == "profile") return Status::Ok();
    return InvalidArgument(path + ": unknown section [" + item.parents.front() +
                           "]; only [profile.NAME] tables");
  }
  const bool top = item.parents.empty();
  if (!top && (item.parents.size() != 2 || item.parents.front() != "profile")) {
    return InvalidArgument(path + ": unknown key '" + item.fullname() +
                           "'; only [profile.NAME] tables");
  }
  MART_RETURN_IF_ERROR(CheckKey(path, item.name, top));
  if (item.inputs.size() != 1) {
    return InvalidArgument(path + ": '" + item.fullname() + "' must be one value, not a list");
  }
  auto& target = top ? file->top : file->profiles[item.parents.back()];
  target[item.name] = item.inputs.front();
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& ProfileKeys() {
  static const std::vector<std::string> kKeys = {"endpoint", "endpoint-policy", "server-key",
                                                 "data-dir", "output",          "color",
                                                 "timeout"};
  return kKeys;
}

Result<SettingsFile> ReadSettingsFile(const std::string& path, bool required) {
  SettingsFile file;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (!required) return file;
    return InvalidArgument("config file " + path + ": no such file");
  }
  std::ifstream in(path);
  if (!S_ISREG(info.st_mode) || !in) {
    return InvalidArgument("config file " + path + ": not a readable file");
  }
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_config(in);
  } catch (const std::exception& e) {
    return InvalidArgument("config file " + path + ": " + e.what());
  }
  file.path = path;
  for (const CLI::ConfigItem& item : items) {
    MART_RETURN_IF_ERROR(AddItem("config file " + path, item, &file));
  }
  return file;
}

}  // namespace mart::cli
