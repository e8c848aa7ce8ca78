// mart-rest's config file: flag > environment > file > default, unknown keys.
#include "rest/options.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "util/temp_dir.h"

namespace mart::rest {
namespace {

class RestConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("MART_REST_LISTEN");
    ::unsetenv("MART_ENDPOINT");
    ::setenv("XDG_CONFIG_HOME", temp_.Sub("xdg").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("MART_REST_LISTEN");
    ::unsetenv("XDG_CONFIG_HOME");
  }

  std::string Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }

  std::optional<RestOptions> Parse(std::vector<std::string> args) {
    args.insert(args.begin(), "mart-rest");
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    message_.clear();
    return ParseRestOptions(static_cast<int>(argv.size()), argv.data(), &message_, &exit_code_);
  }

  test::TempDir temp_;
  std::string message_;
  int exit_code_ = -1;
};

TEST_F(RestConfigTest, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  std::string file = Write(temp_.Sub("rest.toml"),
                           "listen = \"127.0.0.1:9001\"\nthreads = 7\n"
                           "endpoint = \"ipc:///tmp/file.sock\"\n");
  auto from_file = Parse({"--config", file});
  ASSERT_TRUE(from_file.has_value()) << message_;
  EXPECT_EQ(from_file->port, 9001);
  EXPECT_EQ(from_file->threads, 7);
  EXPECT_EQ(from_file->endpoints, std::vector<std::string>{"ipc:///tmp/file.sock"});
  ::setenv("MART_REST_LISTEN", "127.0.0.1:9002", 1);
  auto from_env = Parse({"--config", file});
  ASSERT_TRUE(from_env.has_value()) << message_;
  EXPECT_EQ(from_env->port, 9002);
  auto from_flag = Parse({"--config", file, "--listen", "127.0.0.1:9003"});
  ASSERT_TRUE(from_flag.has_value()) << message_;
  EXPECT_EQ(from_flag->port, 9003);
  ::unsetenv("MART_REST_LISTEN");
  auto defaults = Parse({});
  ASSERT_TRUE(defaults.has_value()) << message_;
  EXPECT_EQ(defaults->port, 8080);
  EXPECT_EQ(defaults->threads, 64);
}

TEST_F(RestConfigTest, DefaultFileUnderXdgConfigHome) {
  Write(temp_.Sub("xdg/mart/mart-rest.toml"), "timeout-ms = 1234\n");
  auto options = Parse({});
  ASSERT_TRUE(options.has_value()) << message_;
  EXPECT_EQ(options->timeout_ms, 1234);
}

TEST_F(RestConfigTest, UnknownKeyAndMissingFileAreUsageErrors) {
  std::string file = Write(temp_.Sub("typo.toml"), "thread = 3\n");
  EXPECT_FALSE(Parse({"--config", file}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("unknown key 'thread'"), std::string::npos) << message_;
  EXPECT_NE(message_.find(file), std::string::npos) << message_;
  EXPECT_FALSE(Parse({"--config", temp_.Sub("missing.toml")}).has_value());
  EXPECT_EQ(exit_code_, 2);
}

}  // namespace
}  // namespace mart::rest
