// RunCommandLine end to end with a fake daemon: argv -> params -> call -> output.
#include "martctl/app.h"

#include <fstream>

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::RecordedCall;

TEST(AppTest, UsageErrorsExitTwoBeforeAnyCall) {
  testing::TestIo test;
  EXPECT_EQ(test.Run({"user", "lst"}), 2);
  EXPECT_EQ(test.err.str(),
            "martctl: unknown command 'user lst', did you mean 'user list'?\n"
            "run 'martctl user --help'\n");
  EXPECT_TRUE(test.calls.empty());
  EXPECT_EQ(test.out.str(), "");
}

TEST(AppTest, BadValuesAreUsageErrorsToo) {
  testing::TestIo test;
  EXPECT_EQ(test.Run({"user", "list", "--email", std::string(201, 'x')}), 2);
  EXPECT_EQ(test.err.str(), "martctl: email is longer than 200 bytes [INVALID_ARGUMENT]\n");
  EXPECT_EQ(test.Run({"user", "list", "--timeout", "never"}), 2);
  EXPECT_TRUE(test.calls.empty());
}

TEST(AppTest, HelpExitsZeroOnStdout) {
  testing::TestIo test;
  EXPECT_EQ(test.Run({"--help"}), 0);
  EXPECT_NE(test.out.str().find("auth commands:"), std::string::npos) << test.out.str();
  EXPECT_EQ(test.err.str(), "");
}

// gh and kubectl habits: -V/--version without a daemon, help as a command.
TEST(AppTest, VersionFlagPrintsMartctlsVersionWithoutACall) {
  for (const char* flag : {"--version", "-V"}) {
    testing::TestIo test;
    EXPECT_EQ(test.Run({flag}), 0) << flag;
    EXPECT_EQ(test.out.str(), std::string("martctl ") + MART_VERSION + "\n") << flag;
    EXPECT_EQ(test.err.str(), "");
    EXPECT_TRUE(test.calls.empty());
  }
}

TEST(AppTest, HelpIsACommandAsOnTheShellsLine) {
  testing::TestIo root;
  EXPECT_EQ(root.Run({"help"}), 0);
  EXPECT_NE(root.out.str().find("Usage:"), std::string::npos);
  EXPECT_NE(root.out.str().find("martctl help <group> <command>"), std::string::npos);
  testing::TestIo group;
  EXPECT_EQ(group.Run({"help", "product"}), 0);
  EXPECT_NE(group.out.str().find("import"), std::string::npos) << group.out.str();
  testing::TestIo verb;
  EXPECT_EQ(verb.Run({"help", "order", "place"}), 0);
  EXPECT_NE(verb.out.str().find("martctl order place"), std::string::npos) << verb.out.str();
  testing::TestIo topic;
  EXPECT_EQ(topic.Run({"help", "exit-codes"}), 0);
  EXPECT_NE(topic.out.str().find("UNAVAILABLE"), std::string::npos);
  testing::TestIo unknown;
  EXPECT_EQ(unknown.Run({"help", "no-such-group"}), 2);
  EXPECT_NE(unknown.err.str().find("no-such-group"), std::string::npos) << unknown.err.str();
  EXPECT_TRUE(root.calls.empty() && group.calls.empty() && verb.calls.empty());
}

TEST(AppTest, DaemonErrorsArePrintedWithTheirCodeAndExitCode) {
  testing::TestIo test;
  test.answer = [](const RecordedCall&) -> Result<json> { return NotFound("user 9 not found"); };
  EXPECT_EQ(test.Run({"user", "get", "9"}), 3);
  EXPECT_EQ(test.err.str(), "martctl: user 9 not found [NOT_FOUND]\n");
  EXPECT_EQ(test.out.str(), "");
  EXPECT_EQ(test.calls[0].params, (json{{"id", 9}}));
}

TEST(AppTest, TheResultIsRenderedAsAskedFor) {
  testing::TestIo test;
  test.answer = [](const RecordedCall&) {
    return Result<json>(
        json::array({{{"id", 1}, {"email", "a@x"}}, {{"id", 2}, {"email", "b@x"}}}));
  };
  ASSERT_EQ(test.Run({"user", "list", "-q"}), 0);
  EXPECT_EQ(test.out.str(), "1\n2\n");
  test.out.str("");
  ASSERT_EQ(test.Run({"user", "list", "-o", "json"}), 0);
  EXPECT_EQ(test.out.str(), "[{\"email\":\"a@x\",\"id\":1},{\"email\":\"b@x\",\"id\":2}]\n");
  test.out.str("");
  ASSERT_EQ(test.Run({"user", "list"}), 0);
  EXPECT_EQ(test.out.str(), "1\ta@x\t\t\t\t\t\n2\tb@x\t\t\t\t\t\n");
}

TEST(AppTest, TokenFlagBeatsEnvironmentBeatsCookie) {
  testing::TestIo test;
  std::filesystem::create_directories(test.env["MART_DATA_DIR"]);
  test.env["MART_ENDPOINT"] = "ipc:///run/mart-test.sock";
  std::ofstream(test.env["MART_DATA_DIR"] + "/cookie") << "abc123\nipc:///run/mart-test.sock\n";
  ASSERT_EQ(test.Run({"auth", "whoami"}), 0);
  EXPECT_EQ(test.calls.back().options.auth, "cookie:abc123");
  ASSERT_EQ(test.Run({"daemon", "status"}), 0);
  EXPECT_EQ(test.calls.back().options.auth, "") << "no cookie for a method open to anyone";
  ASSERT_EQ(test.Run({"auth", "whoami", "--endpoint", "ipc:///tmp/other.sock"}), 0);
  EXPECT_EQ(test.calls.back().options.auth, "") << "no cookie for another daemon";
  test.env["MART_TOKEN"] = "from-env";
  ASSERT_EQ(test.Run({"auth", "whoami"}), 0);
  EXPECT_EQ(test.calls.back().options.auth, "from-env");
  ASSERT_EQ(test.Run({"auth", "whoami", "--token", "from-flag"}), 0);
  EXPECT_EQ(test.calls.back().options.auth, "from-flag");
}

TEST(AppTest, AnyoneMethodsStillSendTheCredentialsFound) {
  testing::TestIo test;
  ASSERT_EQ(test.Run({"daemon", "status", "--token", "t"}), 0);
  EXPECT_EQ(test.calls.back().method, "daemon.status");
  EXPECT_EQ(test.calls.back().options.auth, "t");
}

TEST(AppTest, MutatingCallsCarryAnIdempotencyKey) {
  testing::TestIo test;
  ASSERT_EQ(test.Run({"address", "set-default", "3"}), 0);
  EXPECT_EQ(test.calls.back().options.idempotency_key.size(), 32u);
  ASSERT_EQ(test.Run({"address", "list"}), 0);
  EXPECT_EQ(test.calls.back().options.idempotency_key, "");
}

TEST(AppTest, TimeoutIsTheWholeBudgetOfACall) {
  testing::TestIo test;
  ASSERT_EQ(test.Run({"daemon", "status", "--timeout", "3"}), 0);
  EXPECT_EQ(test.client_options.timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(test.client_options.retries, 2);
  test.in.str("Secret123\n");
  test.answer = [](const RecordedCall&) { return Result<json>(json{{"access_token", "t"}}); };
  ASSERT_EQ(test.Run({"auth", "login", "--email", "a@b.c", "--password-stdin", "--timeout", "3"}),
            0);
  EXPECT_EQ(test.client_options.timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(test.client_options.retries, 0);
  test.env["MART_ENDPOINT"] = "ipc:///somewhere.sock";
  ASSERT_EQ(test.Run({"daemon", "status"}), 0);
  EXPECT_EQ(test.client_options.endpoints, std::vector<std::string>{"ipc:///somewhere.sock"});
  EXPECT_EQ(test.client_options.policy, EndpointPolicy::kFailover);
}

TEST(AppTest, EndpointIsAListWithAPolicy) {
  testing::TestIo test;
  test.env["MART_ENDPOINT"] = "ipc:///a.sock, ipc:///b.sock";
  test.env["MART_ENDPOINT_POLICY"] = "random";
  ASSERT_EQ(test.Run({"daemon", "status"}), 0);
  EXPECT_EQ(test.client_options.endpoints,
            (std::vector<std::string>{"ipc:///a.sock", "ipc:///b.sock"}));
  EXPECT_EQ(test.client_options.policy, EndpointPolicy::kRandom);
  ASSERT_EQ(test.Run({"daemon", "status", "--endpoint-policy", "failover"}), 0);
  EXPECT_EQ(test.client_options.policy, EndpointPolicy::kFailover);
  EXPECT_EQ(test.Run({"daemon", "status", "--endpoint", "ipc:///a.sock,,ipc:///b.sock"}), 2);
  EXPECT_NE(test.err.str().find("empty endpoint"), std::string::npos) << test.err.str();
  EXPECT_EQ(test.Run({"daemon", "status", "--endpoint-policy", "nearest"}), 2);
}

TEST(AppTest, NoDaemonIsExitSix) {
  testing::TestIo test;
  Io io = test.MakeIo();
  io.connect = nullptr;
  const std::string endpoint = "ipc://" + test.dir.path() + "/martd.sock";
  EXPECT_EQ(RunCommandLine({"daemon", "status", "--endpoint", endpoint}, io), 6);
  EXPECT_EQ(test.err.str(), "martctl: daemon unavailable: martd is not running at " + endpoint +
                                " [UNAVAILABLE]\n");
}

}  // namespace
}  // namespace mart::cli
