#include "mart/config_file.h"

#include <cstdlib>
#include <memory>

#include <CLI/CLI.hpp>

#include "mart/paths.h"

namespace mart {
namespace {

// CLI11's TOML reader with mart's rules on top; see config_file.h.
class MartConfig : public CLI::ConfigTOML {
 public:
  explicit MartConfig(const CLI::App& app) : app_(app) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::vector<CLI::ConfigItem> kept;
    for (CLI::ConfigItem& item : CLI::ConfigTOML::from_config(input)) {
      if (!item.parents.empty()) {
        throw CLI::ConfigError(File() + ": [" + item.parents.front() +
                               "]: sections are not used; put every key at the top level");
      }
      const CLI::Option* option = app_.get_option_no_throw("--" + item.name);
      if (option == nullptr) {
        throw CLI::ConfigError(File() + ": unknown key '" + item.name + "'");
      }
      if (!option->get_configurable()) {
        throw CLI::ConfigError(File() + ": '" + item.name +
                               "' is a command-line flag only, not a config file key");
      }
      if (EnvSet(option->get_envname())) continue;  // the environment wins over the file
      kept.push_back(std::move(item));
    }
    return kept;
  }

 private:
  static bool EnvSet(const std::string& name) {
    if (name.empty()) return false;
    const char* value = std::getenv(name.c_str());
    return value != nullptr && *value != '\0';
  }

  std::string File() const {
    const CLI::Option* config = app_.get_config_ptr();
    std::string path = config != nullptr ? config->as<std::string>() : std::string();
    return "config file " + path;
  }

  const CLI::App& app_;
};

}  // namespace

void AddConfigFile(CLI::App& app, const std::string& default_path) {
  app.config_formatter(std::make_shared<MartConfig>(app));
  app.set_config("--config", default_path,
                 "TOML file of option defaults, keys named like the options; a missing default "
                 "file is fine. Precedence: flag > environment > file > default")
      ->type_name("FILE");
}

std::string DefaultConfigFile(const std::string& name) { return DefaultConfigDir() + "/" + name; }

}  // namespace mart
