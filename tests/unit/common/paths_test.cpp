#include "mart/paths.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <optional>
#include <string>

namespace mart {
namespace {

// Sets environment variables for one test and restores them afterwards.
class PathsTest : public ::testing::Test {
 protected:
  void Set(const char* name, std::optional<std::string> value) {
    if (saved_.count(name) == 0) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(PathsTest, DataDirPrefersMartDataDirThenXdgThenHome) {
  Set("MART_DATA_DIR", "/srv/mart");
  Set("XDG_DATA_HOME", "/xdg/data");
  Set("HOME", "/home/ann");
  EXPECT_EQ(DefaultDataDir(), "/srv/mart");
  Set("MART_DATA_DIR", std::nullopt);
  EXPECT_EQ(DefaultDataDir(), "/xdg/data/mart");
  Set("XDG_DATA_HOME", "");
  EXPECT_EQ(DefaultDataDir(), "/home/ann/.local/share/mart");
}

TEST_F(PathsTest, ConfigDirPrefersXdgThenHome) {
  Set("XDG_CONFIG_HOME", "/xdg/config");
  Set("HOME", "/home/ann");
  EXPECT_EQ(DefaultConfigDir(), "/xdg/config/mart");
  Set("XDG_CONFIG_HOME", std::nullopt);
  EXPECT_EQ(DefaultConfigDir(), "/home/ann/.config/mart");
}

TEST_F(PathsTest, DefaultDataDirUsesTheRuntimeDirSocket) {
  Set("MART_DATA_DIR", std::nullopt);
  Set("XDG_DATA_HOME", "/xdg/data");
  Set("XDG_RUNTIME_DIR", "/run/user/1000");
  EXPECT_EQ(DefaultEndpoint("/xdg/data/mart"), "ipc:///run/user/1000/mart/martd.sock");
  // Any other data dir keeps its socket inside, so two daemons never share one.
  EXPECT_EQ(DefaultEndpoint("/tmp/other"), "ipc:///tmp/other/run/martd.sock");
  Set("XDG_RUNTIME_DIR", std::nullopt);
  EXPECT_EQ(DefaultEndpoint("/xdg/data/mart"), "ipc:///xdg/data/mart/run/martd.sock");
}

TEST_F(PathsTest, EventsEndpointSitsBesideTheRequestEndpoint) {
  EXPECT_EQ(EventsEndpointFor("ipc:///run/mart/martd.sock"), "ipc:///run/mart/martd-events.sock");
  EXPECT_EQ(EventsEndpointFor("tcp://127.0.0.1:5555"), "") << "no PUB socket on tcp";
  EXPECT_EQ(EventsEndpointFor(".sock"), ".sock-events");
}

TEST_F(PathsTest, CookieLivesInTheDataDir) {
  EXPECT_EQ(CookiePath("/srv/mart"), "/srv/mart/cookie");
}

}  // namespace
}  // namespace mart
