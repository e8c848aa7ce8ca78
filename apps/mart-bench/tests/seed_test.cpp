#include "bench/seed.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "temp_dir.h"

namespace mart::bench {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string Contents(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class WriteFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_umask_ = ::umask(022);  // the usual umask, under which a plain open makes 0644
    fixture_.product_ids = {"p1", "p2"};
    fixture_.categories = {"c1"};
    fixture_.users.resize(2);
    fixture_.users[0].token = "token-a";
    fixture_.users[1].token = "token-b";
  }
  void TearDown() override { ::umask(old_umask_); }

  mode_t old_umask_ = 0;
  test::TempDir dir_;
  Fixture fixture_;
};

TEST_F(WriteFixtureTest, TokensFileIsCreatedOwnerOnly) {
  ASSERT_TRUE(WriteFixture(fixture_, dir_.path()).ok());
  EXPECT_EQ(ModeOf(dir_.Sub("tokens.txt")), 0600u);
  EXPECT_EQ(Contents(dir_.Sub("tokens.txt")), "token-a\ntoken-b\n");
  EXPECT_EQ(Contents(dir_.Sub("products.txt")), "p1\np2\n");
  EXPECT_EQ(Contents(dir_.Sub("categories.txt")), "c1\n");
}

TEST_F(WriteFixtureTest, ReplacesAWorldReadableFileOfAnOlderRun) {
  const std::string tokens = dir_.Sub("tokens.txt");
  { std::ofstream old(tokens); old << "stale-token\nanother\nthird\n"; }
  ASSERT_EQ(::chmod(tokens.c_str(), 0644), 0);
  ASSERT_TRUE(WriteFixture(fixture_, dir_.path()).ok());
  EXPECT_EQ(ModeOf(tokens), 0600u);
  EXPECT_EQ(Contents(tokens), "token-a\ntoken-b\n");
}

TEST_F(WriteFixtureTest, UnwritableDirectoryIsAnErrorNamingTheFile) {
  Status status = WriteFixture(fixture_, dir_.Sub("missing"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_NE(status.message().find("missing/products.txt"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace mart::bench
