#include "martctl/local/credentials.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using testing::TempDir;

mode_t ModeOf(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

Profile SampleProfile() {
  return Profile{.endpoints = {"ipc:///run/martd.sock", "ipc:///run/martd-2.sock"},
                 .email = "ann@example.com",
                 .user_id = 7,
                 .role = "admin",
                 .access_token = "access-1",
                 .refresh_token = "refresh-1",
                 .access_expires_at = 1'700'001'800};
}

TEST(CredentialsTest, StoreCreatesAPrivateDirectoryAndFile) {
  TempDir dir;
  const std::string path = dir.path() + "/config/mart/credentials.json";
  CredentialsFile file(path);
  ASSERT_TRUE(file.Store("default", SampleProfile()).ok());
  EXPECT_EQ(ModeOf(dir.path() + "/config/mart"), 0700u);
  EXPECT_EQ(ModeOf(dir.path() + "/config"), 0700u);
  EXPECT_EQ(ModeOf(path), 0600u);
}

TEST(CredentialsTest, RewritingKeepsTheFilePrivateAndLeavesNoTemporaryFile) {
  TempDir dir;
  const std::string path = dir.path() + "/credentials.json";
  { std::ofstream(path) << "{\"profiles\": {}}"; }
  ::chmod(path.c_str(), 0644);
  CredentialsFile file(path);
  ASSERT_TRUE(file.Store("default", SampleProfile()).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(CredentialsTest, ProfilesRoundTripAndStayApart) {
  TempDir dir;
  CredentialsFile file(dir.path() + "/credentials.json");
  Profile ops = SampleProfile();
  ops.email = "ops@example.com";
  ASSERT_TRUE(file.Store("default", SampleProfile()).ok());
  ASSERT_TRUE(file.Store("ops", ops).ok());
  Result<Profile> loaded = file.Load("default");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(ProfileToJson(*loaded), ProfileToJson(SampleProfile()));
  EXPECT_EQ(file.Load("ops")->email, "ops@example.com");
  EXPECT_FALSE(file.Load("other")->logged_in());
}

TEST(CredentialsTest, FileHasTheDocumentedShape) {
  TempDir dir;
  const std::string path = dir.path() + "/credentials.json";
  ASSERT_TRUE(CredentialsFile(path).Store("default", SampleProfile()).ok());
  std::ifstream in(path);
  nlohmann::json document = nlohmann::json::parse(in);
  const auto& profile = document["profiles"]["default"];
  EXPECT_EQ(profile["endpoints"], nlohmann::json({"ipc:///run/martd.sock", "ipc:///run/martd-2.sock"}));
  EXPECT_EQ(profile["user_id"], 7);
  EXPECT_EQ(profile["access_token"], "access-1");
  EXPECT_EQ(profile["refresh_token"], "refresh-1");
  EXPECT_EQ(profile["access_expires_at"], 1'700'001'800);
}

TEST(CredentialsTest, ForgetTokensKeepsTheRest) {
  TempDir dir;
  CredentialsFile file(dir.path() + "/credentials.json");
  ASSERT_TRUE(file.Store("default", SampleProfile()).ok());
  ASSERT_TRUE(file.ForgetTokens("default").ok());
  ASSERT_TRUE(file.ForgetTokens("never-stored").ok());
  Profile profile = file.Load("default").value();
  EXPECT_FALSE(profile.logged_in());
  EXPECT_TRUE(profile.refresh_token.empty());
  EXPECT_EQ(profile.email, "ann@example.com");
  EXPECT_EQ(profile.endpoints, SampleProfile().endpoints);
}

// A file written before endpoint lists names one endpoint: a list of one.
TEST(CredentialsTest, AnOlderFilesEndpointIsAListOfOne) {
  Profile old = ProfileFromJson({{"endpoint", "ipc:///run/martd.sock"}, {"access_token", "a"}});
  EXPECT_EQ(old.endpoints, std::vector<std::string>{"ipc:///run/martd.sock"});
  EXPECT_TRUE(ProfileFromJson({{"endpoints", "ipc:///not-a-list"}}).endpoints.empty());
}

TEST(CredentialsTest, MissingFileIsNoProfileAndBrokenFileIsAnError) {
  TempDir dir;
  const std::string path = dir.path() + "/credentials.json";
  Result<Profile> missing = CredentialsFile(path).Load("default");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->logged_in());
  { std::ofstream(path) << "not json"; }
  Result<Profile> broken = CredentialsFile(path).Load("default");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), Code::kInvalidArgument);
  EXPECT_NE(broken.status().message().find(path), std::string::npos);
}

TEST(CredentialsTest, WrongTypesAreIgnored) {
  Profile profile = ProfileFromJson({{"email", 5}, {"user_id", "x"}, {"access_token", "t"}});
  EXPECT_EQ(profile.email, "");
  EXPECT_EQ(profile.user_id, 0);
  EXPECT_EQ(profile.access_token, "t");
}

TEST(CredentialsTest, LockCanBeTakenAndRetaken) {
  TempDir dir;
  const std::string path = dir.path() + "/sub/credentials.json";
  {
    CredentialsLock lock;
    ASSERT_TRUE(lock.Acquire(path).ok());
  }
  CredentialsLock again;
  EXPECT_TRUE(again.Acquire(path).ok());
  EXPECT_EQ(ModeOf(path + ".lock"), 0600u);
}

}  // namespace
}  // namespace mart::cli
