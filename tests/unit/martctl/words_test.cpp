// The REPL's line splitter: blanks, quotes, escapes, comments and errors.
#include "martctl/repl/words.h"

#include <gtest/gtest.h>

namespace mart::cli {
namespace {

using Words = std::vector<std::string>;

Words Split(std::string_view line) {
  Result<Words> words = SplitWords(line);
  EXPECT_TRUE(words.ok()) << line;
  return words.ok() ? *words : Words{"<error>"};
}

TEST(WordsTest, BlanksSeparateWords) {
  EXPECT_EQ(Split("product  list\t-o json "), (Words{"product", "list", "-o", "json"}));
  EXPECT_EQ(Split(""), Words{});
  EXPECT_EQ(Split("   \t"), Words{});
}

TEST(WordsTest, QuotesKeepBlanksAndJoinAdjacentParts) {
  EXPECT_EQ(Split("product create --name \"Green tea\""),
            (Words{"product", "create", "--name", "Green tea"}));
  EXPECT_EQ(Split("a 'it''s' b"), (Words{"a", "its", "b"}));
  EXPECT_EQ(Split("--name='x y'z"), Words{"--name=x yz"});
  EXPECT_EQ(Split("a \"\" ''"), (Words{"a", "", ""}));
}

TEST(WordsTest, BackslashEscapes) {
  EXPECT_EQ(Split(R"(a\ b c)"), (Words{"a b", "c"}));
  EXPECT_EQ(Split(R"("say \"hi\" \\ \n")"), Words{R"(say "hi" \ \n)"});
  EXPECT_EQ(Split(R"('\"')"), Words{R"(\")"});
  EXPECT_EQ(Split(R"(\#x)"), Words{"#x"});
}

TEST(WordsTest, CommentsStartAtAnUnquotedHashStartingAWord) {
  EXPECT_EQ(Split("# a comment"), Words{});
  EXPECT_EQ(Split("version # why"), Words{"version"});
  EXPECT_EQ(Split("a#b '#c'"), (Words{"a#b", "#c"}));
}

TEST(WordsTest, UnbalancedQuotesAndTrailingBackslashAreInvalid) {
  for (std::string_view line : {"a \"b", "a 'b", "'", R"("a\")", "a \\"}) {
    Result<Words> words = SplitWords(line);
    ASSERT_FALSE(words.ok()) << line;
    EXPECT_EQ(words.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(words.status().exit_code(), 2);
  }
}

}  // namespace
}  // namespace mart::cli
