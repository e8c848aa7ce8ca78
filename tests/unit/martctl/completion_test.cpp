// Completion: the engine over the real command tree, `__complete` with ids
// from a fake daemon, and the shell scripts.
#include "martctl/complete.h"
#include "martctl/local/completion.h"

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;

std::vector<std::string> Words(const std::vector<Candidate>& candidates) {
  std::vector<std::string> words;
  for (const Candidate& candidate : candidates) words.push_back(candidate.word);
  return words;
}

bool Has(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

std::vector<std::string> CompleteWords(const std::vector<std::string>& words,
                                       const IdLookup& ids = nullptr) {
  CommandTree tree;
  return Words(Complete(tree, words, ids));
}

TEST(CompletionTest, GroupsThenVerbsWithThePrefix) {
  std::vector<std::string> groups = CompleteWords({""});
  EXPECT_TRUE(Has(groups, "product"));
  EXPECT_TRUE(Has(groups, "order"));
  EXPECT_TRUE(Has(groups, "completion"));
  EXPECT_FALSE(Has(groups, "__complete"));
  for (const std::string& word : CompleteWords({"pro"})) EXPECT_EQ(word.rfind("pro", 0), 0u);
  EXPECT_TRUE(Has(CompleteWords({"pro"}), "product"));
  std::vector<std::string> verbs = CompleteWords({"order", ""});
  EXPECT_TRUE(Has(verbs, "place"));
  EXPECT_TRUE(Has(verbs, "wait"));  // a local command in the same group
  EXPECT_EQ(CompleteWords({"order", "ca"}), std::vector<std::string>{"cancel"});
}

TEST(CompletionTest, GlobalFlagsComeBeforeOrAfterTheCommand) {
  EXPECT_EQ(CompleteWords({"-o", "json", "order", "ca"}), std::vector<std::string>{"cancel"});
  EXPECT_EQ(CompleteWords({"order", "list", "-o", ""}),
            (std::vector<std::string>{"table", "json"}));
  EXPECT_EQ(CompleteWords({"--color", "n"}), std::vector<std::string>{"never"});
  EXPECT_EQ(CompleteWords({"order", "list", "--endpoint-policy", ""}),
            (std::vector<std::string>{"failover", "random"}));
}

TEST(CompletionTest, FlagsOfTheCommandAndGlobalOnes) {
  std::vector<std::string> flags = CompleteWords({"order", "list", "--"});
  EXPECT_TRUE(Has(flags, "--status"));
  EXPECT_TRUE(Has(flags, "--limit"));
  EXPECT_TRUE(Has(flags, "--output"));
  EXPECT_FALSE(Has(flags, "--id"));  // positional, not a flag
  EXPECT_EQ(CompleteWords({"order", "place", "--it"}), std::vector<std::string>{"--item"});
  // Secrets are never flags: they are prompted for or read from stdin.
  EXPECT_FALSE(Has(CompleteWords({"auth", "register", "--pa"}), "--password"));
}

TEST(CompletionTest, EnumValuesOfFlagsAndPositionals) {
  std::vector<std::string> statuses = CompleteWords({"order", "list", "--status", ""});
  EXPECT_TRUE(Has(statuses, "pending"));
  EXPECT_TRUE(Has(statuses, "refunded"));
  EXPECT_EQ(CompleteWords({"order", "list", "--status", "ca"}),
            std::vector<std::string>{"cancelled"});
  EXPECT_EQ(CompleteWords({"completion", ""}), (std::vector<std::string>{"bash", "zsh", "fish"}));
}

TEST(CompletionTest, IdArgumentsAskTheLookupForTheirGroupsList) {
  std::vector<std::string> asked;
  IdLookup ids = [&](const CommandSpec& list) {
    asked.push_back(std::string(list.method));
    return std::vector<Candidate>{{"66f1c0ffee0000000000beef", "pending"},
                                  {"77f1c0ffee0000000000beef", "paid"}};
  };
  EXPECT_EQ(CompleteWords({"order", "get", "66"}, ids),
            std::vector<std::string>{"66f1c0ffee0000000000beef"});
  CompleteWords({"inventory", "get", ""}, ids);
  CompleteWords({"order", "wait", ""}, ids);
  CompleteWords({"order", "place", "--item", ""}, ids);  // PRODUCT_ID[:QUANTITY[:PRICE]]
  EXPECT_EQ(asked, (std::vector<std::string>{"order.list", "product.list", "order.list",
                                             "product.list"}));
  // order get takes several ids: after one, the next is offered too.
  EXPECT_EQ(CompleteWords({"order", "get", "66f1c0ffee0000000000beef", "7"}, ids),
            std::vector<std::string>{"77f1c0ffee0000000000beef"});
  // inventory get takes one: after it, nothing more is positional.
  asked.clear();
  EXPECT_TRUE(CompleteWords({"inventory", "get", "66f1c0ffee0000000000beef", ""}, ids).empty());
  EXPECT_TRUE(asked.empty());
}

TEST(CompletionTest, UnknownCommandsOfferNothing) {
  EXPECT_TRUE(CompleteWords({"nosuch", ""}).empty());
  EXPECT_TRUE(CompleteWords({"order", "nosuch", ""}).empty());
}

TEST(CompletionTest, IdListForFollowsArgNames) {
  CommandTree tree;
  const CommandEntry* get = tree.FindEntry("order", "get");
  ASSERT_NE(get, nullptr);
  ArgSpec id{.name = "id", .help = "h"};
  ArgSpec product{.name = "product_id", .help = "h"};
  ArgSpec other{.name = "reason", .help = "h"};
  ASSERT_NE(IdListFor(*get, id), nullptr);
  EXPECT_EQ(IdListFor(*get, id)->method, "order.list");
  EXPECT_EQ(IdListFor(*get, product)->method, "product.list");
  EXPECT_EQ(IdListFor(*get, other), nullptr);
  // Workers and export sinks are named, not numbered: their names come
  // from worker.list, so a sink added with --export completes too.
  const CommandEntry* pause = tree.FindEntry("worker", "pause");
  ASSERT_NE(pause, nullptr);
  ArgSpec worker{.name = "worker", .help = "h"};
  ASSERT_NE(IdListFor(*pause, worker), nullptr);
  EXPECT_EQ(IdListFor(*pause, worker)->method, "worker.list");
  EXPECT_EQ(IdListFor(*get, worker)->method, "worker.list");
}

TEST(CompletionTest, HiddenCommandPrintsWordsWithHelpFromTheDaemon) {
  testing::TestIo test;
  test.answer = [](const testing::RecordedCall& call) -> Result<json> {
    EXPECT_EQ(call.method, "product.list");
    EXPECT_EQ(call.params["limit"], 200);
    return json::array({{{"id", "66f1c0ffee0000000000abcd"}, {"name", "Tab\tbed"}}});
  };
  ASSERT_EQ(test.Run({"__complete", "product", "get", ""}), 0) << test.err.str();
  EXPECT_EQ(test.out.str(), "66f1c0ffee0000000000abcd\tTab bed\n");
}

TEST(CompletionTest, HiddenCommandIsQuietWhenTheDaemonIsDown) {
  testing::TestIo test;
  test.answer = [](const testing::RecordedCall&) -> Result<json> {
    return Unavailable("martd is not running");
  };
  EXPECT_EQ(test.Run({"__complete", "order", "get", ""}), 0);
  EXPECT_EQ(test.out.str(), "");
  EXPECT_EQ(test.err.str(), "");
}

TEST(CompletionTest, ScriptsCallTheHiddenCommand) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    testing::TestIo test;
    ASSERT_EQ(test.Run({"completion", shell}), 0) << shell;
    EXPECT_EQ(test.out.str(), CompletionScript(shell));
    EXPECT_NE(test.out.str().find("__complete"), std::string::npos) << shell;
  }
  testing::TestIo bad;
  EXPECT_EQ(bad.Run({"completion", "tcsh"}), 2);
}

}  // namespace
}  // namespace mart::cli
