#include "martctl/local/local_commands.h"

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::RecordedCall;

TEST(ExitCodeTableTest, ListsEveryCodeAndTheLocalOnesInOrder) {
  json table = ExitCodeTable();
  std::vector<int> exits;
  for (const json& row : table) exits.push_back(row["exit_code"].get<int>());
  EXPECT_TRUE(std::is_sorted(exits.begin(), exits.end()));
  for (int code : {0, 1, 2, 3, 4, 5, 6, 7, 130, 143}) {
    EXPECT_NE(std::find(exits.begin(), exits.end(), code), exits.end()) << code;
  }
  EXPECT_EQ(table.size(), AllCodes().size() + 5);
}

TEST(HelpExitCodesTest, JsonIsTheTable) {
  testing::TestIo test;
  ASSERT_EQ(test.Run({"help", "exit-codes", "-o", "json"}), 0);
  EXPECT_EQ(json::parse(test.out.str()), ExitCodeTable());
}

TEST(HelpTopicsTest, EnvironmentAndFormatsAreTables) {
  testing::TestIo env;
  ASSERT_EQ(env.Run({"help", "environment", "-o", "json"}), 0);
  const json variables = json::parse(env.out.str());
  EXPECT_EQ(variables, EnvironmentTable());
  std::string names;
  for (const json& row : variables) names += row["variable"].get<std::string>() + " ";
  for (const char* name : {"MART_ENDPOINT", "MART_DATA_DIR", "MART_TOKEN", "MART_PROFILE",
                           "MART_TIMEOUT", "MART_CREDENTIALS_FILE", "NO_COLOR"}) {
    EXPECT_NE(names.find(name), std::string::npos) << name;
  }
  testing::TestIo formats;
  ASSERT_EQ(formats.Run({"help", "formats"}), 0);
  EXPECT_NE(formats.out.str().find("-o json\tthe daemon's exact result"), std::string::npos)
      << formats.out.str();
}

TEST(HelpTopicsTest, RootHelpGroupsCommandsByTask) {
  testing::TestIo test;
  ASSERT_EQ(test.Run({"--help"}), 0);
  const std::string help = test.out.str();
  const size_t accounts = help.find("\nAccounts:\n");
  const size_t catalog = help.find("\nCatalog and stock:\n");
  const size_t orders = help.find("\nOrders, payments and notifications:\n");
  ASSERT_NE(accounts, std::string::npos) << help;
  ASSERT_NE(catalog, std::string::npos) << help;
  ASSERT_NE(orders, std::string::npos) << help;
  EXPECT_LT(accounts, catalog);
  EXPECT_LT(help.find("\n  auth "), catalog);
  EXPECT_GT(help.find("\n  order "), orders);
}

TEST(HelpExitCodesTest, TableOnATerminal) {
  testing::TestIo test;
  test.stdout_tty = true;
  ASSERT_EQ(test.Run({"help", "exit-codes", "--color=never"}), 0);
  EXPECT_EQ(test.out.str().rfind("EXIT_CODE  CODE", 0), 0u) << test.out.str();
  const std::string out = test.out.str();
  size_t row = out.find("\n130 ");
  ASSERT_NE(row, std::string::npos) << out;
  std::string line = out.substr(row + 1, out.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find(" - "), std::string::npos) << line;
  EXPECT_NE(line.find("interrupted"), std::string::npos) << line;
}

TEST(VersionTest, ReportsBothVersionsWhenTheDaemonAnswers) {
  testing::TestIo test;
  test.answer = [](const RecordedCall&) { return Result<json>(json{{"version", "9.9.9"}}); };
  ASSERT_EQ(test.Run({"version"}), 0);
  EXPECT_EQ(test.out.str(), std::string("martctl ") + MART_VERSION + "\nmartd 9.9.9\n");
  EXPECT_EQ(test.client_options.timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(test.client_options.retries, 0);
}

TEST(VersionTest, JsonSaysNullWithoutADaemon) {
  testing::TestIo test;
  test.answer = [](const RecordedCall&) -> Result<json> { return Unavailable("down"); };
  ASSERT_EQ(test.Run({"version", "-o", "json"}), 0);
  EXPECT_EQ(json::parse(test.out.str()), (json{{"martctl", MART_VERSION}, {"martd", nullptr}}));
}

TEST(DaemonWaitTest, ReturnsOnceReady) {
  testing::TestIo test;
  test.answer = [](const RecordedCall& call) {
    EXPECT_EQ(call.method, "daemon.status");
    return Result<json>(json{{"ready", true}});
  };
  EXPECT_EQ(test.Run({"daemon", "wait"}), 0);
  EXPECT_EQ(test.calls.size(), 1u);
}

TEST(DaemonWaitTest, NoDaemonAtANonexistentSocketIsExitSix) {
  testing::TestIo test;
  Io io = test.MakeIo();
  io.connect = nullptr;  // a real mart::Client
  const std::string endpoint = "ipc://" + test.dir.path() + "/missing/martd.sock";
  int exit_code = RunCommandLine({"daemon", "wait", "--wait-timeout", "0", "--endpoint", endpoint}, io);
  EXPECT_EQ(exit_code, 6);
  EXPECT_EQ(test.err.str(), "martctl: daemon did not become ready within 0 s [UNAVAILABLE]\n");
}

}  // namespace
}  // namespace mart::cli
