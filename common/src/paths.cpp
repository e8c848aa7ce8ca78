#include "mart/paths.h"

#include <cstdlib>

namespace mart {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

std::string HomeRelative(const char* xdg_var, const char* fallback) {
  std::string xdg = Env(xdg_var);
  if (!xdg.empty()) return xdg + "/mart";
  std::string home = Env("HOME");
  if (home.empty()) home = "/tmp";
  return home + "/" + fallback + "/mart";
}

}  // namespace

std::string DefaultDataDir() {
  std::string explicit_dir = Env("MART_DATA_DIR");
  if (!explicit_dir.empty()) return explicit_dir;
  return HomeRelative("XDG_DATA_HOME", ".local/share");
}

std::string DefaultEndpoint(const std::string& data_dir) {
  std::string runtime = Env("XDG_RUNTIME_DIR");
  if (!runtime.empty() && data_dir == HomeRelative("XDG_DATA_HOME", ".local/share")) {
    return "ipc://" + runtime + "/mart/martd.sock";
  }
  return "ipc://" + data_dir + "/run/martd.sock";
}

std::string EventsEndpointFor(const std::string& request_endpoint) {
  if (request_endpoint.rfind("tcp://", 0) == 0) return "";
  const std::string kSuffix = ".sock";
  if (request_endpoint.size() > kSuffix.size() &&
      request_endpoint.compare(request_endpoint.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    return request_endpoint.substr(0, request_endpoint.size() - kSuffix.size()) + "-events.sock";
  }
  return request_endpoint + "-events";
}

std::string CookiePath(const std::string& data_dir) { return data_dir + "/cookie"; }

std::string DefaultConfigDir() { return HomeRelative("XDG_CONFIG_HOME", ".config"); }

}  // namespace mart
