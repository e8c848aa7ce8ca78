// martd --restore: verifies a copy before touching the data dir, never
// replaces an earlier restore's saved database, refuses the live store as its
// source, and puts everything back when the last step fails.
#include "daemon/restore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "stores/backup_store.h"
#include "stores/store.h"
#include "testing/fault.h"
#include "util/temp_dir.h"

namespace mart::daemon {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class RestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(data_);
    // The live store, and a backup of another store (with a marker row).
    auto live = store::Store::Open(data_ + "/mart.db", store::OpenMode::kReadWrite);
    ASSERT_TRUE(live.ok()) << live.status().ToString();
    auto other = store::Store::Open(dir_.Sub("other.db"), store::OpenMode::kReadWrite);
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    auto copy = store::WriteBackup((*other)->db(), backup_, false);
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    live->reset();
    other->reset();
    options_.data_dir = data_;
    options_.restore = backup_;
  }

  void TearDown() override { fault::DisarmAll(); }

  // The names in the data dir that a restore moved aside.
  std::set<std::string> Asides() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(data_)) {
      const std::string name = entry.path().filename().string();
      if (name.find(".before-restore-") != std::string::npos) names.insert(name);
    }
    return names;
  }

  // Every file of the data dir with its bytes.
  std::map<std::string, std::string> Snapshot() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(data_)) {
      if (entry.path().filename() == "martd.lock") continue;
      files[entry.path().filename().string()] = ReadAll(entry.path().string());
    }
    return files;
  }

  test::TempDir dir_;
  const std::string data_ = dir_.Sub("data");
  const std::string backup_ = dir_.Sub("mart.bak");
  DaemonOptions options_;
  std::ostringstream out_;
};

TEST_F(RestoreTest, TwoRestoresInOneSecondKeepBothSavedDatabases) {
  const std::string original = ReadAll(data_ + "/mart.db");
  ASSERT_TRUE(RestoreDatabase(options_, out_).ok()) << out_.str();
  std::set<std::string> first = Asides();
  ASSERT_EQ(first.size(), 1u);
  const std::string saved = data_ + "/" + *first.begin();
  EXPECT_EQ(ReadAll(saved), original);
  ASSERT_TRUE(RestoreDatabase(options_, out_).ok()) << out_.str();
  std::set<std::string> both = Asides();
  ASSERT_EQ(both.size(), 2u) << "the second restore kept its own aside";
  EXPECT_EQ(ReadAll(saved), original) << "and left the first one alone";
  EXPECT_EQ(ReadAll(data_ + "/mart.db"), ReadAll(backup_));
}

TEST_F(RestoreTest, TheLiveStoreIsNotASource) {
  const auto before = Snapshot();
  options_.restore = data_ + "/mart.db";
  Status refused = RestoreDatabase(options_, out_);
  EXPECT_EQ(refused.code(), Code::kInvalidArgument);
  EXPECT_NE(refused.message().find("it is in the data dir"), std::string::npos)
      << refused.message();
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(RestoreTest, AFailedInstallPutsTheOldDatabaseBack) {
  const auto before = Snapshot();
  ASSERT_TRUE(fault::Arm("restore.install").ok());
  Status failed = RestoreDatabase(options_, out_);
  EXPECT_EQ(failed.code(), Code::kUnavailable) << failed.ToString();
  EXPECT_EQ(Snapshot(), before) << "no aside, no staged copy, the same database";
}

TEST_F(RestoreTest, ADamagedBackupChangesNothing) {
  const auto before = Snapshot();
  std::ofstream(backup_, std::ios::binary | std::ios::trunc) << std::string(8192, 'x');
  Status refused = RestoreDatabase(options_, out_);
  EXPECT_EQ(refused.code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.message().find(backup_), std::string::npos)
      << "names the file given, not the staged copy: " << refused.message();
  EXPECT_EQ(Snapshot(), before);
}

}  // namespace
}  // namespace mart::daemon
