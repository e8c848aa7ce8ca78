#include "mart/wire/json_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mart {
namespace {

TEST(JsonTextTest, SplitsAnObjectIntoItsMembersText) {
  std::vector<JsonMember> members;
  ASSERT_TRUE(SplitJsonObject(
      R"( {"a" : 1, "b\"}":"x,\"]}" ,"c":{"d":[1,{"e":"]"}]},"f":[],"g":null,"h":-1.5e+3,"":0} )",
      &members));
  ASSERT_EQ(members.size(), 7u);
  EXPECT_EQ(members[0].key, "a");
  EXPECT_EQ(members[0].value, "1");
  EXPECT_EQ(members[1].key, R"(b\"})");
  EXPECT_EQ(members[1].value, R"("x,\"]}")");
  EXPECT_EQ(members[2].value, R"({"d":[1,{"e":"]"}]})");
  EXPECT_EQ(members[3].value, "[]");
  EXPECT_EQ(members[4].value, "null");
  EXPECT_EQ(members[5].key, "h");
  EXPECT_EQ(members[5].value, "-1.5e+3");
  EXPECT_EQ(members[6].key, "");
  ASSERT_TRUE(SplitJsonObject("{}", &members));
  EXPECT_TRUE(members.empty());
}

TEST(JsonTextTest, SplitsAnArrayIntoItsElementsText) {
  std::vector<std::string_view> elements;
  ASSERT_TRUE(SplitJsonArray(R"([{"id":"a"}, "[", 3 ,[[]],true])", &elements));
  ASSERT_EQ(elements.size(), 5u);
  EXPECT_EQ(elements[0], R"({"id":"a"})");
  EXPECT_EQ(elements[1], R"("[")");
  EXPECT_EQ(elements[2], "3");
  EXPECT_EQ(elements[3], "[[]]");
  EXPECT_EQ(elements[4], "true");
  ASSERT_TRUE(SplitJsonArray(" [ ] ", &elements));
  EXPECT_TRUE(elements.empty());
}

TEST(JsonTextTest, RefusesTextThatIsNotOneContainer) {
  const std::string objects[] = {
      "",          "[]",         "{",          "{\"a\":1",     "{\"a\":1}x",  "{\"a\" 1}",
      "{\"a\":}",  "{\"a\":1,}", "{,}",        "{a:1}",        "{\"a\":1 \"b\":2}",
      "{\"a\":[}", "{\"a\":[1}]}", "{\"a\":\"x}", "{\"a\":{\"b\":1}]}",
  };
  for (const std::string& text : objects) {
    std::vector<JsonMember> members = {{"stale", "stale"}};
    EXPECT_FALSE(SplitJsonObject(text, &members)) << text;
    EXPECT_TRUE(members.empty()) << text;
  }
  const std::string arrays[] = {"", "{}", "[", "[1", "[1,]", "[,1]", "[1 2]", "[1]]", "[\"]"};
  for (const std::string& text : arrays) {
    std::vector<std::string_view> elements = {"stale"};
    EXPECT_FALSE(SplitJsonArray(text, &elements)) << text;
    EXPECT_TRUE(elements.empty()) << text;
  }
}

TEST(JsonTextTest, NestingDepthSkipsStrings) {
  EXPECT_EQ(JsonNestingDepth(R"({"a":[1,{"b":"[[[["}]})"), 3u);
  EXPECT_EQ(JsonNestingDepth(R"("{{{")"), 0u);
  EXPECT_EQ(JsonNestingDepth(std::string(100, '[')), 100u);
}

}  // namespace
}  // namespace mart
