#include "rest/options.h"

#include <gtest/gtest.h>

namespace mart::rest {
namespace {

TEST(OptionsTest, ListenIsHostAndPort) {
  RestOptions options;
  ASSERT_TRUE(ParseListen("0.0.0.0:9000", &options).ok());
  EXPECT_EQ(options.host, "0.0.0.0");
  EXPECT_EQ(options.port, 9000);
  EXPECT_EQ(ParseListen("localhost", &options).code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseListen("127.0.0.1:http", &options).code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseListen("127.0.0.1:70000", &options).code(), Code::kInvalidArgument);
}

TEST(OptionsTest, FlagsWinAndDefaultsAreLoopback) {
  std::string message;
  int exit_code = -1;
  std::vector<std::string> args = {"mart-rest", "--endpoint", "ipc:///tmp/x.sock"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  auto options = ParseRestOptions(static_cast<int>(argv.size()), argv.data(), &message, &exit_code);
  ASSERT_TRUE(options.has_value()) << message;
  EXPECT_EQ(options->host, "127.0.0.1");
  EXPECT_EQ(options->port, 8080);
  EXPECT_EQ(options->endpoints, std::vector<std::string>{"ipc:///tmp/x.sock"});
  EXPECT_EQ(options->endpoint_policy, EndpointPolicy::kFailover);
  EXPECT_EQ(options->threads, 64);
}

std::optional<RestOptions> ParseArgs(std::vector<std::string> args, std::string* message,
                                      int* exit_code) {
  args.insert(args.begin(), "mart-rest");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return ParseRestOptions(static_cast<int>(argv.size()), argv.data(), message, exit_code);
}

TEST(OptionsTest, EndpointTakesAListAndAPolicy) {
  std::string message;
  int exit_code = -1;
  auto options = ParseArgs({"--endpoint", "ipc:///tmp/a.sock, ipc:///tmp/b.sock",
                            "--endpoint-policy", "random"}, &message, &exit_code);
  ASSERT_TRUE(options.has_value()) << message;
  EXPECT_EQ(options->endpoints,
            (std::vector<std::string>{"ipc:///tmp/a.sock", "ipc:///tmp/b.sock"}));
  EXPECT_EQ(options->endpoint_policy, EndpointPolicy::kRandom);
  EXPECT_FALSE(ParseArgs({"--endpoint", "ipc:///tmp/a.sock,"}, &message, &exit_code));
  EXPECT_EQ(exit_code, 2);
  EXPECT_NE(message.find("empty endpoint"), std::string::npos) << message;
  exit_code = -1;
  EXPECT_FALSE(ParseArgs({"--endpoint-policy", "nearest"}, &message, &exit_code));
  EXPECT_EQ(exit_code, 2);
}

TEST(OptionsTest, ThreadsAreBounded) {
  std::string message;
  int exit_code = -1;
  std::vector<std::string> args = {"mart-rest", "--threads", "8"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  auto options = ParseRestOptions(3, argv.data(), &message, &exit_code);
  ASSERT_TRUE(options.has_value()) << message;
  EXPECT_EQ(options->threads, 8);
  args[2] = "0";
  argv.clear();
  for (std::string& arg : args) argv.push_back(arg.data());
  EXPECT_FALSE(ParseRestOptions(3, argv.data(), &message, &exit_code).has_value());
  EXPECT_EQ(exit_code, 2);
}

TEST(OptionsTest, BadListenIsAUsageError) {
  std::string message;
  int exit_code = -1;
  std::vector<std::string> args = {"mart-rest", "--listen", "nope"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  EXPECT_FALSE(ParseRestOptions(3, argv.data(), &message, &exit_code).has_value());
  EXPECT_EQ(exit_code, 2);
  EXPECT_NE(message.find("HOST:PORT"), std::string::npos);
}

// --timeout is martctl's: the whole budget of a call, over its try and retry.
TEST(OptionsTest, TimeoutIsSecondsForTheWholeCallAsInMartctl) {
  auto parse = [](std::vector<std::string> args, std::string* message) {
    int exit_code = -1;
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    return ParseRestOptions(static_cast<int>(argv.size()), argv.data(), message, &exit_code);
  };
  std::string message;
  auto options = parse({"mart-rest", "--timeout", "3"}, &message);
  ASSERT_TRUE(options.has_value()) << message;
  EXPECT_EQ(options->timeout_ms, 1500);
  options = parse({"mart-rest", "--timeout-ms", "700"}, &message);
  ASSERT_TRUE(options.has_value()) << message;
  EXPECT_EQ(options->timeout_ms, 700);
  EXPECT_FALSE(parse({"mart-rest", "--timeout", "3", "--timeout-ms", "700"}, &message));
}

}  // namespace
}  // namespace mart::rest
