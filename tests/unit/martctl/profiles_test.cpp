// Profiles as kubectl contexts: an unknown --profile is refused before any
// call, `config profiles/use/current`, login hints that keep --profile, and
// one endpoint however it is spelled.
#include "martctl/local/profiles.h"

#include <fstream>

#include <gtest/gtest.h>

#include "martctl/local/auth.h"
#include "martctl/local/credentials.h"
#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ProfilesTest, AnUnknownProfileIsRefusedBeforeAnyCall) {
  testing::TestIo test;
  EXPECT_EQ(test.Run({"--profile", "wrok", "order", "list"}), 2);
  EXPECT_EQ(test.err.str(),
            "martctl: unknown profile 'wrok' (flag --profile; known: default); 'martctl "
            "--profile wrok auth login' creates it [INVALID_ARGUMENT]\n");
  EXPECT_TRUE(test.calls.empty());
  testing::TestIo env;
  env.env["MART_PROFILE"] = "nope";
  EXPECT_EQ(env.Run({"order", "list"}), 2);
  EXPECT_NE(env.err.str().find("env MART_PROFILE"), std::string::npos) << env.err.str();
}

TEST(ProfilesTest, LoginCreatesAProfileAndConfigTablesAreKnown) {
  testing::TestIo test;
  test.WriteConfig("[profile.shop]\nendpoint = \"ipc:///tmp/shop.sock\"\n");
  EXPECT_EQ(test.Run({"--profile", "shop", "product", "list", "-q"}), 0) << test.err.str();
  // auth login makes a new profile: never refused as unknown.
  testing::TestIo login;
  login.in.str("Password123\n");
  login.answer = [](const testing::RecordedCall&) -> Result<json> {
    return Unauthenticated("invalid email or password");
  };
  EXPECT_EQ(login.Run({"--profile", "work", "auth", "login", "--email", "ann@example.com",
                       "--password-stdin"}),
            4);
  EXPECT_EQ(login.err.str().find("unknown profile"), std::string::npos) << login.err.str();
  ASSERT_EQ(login.calls.size(), 1u);
}

TEST(ProfilesTest, ProfilesListsUseSelectsCurrentPrints) {
  testing::TestIo test;
  test.WriteConfig("# mine\noutput = \"table\"\n\n[profile.shop]\nendpoint = \"ipc:///tmp/s.sock\"\n");
  EXPECT_EQ(test.Run({"config", "profiles", "-o", "json"}), 0) << test.err.str();
  json rows = json::parse(test.out.str());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["name"], "default");
  EXPECT_EQ(rows[0]["current"], true);
  EXPECT_EQ(rows[1]["name"], "shop");
  EXPECT_EQ(rows[1]["endpoint"], "ipc:///tmp/s.sock");
  EXPECT_EQ(rows[1]["defined_in"], "config");

  testing::TestIo use;
  const std::string path = use.WriteConfig(ReadFile(test.dir.path() + "/config/mart/martctl.toml"));
  EXPECT_EQ(use.Run({"config", "use", "shop"}), 0) << use.err.str();
  EXPECT_EQ(ReadFile(path),
            "# mine\noutput = \"table\"\n\nprofile = \"shop\"\n[profile.shop]\nendpoint = "
            "\"ipc:///tmp/s.sock\"\n");
  use.out.str("");
  EXPECT_EQ(use.Run({"config", "current"}), 0);
  EXPECT_EQ(use.out.str(), "shop\n");
  EXPECT_EQ(use.Run({"config", "use", "nope"}), 2);
  EXPECT_NE(use.err.str().find("unknown profile 'nope'"), std::string::npos);
}

TEST(ProfilesTest, UseReplacesTheTopLevelProfileOnly) {
  EXPECT_EQ(WithCurrentProfile("", "a"), "profile = \"a\"\n");
  EXPECT_EQ(WithCurrentProfile("profile = \"x\"\ntimeout = 3\n", "a"),
            "profile = \"a\"\ntimeout = 3\n");
  EXPECT_EQ(WithCurrentProfile("timeout = 3\n[profile.x]\nprofile_note = 1\n", "a"),
            "timeout = 3\nprofile = \"a\"\n[profile.x]\nprofile_note = 1\n");
}

TEST(ProfilesTest, LoginHintsKeepTheProfile) {
  EXPECT_EQ(LoginHint("default"), "martctl auth login");
  EXPECT_EQ(LoginHint("shop"), "martctl --profile shop auth login");
}

TEST(ProfilesTest, OneSocketHoweverItIsSpelled) {
  testing::TempDir dir;
  const std::string a = "ipc://" + dir.path() + "/run/martd.sock";
  EXPECT_TRUE(SameEndpoint(a, "ipc://" + dir.path() + "//run/./martd.sock"));
  EXPECT_TRUE(SameEndpoint(a, "ipc://" + dir.path() + "/x/../run/martd.sock"));
  EXPECT_FALSE(SameEndpoint(a, "ipc://" + dir.path() + "/run/other.sock"));
  EXPECT_TRUE(SameEndpoint("tcp://Shop.Example:7300", "tcp://shop.example:7300"));
  EXPECT_FALSE(SameEndpoint("tcp://shop:7300", "tcp://shop:7301"));
  EXPECT_TRUE(ProfileServes(Profile{.endpoints = {a}, .access_token = "t"},
                            {"ipc://" + dir.path() + "//run/martd.sock"}));
}

TEST(ProfilesTest, ALoginMadeAtAnotherDaemonIsNotSentAndSaysSo) {
  testing::TestIo test;
  CredentialsFile file(test.CredentialsPath());
  ASSERT_TRUE(file.Store("default", Profile{.endpoints = {"ipc:///elsewhere.sock"},
                                            .email = "ann@example.com",
                                            .access_token = "a.b.c",
                                            .refresh_token = "r"})
                  .ok());
  EXPECT_EQ(test.Run({"order", "list", "-q"}), 0);
  EXPECT_NE(test.err.str().find("note: profile default is logged in at ipc:///elsewhere.sock"),
            std::string::npos)
      << test.err.str();
  ASSERT_EQ(test.calls.size(), 1u);
  EXPECT_NE(test.calls[0].options.auth, "a.b.c");
}

}  // namespace
}  // namespace mart::cli
