// martctl.toml: flag > environment > [profile.NAME] > top level > default,
// unknown keys and sections, tokens refused, and config show's sources.
#include "martctl/settings_file.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "mart/wire/curve.h"
#include "martctl/local/config_show.h"
#include "martctl/settings.h"
#include "test_io.h"

namespace mart::cli {
namespace {

constexpr char kConfig[] =
    "endpoint = \"ipc:///file.sock\"\n"
    "timeout = 7\n"
    "output = \"json\"\n"
    "[profile.work]\n"
    "endpoint = \"ipc:///work.sock\"\n"
    "color = \"always\"\n";

const SettingOrigin& Origin(const Settings& settings, const std::string& name) {
  auto it = std::find_if(settings.origins.begin(), settings.origins.end(),
                         [&](const SettingOrigin& origin) { return origin.setting == name; });
  if (it == settings.origins.end()) throw std::runtime_error("no setting " + name);
  return *it;
}

TEST(SettingsFileTest, FileFillsWhatFlagsAndEnvironmentLeaveOpen) {
  testing::TestIo test;
  std::string path = test.WriteConfig(kConfig);
  Io io = test.MakeIo();
  Settings settings = ResolveSettings(GlobalFlags{}, io).value();
  EXPECT_EQ(settings.endpoints, std::vector<std::string>{"ipc:///file.sock"});
  EXPECT_EQ(settings.timeout_s, 7);
  EXPECT_EQ(settings.output, OutputFormat::kJson);
  EXPECT_FALSE(settings.color);  // color = "always" is only in [profile.work]
  EXPECT_EQ(Origin(settings, "endpoint").source, "file " + path);
  EXPECT_EQ(Origin(settings, "config").value, path);

  test.env["MART_ENDPOINT"] = "ipc:///env.sock";
  test.env["MART_TIMEOUT"] = "3";
  GlobalFlags flags;
  flags.timeout = "2";
  flags.output = "table";
  settings = ResolveSettings(flags, io).value();
  EXPECT_EQ(settings.endpoints, std::vector<std::string>{"ipc:///env.sock"});
  EXPECT_EQ(Origin(settings, "endpoint").source, "env MART_ENDPOINT");
  EXPECT_EQ(settings.timeout_s, 2);
  EXPECT_EQ(Origin(settings, "timeout").source, "flag --timeout");
  EXPECT_EQ(settings.output, OutputFormat::kTable);
}

TEST(SettingsFileTest, ProfileTableAppliesOnlyToThatProfile) {
  testing::TestIo test;
  std::string path = test.WriteConfig(kConfig);
  Io io = test.MakeIo();
  GlobalFlags work;
  work.profile = "work";
  Settings settings = ResolveSettings(work, io).value();
  EXPECT_EQ(settings.endpoints, std::vector<std::string>{"ipc:///work.sock"});
  EXPECT_EQ(Origin(settings, "endpoint").source, "file " + path + " [profile.work]");
  EXPECT_TRUE(settings.color);
  EXPECT_EQ(settings.timeout_s, 7);  // not in the table: the top level
  GlobalFlags other;
  other.profile = "home";
  EXPECT_EQ(ResolveSettings(other, io)->endpoints, std::vector<std::string>{"ipc:///file.sock"});
}

TEST(SettingsFileTest, FileMayChooseTheProfile) {
  testing::TestIo test;
  test.WriteConfig(std::string("profile = \"work\"\n") + kConfig);
  Io io = test.MakeIo();
  Settings settings = ResolveSettings(GlobalFlags{}, io).value();
  EXPECT_EQ(settings.profile, "work");
  EXPECT_TRUE(settings.profile_explicit);
  EXPECT_EQ(settings.endpoints, std::vector<std::string>{"ipc:///work.sock"});
  test.env["MART_PROFILE"] = "home";
  EXPECT_EQ(ResolveSettings(GlobalFlags{}, io)->endpoints, std::vector<std::string>{"ipc:///file.sock"});
}

TEST(SettingsFileTest, ConfigFlagAndEnvironmentNameTheFile) {
  testing::TestIo test;
  test.WriteConfig(kConfig);
  std::string other = test.dir.path() + "/other.toml";
  std::ofstream(other) << "endpoint = \"ipc:///other.sock\"\n";
  Io io = test.MakeIo();
  test.env["MART_CONFIG"] = other;
  EXPECT_EQ(ResolveSettings(GlobalFlags{}, io)->endpoints, std::vector<std::string>{"ipc:///other.sock"});
  GlobalFlags flags;
  flags.config = test.dir.path() + "/missing.toml";
  Result<Settings> missing = ResolveSettings(flags, io);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().exit_code(), 2);
  EXPECT_NE(missing.status().message().find("missing.toml"), std::string::npos);
}

TEST(SettingsFileTest, MissingDefaultFileIsFine) {
  testing::TestIo test;
  Io io = test.MakeIo();
  Settings settings = ResolveSettings(GlobalFlags{}, io).value();
  EXPECT_EQ(Origin(settings, "config").value, test.dir.path() + "/config/mart/martctl.toml (none)");
  EXPECT_EQ(Origin(settings, "endpoint").source, "default");
  EXPECT_EQ(Origin(settings, "timeout").value, "5");
}

TEST(SettingsFileTest, BadFilesAreErrorsNamingKeyAndFile) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"endpiont = \"ipc:///x.sock\"\n", "unknown key 'endpiont'"},
      {"[profile.work]\nprofile = \"x\"\n", "unknown key 'profile' in a [profile.NAME]"},
      {"[server]\nport = 1\n", "unknown section [server]"},
      {"token = \"eyJ\"\n", "'token' is not read from config files"},
      {"[profile.work]\ntoken = \"eyJ\"\n", "'token' is not read from config files"},
      {"output = \"yaml\"\n", "must be one of table, json, not 'yaml'"},
      {"timeout = \"soon\"\n", "must be a number of seconds"},
  };
  for (const auto& [text, want] : cases) {
    testing::TestIo test;
    std::string path = test.WriteConfig(text);
    Io io = test.MakeIo();
    Result<Settings> settings = ResolveSettings(GlobalFlags{}, io);
    ASSERT_FALSE(settings.ok()) << text;
    EXPECT_EQ(settings.status().exit_code(), 2) << text;
    EXPECT_NE(settings.status().message().find(want), std::string::npos)
        << settings.status().message();
    EXPECT_NE(settings.status().message().find(path), std::string::npos)
        << settings.status().message();
  }
}

TEST(ConfigShowTest, PrintsEverySettingWithItsSourceAndNeverTheToken) {
  testing::TestIo test;
  std::string path = test.WriteConfig(kConfig);
  test.env["MART_TOKEN"] = "secret-token-value";
  ASSERT_EQ(test.Run({"--profile", "work", "config", "show", "-o", "json"}), 0) << test.err.str();
  nlohmann::json rows = nlohmann::json::parse(test.out.str());
  std::map<std::string, std::pair<std::string, std::string>> by_setting;
  for (const auto& row : rows) {
    by_setting[row["setting"]] = {row["value"], row["source"]};
  }
  EXPECT_EQ(by_setting["config"], std::make_pair(path, std::string("default")));
  EXPECT_EQ(by_setting["profile"],
            std::make_pair(std::string("work"), std::string("flag --profile")));
  EXPECT_EQ(by_setting["endpoint"].second, "file " + path + " [profile.work]");
  EXPECT_EQ(by_setting["timeout"], std::make_pair(std::string("7"), "file " + path));
  EXPECT_EQ(by_setting["output"],
            std::make_pair(std::string("json"), std::string("flag --output")));
  EXPECT_EQ(by_setting["data-dir"].second, "env MART_DATA_DIR");
  EXPECT_EQ(by_setting["token"],
            std::make_pair(std::string("(set)"), std::string("env MART_TOKEN")));
  EXPECT_EQ(test.out.str().find("secret-token-value"), std::string::npos);
  EXPECT_TRUE(test.calls.empty());  // a local command: martd is never asked
}

TEST(SettingsFileTest, AProfileTakesAListOfEndpointsAndAPolicy) {
  testing::TestIo test;
  std::string path = test.WriteConfig(
      "endpoint-policy = \"random\"\n"
      "[profile.cluster]\n"
      "endpoint = \"ipc:///a.sock, ipc:///b.sock\"\n");
  Io io = test.MakeIo();
  Settings settings = ResolveSettings(GlobalFlags{.profile = "cluster"}, io).value();
  EXPECT_EQ(settings.endpoints, (std::vector<std::string>{"ipc:///a.sock", "ipc:///b.sock"}));
  EXPECT_EQ(settings.endpoint_policy, EndpointPolicy::kRandom);
  EXPECT_EQ(Origin(settings, "endpoint").value, "ipc:///a.sock, ipc:///b.sock");
  EXPECT_EQ(Origin(settings, "endpoint-policy").source, "file " + path);
  test.env["MART_ENDPOINT_POLICY"] = "failover";
  EXPECT_EQ(ResolveSettings(GlobalFlags{}, io)->endpoint_policy, EndpointPolicy::kFailover);
  test.WriteConfig("endpoint-policy = \"nearest\"\n");
  test.env.erase("MART_ENDPOINT_POLICY");
  Result<Settings> bad = ResolveSettings(GlobalFlags{}, io);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("endpoint-policy (file "), std::string::npos)
      << bad.status().message();
}

TEST(ConfigShowTest, TableWithoutTheTokenToo) {
  testing::TestIo test;
  ASSERT_EQ(test.Run({"config", "show", "--token", "flag-secret"}), 0) << test.err.str();
  EXPECT_EQ(test.out.str().find("flag-secret"), std::string::npos);
  EXPECT_NE(test.out.str().find("token\t(set)\tflag --token"), std::string::npos) << test.out.str();
  EXPECT_NE(test.out.str().find("endpoint\t"), std::string::npos);
  EXPECT_NE(test.out.str().find("endpoint-policy\tfailover\tdefault"), std::string::npos)
      << test.out.str();
}

}  // namespace
}  // namespace mart::cli

namespace mart::cli {
namespace {

// config add-remote appends a table that the reader takes back unchanged.
TEST(RemoteProfileTest, TheAppendedTableReadsBack) {
  testing::TestIo test;
  // A Z85 key may hold '#', which the TOML reader cuts at: the file keeps hex.
  const std::string key = "mm:m}!X6*5r9C1kl[/#kQC)6W=KD$C&Y%tyLxuNN";
  std::string path = test.WriteConfig("timeout = 3\n");
  std::ofstream(path, std::ios::app)
      << RemoteProfileToml("shop", "tcp://10.0.0.5:7300", CurveKeyHex(key));
  auto file = ReadSettingsFile(path, true);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->top.at("timeout"), "3");
  EXPECT_EQ(file->profiles.at("shop").at("endpoint"), "tcp://10.0.0.5:7300");
  EXPECT_EQ(*NormalizeCurveKey(file->profiles.at("shop").at("server-key"), "key"), key);
}

TEST(RemoteProfileTest, AddRemoteRefusesBadInputBeforeTouchingTheFile) {
  testing::TestIo test;
  EXPECT_EQ(test.Run({"config", "add-remote", "shop", "ipc:///x.sock", "--key",
                      "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"}),
            2);
  EXPECT_EQ(test.Run({"config", "add-remote", "bad name", "tcp://h:1", "--key",
                      "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"}),
            2);
  EXPECT_EQ(test.Run({"config", "add-remote", "shop", "tcp://h:1", "--key", "short"}), 2);
  EXPECT_FALSE(std::filesystem::exists(test.dir.path() + "/config/mart/martctl.toml"));
}

}  // namespace
}  // namespace mart::cli
