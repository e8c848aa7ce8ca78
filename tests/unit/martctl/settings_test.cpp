#include "martctl/settings.h"

#include <gtest/gtest.h>

#include "mart/paths.h"
#include "test_io.h"

namespace mart::cli {
namespace {

TEST(SettingsTest, FlagsBeatEnvironmentWhichBeatsDefaults) {
  testing::TestIo test;
  test.env["MART_ENDPOINT"] = "ipc:///env.sock";
  test.env["MART_PROFILE"] = "env-profile";
  test.env["MART_TOKEN"] = "env-token";
  test.env["MART_TIMEOUT"] = "9";
  GlobalFlags flags;
  flags.endpoint = "ipc:///flag.sock";
  flags.token = "flag-token";
  Io io = test.MakeIo();
  Settings settings = ResolveSettings(flags, io).value();
  EXPECT_EQ(settings.endpoints, std::vector<std::string>{"ipc:///flag.sock"});
  EXPECT_EQ(settings.profile, "env-profile");
  EXPECT_EQ(settings.token_flag, "flag-token");
  EXPECT_EQ(settings.token_env, "env-token");
  EXPECT_EQ(settings.timeout_s, 9);
  EXPECT_EQ(settings.credentials_path, test.CredentialsPath());
}

TEST(SettingsTest, DefaultsFollowTheDataDir) {
  testing::TestIo test;
  Io io = test.MakeIo();
  GlobalFlags flags;
  flags.data_dir = test.dir.path() + "/elsewhere";
  Settings settings = ResolveSettings(flags, io).value();
  EXPECT_EQ(settings.data_dir, flags.data_dir);
  EXPECT_EQ(settings.endpoints, std::vector<std::string>{DefaultEndpoint(flags.data_dir)});
  EXPECT_EQ(settings.cookie_path, CookiePath(flags.data_dir));
  EXPECT_EQ(settings.profile, "default");
  EXPECT_EQ(settings.timeout_s, 5);
  EXPECT_EQ(settings.output, OutputFormat::kTable);
}

TEST(SettingsTest, BadTimeoutsAreUsageErrors) {
  testing::TestIo test;
  Io io = test.MakeIo();
  for (const char* bad : {"0", "-1", "abc", "5s", "inf"}) {
    GlobalFlags flags;
    flags.timeout = bad;
    Result<Settings> settings = ResolveSettings(flags, io);
    ASSERT_FALSE(settings.ok()) << bad;
    EXPECT_EQ(settings.status().exit_code(), 2);
  }
  test.env["MART_TIMEOUT"] = "soon";
  EXPECT_FALSE(ResolveSettings(GlobalFlags{}, io).ok());
  GlobalFlags fractional;
  fractional.timeout = "0.5";
  EXPECT_EQ(ResolveSettings(fractional, io)->timeout_s, 0.5);
}

TEST(SettingsTest, ColorNeedsATerminalAndNoNoColor) {
  testing::TestIo test;
  GlobalFlags flags;
  Io piped = test.MakeIo();
  EXPECT_FALSE(ResolveSettings(flags, piped)->color);
  test.stdout_tty = true;
  Io tty = test.MakeIo();
  EXPECT_TRUE(ResolveSettings(flags, tty)->color);
  test.env["NO_COLOR"] = "1";
  EXPECT_FALSE(ResolveSettings(flags, tty)->color);
  flags.color = "always";
  EXPECT_TRUE(ResolveSettings(flags, tty)->color);
  flags.color = "never";
  test.env.erase("NO_COLOR");
  EXPECT_FALSE(ResolveSettings(flags, tty)->color);
}

}  // namespace
}  // namespace mart::cli
