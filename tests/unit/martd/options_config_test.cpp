// martd's config file: flag > environment > file > default, unknown keys,
// command-line-only flags, the default path under $XDG_CONFIG_HOME.
#include "daemon/options.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "util/temp_dir.h"

namespace mart::daemon {
namespace {

class OptionsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"MART_LISTEN", "MART_LOG_LEVEL", "MART_SMTP_URL", "MART_DATA_DIR",
                             "MART_SMTP_PASSWORD"}) {
      ::unsetenv(name);
    }
    ::setenv("XDG_CONFIG_HOME", temp_.Sub("xdg").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("MART_LISTEN");
    ::unsetenv("XDG_CONFIG_HOME");
  }

  std::string Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }

  std::optional<DaemonOptions> Parse(std::vector<std::string> args) {
    args.insert(args.begin(), {"martd", "--data-dir", temp_.Sub("data")});
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    message_.clear();
    exit_code_ = -1;
    return ParseDaemonOptions(static_cast<int>(argv.size()), argv.data(), &message_, &exit_code_);
  }

  test::TempDir temp_;
  std::string message_;
  int exit_code_ = -1;
};

TEST_F(OptionsConfigTest, FileSetsOptionsByLongName) {
  std::string file = Write(temp_.Sub("martd.toml"),
                           "listen = \"ipc:///tmp/from-file.sock\"\nlog-level = \"debug\"\n"
                           "auto-capture = true\nworker-threads = 3\n"
                           "smtp-url = \"smtp://127.0.0.1:2525\"\n");
  auto options = Parse({"--config", file});
  ASSERT_TRUE(options.has_value()) << message_;
  EXPECT_EQ(options->listen, "ipc:///tmp/from-file.sock");
  EXPECT_EQ(options->log_level, LogLevel::kDebug);
  EXPECT_TRUE(options->payments.auto_capture);
  EXPECT_EQ(options->worker_threads, 3);
  EXPECT_EQ(options->smtp.url, "smtp://127.0.0.1:2525");
}

TEST_F(OptionsConfigTest, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  std::string file =
      Write(temp_.Sub("martd.toml"), "listen = \"ipc:///tmp/file.sock\"\nlog-level = \"debug\"\n");
  ::setenv("MART_LISTEN", "ipc:///tmp/env.sock", 1);
  auto env_wins = Parse({"--config", file});
  ASSERT_TRUE(env_wins.has_value()) << message_;
  EXPECT_EQ(env_wins->listen, "ipc:///tmp/env.sock");
  EXPECT_EQ(env_wins->log_level, LogLevel::kDebug);  // no env: the file
  auto flag_wins = Parse({"--config", file, "--listen", "ipc:///tmp/flag.sock"});
  ASSERT_TRUE(flag_wins.has_value()) << message_;
  EXPECT_EQ(flag_wins->listen, "ipc:///tmp/flag.sock");
  ::unsetenv("MART_LISTEN");
  auto defaults = Parse({});
  ASSERT_TRUE(defaults.has_value()) << message_;
  EXPECT_EQ(defaults->log_level, LogLevel::kInfo);
  EXPECT_EQ(defaults->listen, "ipc://" + temp_.Sub("data") + "/run/martd.sock");
}

TEST_F(OptionsConfigTest, DefaultFileIsReadFromXdgConfigHome) {
  Write(temp_.Sub("xdg/mart/martd.toml"), "log-level = \"warn\"\n");
  auto options = Parse({});
  ASSERT_TRUE(options.has_value()) << message_;
  EXPECT_EQ(options->log_level, LogLevel::kWarn);
}

TEST_F(OptionsConfigTest, MissingExplicitFileIsAnErrorMissingDefaultIsNot) {
  EXPECT_TRUE(Parse({}).has_value()) << message_;
  EXPECT_FALSE(Parse({"--config", temp_.Sub("nope.toml")}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("nope.toml"), std::string::npos) << message_;
}

TEST_F(OptionsConfigTest, UnknownKeyIsAnErrorNamingKeyAndFile) {
  std::string file = Write(temp_.Sub("typo.toml"), "lissten = \"ipc:///tmp/x.sock\"\n");
  EXPECT_FALSE(Parse({"--config", file}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("lissten"), std::string::npos) << message_;
  EXPECT_NE(message_.find(file), std::string::npos) << message_;
}

TEST_F(OptionsConfigTest, SectionsDetachAndSecretsAreRefused) {
  std::string section = Write(temp_.Sub("s.toml"), "[smtp]\nurl = \"smtp://h:25\"\n");
  EXPECT_FALSE(Parse({"--config", section}).has_value());
  EXPECT_NE(message_.find("[smtp]"), std::string::npos) << message_;
  std::string detach = Write(temp_.Sub("d.toml"), "detach = true\n");
  EXPECT_FALSE(Parse({"--config", detach}).has_value());
  EXPECT_NE(message_.find("command-line flag only"), std::string::npos) << message_;
  std::string secret = Write(temp_.Sub("p.toml"), "smtp-password = \"S3cret\"\n");
  EXPECT_FALSE(Parse({"--config", secret}).has_value());
  EXPECT_NE(message_.find("unknown key 'smtp-password'"), std::string::npos) << message_;
}

TEST_F(OptionsConfigTest, FileValuesAreCheckedLikeFlags) {
  std::string file = Write(temp_.Sub("bad.toml"), "log-level = \"chatty\"\n");
  EXPECT_FALSE(Parse({"--config", file}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("chatty"), std::string::npos) << message_;
}

}  // namespace
}  // namespace mart::daemon
