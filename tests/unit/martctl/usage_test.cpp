#include "martctl/usage.h"

#include <gtest/gtest.h>

namespace mart::cli {
namespace {

TEST(ClosestWordTest, SuggestsOnlyCloseWords) {
  const std::vector<std::string> groups = {"auth", "profile", "address", "user", "daemon"};
  EXPECT_EQ(ClosestWord("usr", groups), "user");
  EXPECT_EQ(ClosestWord("adress", groups), "address");
  EXPECT_EQ(ClosestWord("profiel", groups), "profile");
  EXPECT_EQ(ClosestWord("x", groups), "");
  EXPECT_EQ(ClosestWord("inventory", groups), "");
}

TEST(ClosestWordTest, PicksTheNearest) {
  EXPECT_EQ(ClosestWord("logn", {"login", "logout"}), "login");
  EXPECT_EQ(ClosestWord("log", {"login", "logout"}), "");
}

}  // namespace
}  // namespace mart::cli
