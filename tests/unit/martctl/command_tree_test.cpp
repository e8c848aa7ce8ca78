#include "martctl/command_tree.h"

#include <algorithm>
#include <tuple>

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

#include "mart/commands/spec.h"
#include "martctl/method_behaviour.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using Kind = ParseOutcome::Kind;

TEST(CommandTreeTest, EverySpecIsASubcommandWithEveryNonSecretArg) {
  CommandTree tree;
  for (const CommandSpec& spec : AllCommands()) {
    SCOPED_TRACE(std::string(spec.method));
    CLI::App* app = tree.FindApp(CliGroup(spec), CliVerb(spec));
    if (spec.cli_local) {
      // A local command of the same name stands in (e.g. import reads a file), or the
      // --all of a several-ids command (notification mark-read --all).
      auto calls_it = [&](const MethodBehaviour& b) { return b.all_method == spec.method; };
      EXPECT_TRUE(app != nullptr || std::any_of(AllBehaviours().begin(), AllBehaviours().end(),
                                                calls_it));
      continue;
    }
    ASSERT_NE(app, nullptr);
    const bool ids_or_all = !BehaviourFor(spec.method).all_method.empty();
    for (const ArgSpec& arg : spec.args) {
      SCOPED_TRACE(std::string(arg.name));
      const std::string flag = CliFlag(arg.name);
      // Secrets never come from argv; arrays of objects come from local
      // flags (order place --item) or files (product import).
      if (arg.type == ArgType::kSecret || arg.type == ArgType::kObjects) {
        EXPECT_EQ(app->get_option_no_throw("--" + flag), nullptr);
        EXPECT_EQ(app->get_option_no_throw(flag), nullptr);
        continue;
      }
      const CLI::Option* option = app->get_option_no_throw(arg.positional ? flag : "--" + flag);
      ASSERT_NE(option, nullptr);
      EXPECT_EQ(option->get_positional(), arg.positional);
      // Ids or --all: CLI11 cannot require one of them; the command checks.
      EXPECT_EQ(option->get_required(), arg.required && !(ids_or_all && arg.name == "id"));
    }
  }
}

TEST(CommandTreeTest, ImportIsTheLocalCommandOverTheBulkMethod) {
  CommandTree tree;
  const CommandEntry* entry = tree.FindEntry("product", "import");
  ASSERT_NE(entry, nullptr);
  EXPECT_NE(entry->run, nullptr);
  ASSERT_NE(entry->spec, nullptr);
  EXPECT_EQ(entry->spec->method, "product.import");
  CLI::App* app = tree.FindApp("product", "import");
  ASSERT_NE(app, nullptr);
  EXPECT_NE(app->get_option_no_throw("file"), nullptr);
  EXPECT_EQ(app->get_option_no_throw("--products"), nullptr);
}

TEST(CommandTreeTest, NoRegistryFlagShadowsAGlobalFlag) {
  CommandTree tree;
  for (const CommandSpec& spec : AllCommands()) {
    for (const ArgSpec& arg : spec.args) {
      EXPECT_EQ(tree.root().get_option_no_throw("--" + CliFlag(arg.name)), nullptr)
          << spec.method << " --" << CliFlag(arg.name);
    }
  }
}

ParseOutcome ParseWords(CommandTree& tree, std::vector<std::string> args) {
  return tree.Parse(args);
}

TEST(CommandTreeTest, FlagsBecomeTypedParamsAndAbsentOptionalsAreOmitted) {
  CommandTree tree;
  ParseOutcome outcome =
      ParseWords(tree, {"user", "list", "--limit", "5", "--active=false", "--role", "admin"});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_EQ(outcome.invocation.entry->spec->method, "user.list");
  EXPECT_EQ(outcome.invocation.params, (json{{"limit", 5}, {"active", false}, {"role", "admin"}}));
  EXPECT_TRUE(outcome.invocation.params["limit"].is_number_integer());
}

TEST(CommandTreeTest, ABareBoolFlagIsTrue) {
  CommandTree tree;
  ParseOutcome outcome = ParseWords(tree, {"user", "list", "--active"});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_EQ(outcome.invocation.params, (json{{"active", true}}));
}

TEST(CommandTreeTest, PositionalsFillInOrder) {
  CommandTree tree;
  ParseOutcome outcome = ParseWords(tree, {"user", "set-role", "2", "admin"});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_EQ(outcome.invocation.entry->spec->method, "user.set_role");
  EXPECT_EQ(outcome.invocation.params, (json{{"id", 2}, {"role", "admin"}}));
}

TEST(CommandTreeTest, AGivenEmptyStringIsSent) {
  CommandTree tree;
  ParseOutcome outcome = ParseWords(tree, {"profile", "update", "--phone", ""});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_EQ(outcome.invocation.params, (json{{"phone", ""}}));
}

TEST(CommandTreeTest, GlobalFlagsWorkBeforeAndAfterTheCommand) {
  CommandTree before;
  ASSERT_EQ(ParseWords(before, {"-o", "json", "--profile", "ops", "user", "list"}).kind,
            Kind::kCommand);
  EXPECT_EQ(before.flags().output, "json");
  EXPECT_EQ(before.flags().profile, "ops");
  CommandTree after;
  ParseOutcome outcome =
      ParseWords(after, {"user", "list", "-q", "--timeout", "3", "--color=never"});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_TRUE(after.flags().quiet);
  EXPECT_EQ(after.flags().timeout, "3");
  EXPECT_EQ(after.flags().color, "never");
  EXPECT_EQ(outcome.invocation.params, json::object());
}

TEST(CommandTreeTest, LocalFlagsStayOutOfParams) {
  CommandTree tree;
  ParseOutcome outcome = ParseWords(tree, {"auth", "login", "--email", "a@b.c", "--print-token"});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_EQ(outcome.invocation.params, (json{{"email", "a@b.c"}}));
  EXPECT_EQ(outcome.invocation.flags, (json{{"print_token", true}}));
}

TEST(CommandTreeTest, LocalCommandsAreInTheTree) {
  CommandTree tree;
  for (auto [group, verb] :
       {std::pair{"version", ""}, {"help", "exit-codes"}, {"daemon", "wait"}}) {
    const CommandEntry* entry = tree.FindEntry(group, verb);
    ASSERT_NE(entry, nullptr) << group << " " << verb;
    EXPECT_NE(entry->run, nullptr);
    EXPECT_EQ(entry->spec, nullptr);
  }
  ParseOutcome outcome = ParseWords(tree, {"daemon", "wait", "--wait-timeout", "7"});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_EQ(outcome.invocation.params, (json{{"wait_timeout", 7}}));
}

TEST(CommandTreeTest, ARepeatedLocalFlagIsAnArrayOfItsParsedValuesInOrder) {
  CommandTree tree;
  ParseOutcome outcome =
      ParseWords(tree, {"order", "place", "--item", "66f1c0ffee0000000000abcd:2", "--no-wait",
                        "--item=66f1c0ffee0000000000abce", "--wait-timeout", "5"});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_EQ(outcome.invocation.params, json::object());
  EXPECT_EQ(outcome.invocation.flags,
            (json{{"item",
                   {{{"product_id", "66f1c0ffee0000000000abcd"}, {"quantity", 2}},
                    {{"product_id", "66f1c0ffee0000000000abce"}, {"quantity", 1}}}},
                  {"no_wait", true},
                  {"wait_timeout", 5}}));
}

TEST(CommandTreeTest, LocalFlagsMayHaveAShortName) {
  CommandTree tree;
  ParseOutcome outcome = ParseWords(tree, {"events", "tail", "-n", "3", "-f", "--topic", "a.*"});
  ASSERT_EQ(outcome.kind, Kind::kCommand) << outcome.text;
  EXPECT_EQ(outcome.invocation.flags, (json{{"lines", 3}, {"follow", true}, {"topic", "a.*"}}));
}

TEST(CommandTreeTest, OrderWaitAndEventsTailAreLocalCommandsOverTheirMethods) {
  CommandTree tree;
  for (auto [group, verb, method] : {std::tuple{"order", "wait", "order.get"},
                                     {"events", "tail", "events.read"}}) {
    const CommandEntry* entry = tree.FindEntry(group, verb);
    ASSERT_NE(entry, nullptr) << group << " " << verb;
    EXPECT_NE(entry->run, nullptr);
    ASSERT_NE(entry->spec, nullptr);
    EXPECT_EQ(entry->spec->method, method);
  }
}

TEST(CommandTreeTest, UsageErrorsAreReportedNotThrown) {
  struct Case {
    std::vector<std::string> args;
    std::string message_part;
    std::string path;
  };
  const std::vector<Case> cases = {
      {{}, "a command is required", ""},
      {{"usr", "list"}, "did you mean 'user'?", ""},
      {{"user", "lst"}, "did you mean 'user list'?", "user"},
      {{"user"}, "'user' needs a command", "user"},
      {{"user", "list", "--limit", "x"}, "--limit: must be an integer", "user list"},
      {{"user", "set-role", "2", "root"}, "root not in {user,admin}", "user set-role"},
      {{"user", "get"}, "id is required", "user get"},
      {{"auth", "login", "--email", "a@b.c", "--password", "x"},
       "--password is not accepted",
       "auth login"},
      {{"user", "list", "--bogus"}, "unknown flag --bogus", "user list"},
      {{"order", "pay", "x", "--card-number", "4242424242424242", "--exp", "12/39"},
       "unknown flag --exp; did you mean --expiry?", "order pay"},
      {{"inventory", "reserve", "x", "--qty", "1"}, "unknown flag --qty; did you mean --quantity?",
       "inventory reserve"},
      {{"--profil", "x", "version"}, "unknown flag --profil; did you mean --profile?", ""},
      {{"user", "list", "--limt", "3"}, "unknown flag --limt; did you mean --limit?",
       "user list"},
      {{"order", "place"}, "at least one --item PRODUCT_ID[:QUANTITY[:PRICE]] is required",
       "order place"},
      {{"order", "place", "--item", "x"}, "--item: 'x': the product id", "order place"},
      {{"order", "wait", std::string(25, 'a')}, "id is longer than 24 bytes", "order wait"},
      {{"events", "tail", "--topic", std::string(101, 'a')}, "topic is longer than 100 bytes",
       "events tail"},
      {{"events", "tail", "-n", "-1"}, "--lines: must be an integer (0 to 100000)",
       "events tail"},
  };
  for (const Case& c : cases) {
    CommandTree tree;
    ParseOutcome outcome = tree.Parse(c.args);
    EXPECT_EQ(outcome.kind, Kind::kUsageError) << c.message_part;
    EXPECT_NE(outcome.text.find(c.message_part), std::string::npos) << outcome.text;
    EXPECT_EQ(outcome.command_path, c.path) << outcome.text;
  }
}

TEST(CommandTreeTest, HelpIsNotAnError) {
  CommandTree tree;
  ParseOutcome outcome = ParseWords(tree, {"user", "list", "--help"});
  ASSERT_EQ(outcome.kind, Kind::kHelp);
  EXPECT_NE(outcome.text.find("martctl user list"), std::string::npos) << outcome.text;
  EXPECT_NE(outcome.text.find("martctl user list --role admin"), std::string::npos) << outcome.text;
}

}  // namespace
}  // namespace mart::cli
