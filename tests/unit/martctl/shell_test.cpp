// The REPL without a terminal: script mode, built-ins, global flags of the
// shell on every line, the prompt and the connection probe.
#include "martctl/repl/shell.h"

#include <gtest/gtest.h>

#include <sstream>

#include "martctl/local/credentials.h"
#include "martctl/repl/line_editor.h"
#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::TestIo;

int RunShellScript(TestIo& test, const std::string& script, const std::vector<std::string>& flags) {
  test.in.str(script);
  std::vector<std::string> args = {"shell"};
  args.insert(args.end(), flags.begin(), flags.end());
  return test.Run(args);
}

std::vector<std::string> Methods(const TestIo& test) {
  std::vector<std::string> methods;
  for (const auto& call : test.calls) methods.push_back(call.method);
  return methods;
}

TEST(ShellTest, ScriptRunsEveryLineThroughTheCommandPath) {
  TestIo test;
  std::string script = "# set up\n\nproduct get 66f1c0ffee0000000000abcd\n  order list  \n";
  EXPECT_EQ(RunShellScript(test, script, {}), 0);
  EXPECT_EQ(Methods(test), (std::vector<std::string>{"product.get", "order.list"}));
  EXPECT_EQ(test.calls[0].params["id"], "66f1c0ffee0000000000abcd");
}

TEST(ShellTest, ScriptStopsAtTheFirstFailureWithItsExitCode) {
  TestIo test;
  test.answer = [](const testing::RecordedCall& call) -> Result<json> {
    if (call.method == "order.list") return NotFound("no such thing");
    return json::object();
  };
  EXPECT_EQ(RunShellScript(test, "product list\norder list\nuser list\n", {}), 3);
  EXPECT_EQ(Methods(test), (std::vector<std::string>{"product.list", "order.list"}));
  EXPECT_NE(test.err.str().find("no such thing [NOT_FOUND]"), std::string::npos);
}

TEST(ShellTest, KeepGoingRunsAllAndExitsWithTheLastFailure) {
  TestIo test;
  test.answer = [](const testing::RecordedCall& call) -> Result<json> {
    if (call.method == "order.list") return NotFound("gone");
    return json::object();
  };
  std::string script = "order list\nno-such-command\nproduct list\n";
  EXPECT_EQ(RunShellScript(test, script, {"--keep-going"}), 2);
  EXPECT_EQ(Methods(test), (std::vector<std::string>{"order.list", "product.list"}));
  TestIo clean;
  EXPECT_EQ(RunShellScript(clean, "product list\nproduct list\n", {"--keep-going"}), 0);
}

// As compilers do: source, line number and command, then the error; a
// flag's value (a token's) is never repeated.
TEST(ShellTest, AFailingScriptLineSaysWhereItIs) {
  TestIo test;
  test.answer = [](const testing::RecordedCall& call) -> Result<json> {
    if (call.method == "order.list") return NotFound("gone");
    return json::object();
  };
  Io io = test.MakeIo();
  Shell shell(GlobalFlags{}, io);
  std::istringstream script(
      "product list\n\norder list --token secret-value\nno-such-command x\nproduct list\n"
      "order get --token other-secret \"unbalanced\n");
  EXPECT_EQ(RunScript(shell, script, true, "setup.mart"), 2);
  EXPECT_NE(test.err.str().find("setup.mart:6: order get: unbalanced double quote"),
            std::string::npos)
      << test.err.str();
  EXPECT_EQ(test.err.str().find("other-secret"), std::string::npos);
  EXPECT_NE(test.err.str().find("setup.mart:3: order list: gone [NOT_FOUND]\n"),
            std::string::npos)
      << test.err.str();
  EXPECT_NE(test.err.str().find("setup.mart:4: no-such-command x: unknown command "
                                "'no-such-command'"),
            std::string::npos)
      << test.err.str();
  EXPECT_NE(test.err.str().find("run 'martctl --help'"), std::string::npos);
  EXPECT_EQ(test.err.str().find("secret-value"), std::string::npos);
  EXPECT_EQ(test.err.str().find("setup.mart:1:"), std::string::npos);
}

TEST(ShellTest, UnbalancedQuoteIsAUsageError) {
  TestIo test;
  EXPECT_EQ(RunShellScript(test, "product get \"abc\nproduct list\n", {}), 2);
  EXPECT_TRUE(test.calls.empty());
  EXPECT_NE(test.err.str().find("unbalanced double quote"), std::string::npos);
}

TEST(ShellTest, ExitStopsTheScript) {
  TestIo test;
  EXPECT_EQ(RunShellScript(test, "product list\nexit\nproduct list\n", {}), 0);
  EXPECT_EQ(test.calls.size(), 1u);
  EXPECT_EQ(RunShellScript(test, "quit\nproduct list\n", {}), 0);
  EXPECT_EQ(test.calls.size(), 1u);
}

TEST(ShellTest, ShellGlobalFlagsApplyToEveryLineUnlessOverridden) {
  TestIo test;
  test.answer = [](const testing::RecordedCall&) -> Result<json> {
    return json{{"id", "p1"}, {"name", "tea"}};
  };
  std::string script =
      "product get 66f1c0ffee0000000000abcd\nproduct get 66f1c0ffee0000000000abcd -o table\n";
  EXPECT_EQ(RunShellScript(test, script, {"-o", "json", "--token", "tok1"}), 0);
  ASSERT_EQ(test.calls.size(), 2u);
  EXPECT_EQ(test.calls[0].options.auth, "tok1");
  EXPECT_EQ(test.calls[1].options.auth, "tok1");
  std::string out = test.out.str();
  EXPECT_EQ(out.find("{\"id\":\"p1\",\"name\":\"tea\"}"), 0u) << out;
  EXPECT_EQ(out.find('{', 1), std::string::npos) << "the second line asked for a table: " << out;
}

TEST(ShellTest, LineArgsDropTheShellFlagsTheLineGives) {
  TestIo test;
  Io io = test.MakeIo();
  Shell shell(GlobalFlags{.profile = "a", .output = "json"}, io);
  EXPECT_EQ(shell.LineArgs({"order", "list"}),
            (std::vector<std::string>{"--profile", "a", "--output", "json", "order", "list"}));
  EXPECT_EQ(shell.LineArgs({"order", "list", "--profile=b", "-o", "table"}),
            (std::vector<std::string>{"order", "list", "--profile=b", "-o", "table"}));
}

TEST(ShellTest, HelpBuiltins) {
  TestIo test;
  EXPECT_EQ(RunShellScript(test, "help\n", {}), 0);
  EXPECT_NE(test.out.str().find("Usage:"), std::string::npos);
  EXPECT_NE(test.out.str().find("product"), std::string::npos);
  TestIo verb;
  EXPECT_EQ(RunShellScript(verb, "help product get\n", {}), 0);
  EXPECT_NE(verb.out.str().find("martctl product get"), std::string::npos) << verb.out.str();
  TestIo group;
  EXPECT_EQ(RunShellScript(group, "help order\n", {}), 0);
  EXPECT_NE(group.out.str().find("place"), std::string::npos);
  TestIo topic;
  EXPECT_EQ(RunShellScript(topic, "help exit-codes\n", {}), 0);
  EXPECT_NE(topic.out.str().find("UNAVAILABLE"), std::string::npos);
  TestIo bad;
  EXPECT_EQ(RunShellScript(bad, "help no-such-group\n", {}), 2);
  EXPECT_TRUE(test.calls.empty());
}

TEST(ShellTest, ShellInsideTheShellIsRefused) {
  TestIo test;
  EXPECT_EQ(RunShellScript(test, "shell\n", {}), 2);
}

TEST(ShellTest, PromptShowsProfileUserAndConnection) {
  EXPECT_EQ(PromptText({.profile = "default", .user = "ann@example.com", .up = true}),
            "mart(default:ann@example.com)> ");
  EXPECT_EQ(PromptText({.profile = "default", .user = "", .up = false}), "mart(default, down)> ");
  EXPECT_EQ(PromptText({.profile = "shop", .user = "b@x.io", .up = false}),
            "mart(shop:b@x.io, down)> ");
  EXPECT_EQ(PromptText({.profile = "default", .user = "", .up = true}), "mart(default)> ");
}

TEST(ShellTest, ProbeAsksDaemonStatusQuicklyAndReadsTheSavedLogin) {
  TestIo test;
  test.env["MART_ENDPOINT"] = "ipc:///tmp/x.sock";
  Profile saved{.endpoints = {"ipc:///tmp/x.sock"}, .email = "ann@example.com"};
  saved.access_token = "a";
  ASSERT_TRUE(CredentialsFile(test.CredentialsPath()).Store("shop", saved).ok());
  Io io = test.MakeIo();
  Shell shell(GlobalFlags{.profile = "shop"}, io);
  ConnectionState up = shell.Probe();
  EXPECT_EQ(PromptText(up), "mart(shop:ann@example.com)> ");
  ASSERT_EQ(Methods(test), std::vector<std::string>{"daemon.status"});
  EXPECT_EQ(test.client_options.timeout, std::chrono::milliseconds(200));
  EXPECT_EQ(test.client_options.retries, 0);
  test.answer = [](const testing::RecordedCall&) -> Result<json> {
    return Unavailable("no answer");
  };
  EXPECT_EQ(PromptText(shell.Probe()), "mart(shop:ann@example.com, down)> ");
  test.answer = [](const testing::RecordedCall&) -> Result<json> { return json::object(); };
  EXPECT_TRUE(shell.Probe().up) << "back when martd answers again";
}

TEST(ShellTest, CompletionSeesTheLineAfterTheShellFlags) {
  TestIo test;
  Io io = test.MakeIo();
  Shell shell(GlobalFlags{.output = "json"}, io);
  std::vector<Candidate> candidates = shell.CompleteWords({"prod"});
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].word, "product");
}

TEST(ShellTest, HistoryPathFollowsTheEnvironment) {
  TestIo test;
  test.env["HOME"] = "/home/ann";
  EXPECT_EQ(HistoryPath(test.MakeIo()), "/home/ann/.local/state/mart/history");
  test.env["XDG_STATE_HOME"] = "/st";
  EXPECT_EQ(HistoryPath(test.MakeIo()), "/st/mart/history");
  test.env["MART_HISTFILE"] = "/h/file";
  EXPECT_EQ(HistoryPath(test.MakeIo()), "/h/file");
}

TEST(ShellTest, HintsShowWhatACompleteCommandTakes) {
  TestIo test;
  Io io = test.MakeIo();
  Shell shell(GlobalFlags{}, io);
  EXPECT_EQ(shell.Hint({"product", "get"}), "product get ID [OPTIONS]  (show one product)");
  EXPECT_EQ(shell.Hint({"inventory", "adjust"}).rfind("inventory adjust PRODUCT-ID [OPTIONS]", 0),
            0u);
  EXPECT_EQ(shell.Hint({"version"}).rfind("version [OPTIONS]  (", 0), 0u);
  EXPECT_EQ(shell.Hint({"product"}), "") << "a group is not a command";
  EXPECT_EQ(shell.Hint({"product", "nope"}), "");
  EXPECT_EQ(shell.Hint({"product", "get", "--help"}), "");
  EXPECT_EQ(shell.Hint({}), "");
}

}  // namespace
}  // namespace mart::cli
