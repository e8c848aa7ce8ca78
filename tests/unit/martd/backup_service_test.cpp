// BackupService and the backup store: a copy of a store with data, the
// target rules, and verify finding a damaged or tampered file.
#include "services/backup_service.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "stores/backup_store.h"
#include "stores/schema.h"
#include "util/order_harness.h"
#include "util/temp_dir.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

class BackupServiceTest : public ::testing::Test {
 protected:
  Result<json> Backup(const std::string& path, bool force = false) {
    return h_.services().backups.Backup(h_.store(), path, force, 1700000000000000);
  }
  json Verify(const std::string& path) { return Must(h_.services().backups.Verify(path), path); }

  static int64_t Count(store::Store& store, const char* sql) {
    auto query = Must(store.db().Prepare(sql), sql);
    EXPECT_TRUE(Must(query.Next(), sql));
    return query.Int(0);
  }

  static json CheckNamed(const json& report, const std::string& name) {
    for (const json& check : report["checks"]) {
      if (check["name"] == name) return check;
    }
    return nullptr;
  }

  test::OrderHarness h_;
  test::TempDir dir_;
};

TEST_F(BackupServiceTest, TheCopyOpensWithTheSameRowsAndSchemaVersion) {
  h_.MustPlace(h_.watch.id, 2);
  h_.Pump();
  const std::string path = dir_.Sub("mart.bak");
  json result = Must(Backup(path), "backup");
  EXPECT_EQ(result["path"], path);
  EXPECT_EQ(result["schema_version"], store::LatestSchemaVersion());
  EXPECT_EQ(result["bytes"], static_cast<int64_t>(std::filesystem::file_size(path)));
  EXPECT_EQ(result["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(result["taken_at"], "2023-11-14T22:13:20.000000+00:00");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));

  auto copy = Must(store::OpenBackup(path), "open copy");
  EXPECT_EQ(Must(store::SchemaVersion(copy->db()), "version"), store::LatestSchemaVersion());
  for (const char* sql : {"SELECT count(*) FROM orders", "SELECT count(*) FROM users",
                          "SELECT count(*) FROM events", "SELECT sum(available) FROM inventory"}) {
    EXPECT_EQ(Count(*copy, sql), Count(h_.store(), sql)) << sql;
  }
  EXPECT_EQ(Count(*copy, "SELECT count(*) FROM orders"), 1);
  json verified = Verify(path);
  EXPECT_EQ(verified["ok"], true) << verified.dump(2);
  EXPECT_EQ(verified["sha256"], result["sha256"]);
}

TEST_F(BackupServiceTest, AnExistingFileIsReplacedOnlyWithForce) {
  const std::string path = dir_.Sub("mart.bak");
  std::ofstream(path) << "keep me";
  Status refused = Backup(path).status();
  EXPECT_EQ(refused.code(), Code::kAlreadyExists);
  EXPECT_EQ(refused.message(), path + " exists (pass --force to replace it)");
  std::ifstream in(path);
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "keep me");
  EXPECT_TRUE(Backup(path, true).ok());
  EXPECT_EQ(Verify(path)["ok"], true);
}

// A crash mid-backup leaves its temp file; a restarted daemon often has the
// same pid (containers, systemd), and its next backup must not trip on it.
TEST_F(BackupServiceTest, ATempFileLeftByACrashDoesNotBlockTheNextBackup) {
  const std::string path = dir_.Sub("mart.bak");
  std::ofstream(path + ".tmp-" + std::to_string(::getpid())) << "half a copy";
  Must(Backup(path), "backup");
  EXPECT_EQ(Verify(path)["ok"], true);
  size_t temps = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    if (entry.path().filename().string().rfind("mart.bak.tmp-", 0) == 0) ++temps;
  }
  EXPECT_EQ(temps, 1U) << "only the crashed one's temp file is left";
}

TEST_F(BackupServiceTest, RelativePathsMissingDirectoriesAndDirectoriesAreRefused) {
  Status relative = Backup("mart.bak").status();
  EXPECT_EQ(relative.code(), Code::kInvalidArgument);
  EXPECT_EQ(relative.message(), "backup path must be absolute: mart.bak");
  EXPECT_FALSE(std::filesystem::exists("mart.bak"));
  Status missing = Backup(dir_.Sub("nope/mart.bak")).status();
  EXPECT_EQ(missing.code(), Code::kInvalidArgument);
  EXPECT_EQ(missing.message(), "no such directory: " + dir_.Sub("nope"));
  EXPECT_EQ(Backup(dir_.path()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(h_.services().backups.Verify("mart.bak").status().code(), Code::kInvalidArgument);
}

TEST_F(BackupServiceTest, VerifyFindsATamperedStockRow) {
  const std::string path = dir_.Sub("mart.bak");
  Must(Backup(path), "backup");
  {
    auto writable = Must(store::Store::Open(path, store::OpenMode::kReadWrite), "open rw");
    Must(writable->db().Execute("UPDATE inventory SET available = available + 5 WHERE product_id = '" +
                                h_.watch.id + "'"),
         "tamper");
  }
  json report = Verify(path);
  EXPECT_EQ(report["ok"], false);
  json stock = CheckNamed(report, "stock");
  EXPECT_EQ(stock["ok"], false) << report.dump(2);
  EXPECT_NE(stock["problems"][0].get<std::string>().find("product " + h_.watch.id), std::string::npos);
}

TEST_F(BackupServiceTest, VerifyRefusesATruncatedOrForeignFile) {
  const std::string path = dir_.Sub("mart.bak");
  Must(Backup(path), "backup");
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  auto truncated = h_.services().backups.Verify(path);
  // Either the file does not open as a database or its integrity check fails.
  if (truncated.ok()) {
    EXPECT_EQ((*truncated)["ok"], false) << truncated->dump(2);
  } else {
    EXPECT_EQ(truncated.status().code(), Code::kFailedPrecondition);
  }
  const std::string text = dir_.Sub("notes.txt");
  std::ofstream(text) << std::string(8192, 'x');
  Status foreign = h_.services().backups.Verify(text).status();
  EXPECT_EQ(foreign.code(), Code::kFailedPrecondition);
  EXPECT_NE(foreign.message().find("file is not a database"), std::string::npos) << foreign.message();
  EXPECT_EQ(h_.services().backups.Verify(dir_.Sub("missing")).status().code(),
            Code::kFailedPrecondition);
}

}  // namespace
}  // namespace mart
