#include "martctl/local/config_show.h"

#include "martctl/render/render.h"

namespace mart::cli {

std::vector<CommandEntry> ConfigCommands() {
  return {{.group = "config",
           .verb = "show",
           .summary = "print the effective settings and where each came from "
                      "(flag, env, file, default)",
           .example = "martctl --profile work config show -o json",
           .run = RunConfigShow}};
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
  Render(ConfigRows(settings),
         RenderOptions{.format = settings.output,
                       .quiet = false,
                       .tty = io.stdout_tty,
                       .color = settings.color && io.stdout_tty,
                       .columns = {"setting", "value", "source"}},
         io.out);
  return 0;
}

}  // namespace mart::cli
