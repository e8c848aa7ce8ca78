// BackupService and the backup store: a copy of a store with data, the
// target rules (where a backup may go, for whom, and over what), and verify
// finding a damaged or tampered file.
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

class SqliteFileBackupTest : public ::testing::Test {
 protected:
  SqliteFileBackupTest() {
    std::filesystem::create_directories(data_dir_);
    std::filesystem::create_directories(backup_dir_);
    Status configured = h_.services().backups.Configure({data_dir_, backup_dir_});
    EXPECT_TRUE(configured.ok()) << configured.ToString();
    operator_.kind = Principal::Kind::kOperator;
    admin_.kind = Principal::Kind::kUser;
    admin_.role = kRoleAdmin;
  }

  Result<json> Backup(const std::string& path, bool force = false) {
    return Backup(path, operator_, force);
  }
  Result<json> Backup(const std::string& path, const Principal& caller, bool force = false) {
    return h_.services().backups.Backup(h_.store(), path, force, 1700000000000000, caller);
  }
  Result<json> VerifyAs(const std::string& path, const Principal& caller) {
    return h_.services().backups.Verify(path, caller);
  }
  json Verify(const std::string& path) { return Must(VerifyAs(path, operator_), path); }

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
  test::TempDir home_;
  const std::string data_dir_ = home_.Sub("data");
  const std::string backup_dir_ = home_.Sub("data/backups");
  Principal operator_;  // the local operator (cookie)
  Principal admin_;     // a logged-in admin (token)
};

TEST_F(SqliteFileBackupTest, TheCopyOpensWithTheSameRowsAndSchemaVersion) {
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
  EXPECT_EQ(Must(copy->db().SchemaVersion(), "version"), store::LatestSchemaVersion());
  for (const char* sql : {"SELECT count(*) FROM orders", "SELECT count(*) FROM users",
                          "SELECT count(*) FROM events", "SELECT sum(available) FROM inventory"}) {
    EXPECT_EQ(Count(*copy, sql), Count(h_.store(), sql)) << sql;
  }
  EXPECT_EQ(Count(*copy, "SELECT count(*) FROM orders"), 1);
  json verified = Verify(path);
  EXPECT_EQ(verified["ok"], true) << verified.dump(2);
  EXPECT_EQ(verified["sha256"], result["sha256"]);
}

TEST_F(SqliteFileBackupTest, AnExistingFileIsReplacedOnlyWithForce) {
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
TEST_F(SqliteFileBackupTest, ATempFileLeftByACrashDoesNotBlockTheNextBackup) {
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

TEST_F(SqliteFileBackupTest, RelativePathsMissingDirectoriesAndDirectoriesAreRefused) {
  Status relative = Backup("sub/mart.bak").status();
  EXPECT_EQ(relative.code(), Code::kInvalidArgument);
  EXPECT_EQ(relative.message(), "backup path must be absolute: sub/mart.bak");
  EXPECT_FALSE(std::filesystem::exists("sub/mart.bak"));
  for (const char* hidden : {".", "..", ".mart.bak"}) {
    EXPECT_EQ(Backup(hidden).status().code(), Code::kInvalidArgument) << hidden;
  }
  Status missing = Backup(dir_.Sub("nope/mart.bak")).status();
  EXPECT_EQ(missing.code(), Code::kInvalidArgument);
  EXPECT_EQ(missing.message(), "no such directory: " + dir_.Sub("nope"));
  EXPECT_EQ(Backup(dir_.path()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(VerifyAs("./mart.bak", operator_).status().code(), Code::kInvalidArgument);
}

TEST_F(SqliteFileBackupTest, VerifyFindsATamperedStockRow) {
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

TEST_F(SqliteFileBackupTest, VerifyRefusesATruncatedOrForeignFile) {
  const std::string path = dir_.Sub("mart.bak");
  Must(Backup(path), "backup");
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  auto truncated = VerifyAs(path, operator_);
  // Either the file does not open as a database or its integrity check fails.
  if (truncated.ok()) {
    EXPECT_EQ((*truncated)["ok"], false) << truncated->dump(2);
  } else {
    EXPECT_EQ(truncated.status().code(), Code::kFailedPrecondition);
  }
  const std::string text = dir_.Sub("notes.txt");
  std::ofstream(text) << std::string(8192, 'x');
  Status foreign = VerifyAs(text, operator_).status();
  EXPECT_EQ(foreign.code(), Code::kFailedPrecondition);
  EXPECT_NE(foreign.message().find("file is not a database"), std::string::npos) << foreign.message();
  EXPECT_EQ(VerifyAs(dir_.Sub("missing"), operator_).status().code(),
            Code::kFailedPrecondition);
}

// A bare name is a file in the backup dir, for the operator and a token alike.
TEST_F(SqliteFileBackupTest, ABareNameGoesIntoTheBackupDir) {
  json made = Must(Backup("nightly.db", admin_), "backup by a logged-in admin");
  EXPECT_EQ(made["path"], backup_dir_ + "/nightly.db");
  EXPECT_TRUE(std::filesystem::is_regular_file(backup_dir_ + "/nightly.db"));
  EXPECT_EQ(Must(VerifyAs("nightly.db", admin_), "verify")["ok"], true);
  EXPECT_EQ(Must(Backup("nightly.db", operator_, true), "operator")["path"],
            backup_dir_ + "/nightly.db");
}

// A token may come from another machine: it must not choose where martd
// writes (or which file it reads), only a name in the operator's backup dir.
TEST_F(SqliteFileBackupTest, ALoggedInAdminStaysInTheBackupDir) {
  Status elsewhere = Backup(dir_.Sub("mart.bak"), admin_).status();
  EXPECT_EQ(elsewhere.code(), Code::kPermissionDenied);
  EXPECT_NE(elsewhere.message().find("backup dir " + backup_dir_), std::string::npos)
      << elsewhere.message();
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("mart.bak")));
  Must(Backup(dir_.Sub("mart.bak")), "the operator may");
  EXPECT_EQ(VerifyAs(dir_.Sub("mart.bak"), admin_).status().code(), Code::kPermissionDenied);
  // Into the backup dir by a path that leaves it, or by its full name.
  EXPECT_EQ(Backup(backup_dir_ + "/../x.db", admin_).status().code(), Code::kInvalidArgument)
      << "that is the data dir";
  EXPECT_TRUE(Backup(backup_dir_ + "/full.db", admin_).ok());
}

// The corruption: a backup renamed over the live mart.db (or over
// the signing key, so that martd cannot start). Nobody writes there.
TEST_F(SqliteFileBackupTest, NothingIsWrittenIntoTheDataDir) {
  for (const char* name : {"mart.db", "mart.db-wal", "signing.key", "cookie", "martd.lock"}) {
    const std::string live = data_dir_ + "/" + name;
    std::ofstream(live) << "live";
    for (const Principal& caller : {operator_, admin_}) {
      Status refused = Backup(live, caller, /*force=*/true).status();
      EXPECT_EQ(refused.code(), Code::kInvalidArgument) << name;
      EXPECT_NE(refused.message().find("data dir"), std::string::npos) << refused.message();
    }
    std::ifstream in(live);
    std::string kept;
    std::getline(in, kept);
    EXPECT_EQ(kept, "live") << name;
  }
  // Nor through a symlinked directory or dot-dots that lead there.
  std::filesystem::create_directory_symlink(data_dir_, dir_.Sub("alias"));
  EXPECT_EQ(Backup(dir_.Sub("alias/mart.db"), true).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Backup(dir_.path() + "/../" + std::filesystem::path(home_.path()).filename().string() +
                       "/data/mart.db",
                   true)
                .status()
                .code(),
            Code::kInvalidArgument);
}

TEST_F(SqliteFileBackupTest, ForceReplacesOnlyARegularFile) {
  const std::string fifo = dir_.Sub("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string target = dir_.Sub("precious.txt");
  std::ofstream(target) << "precious";
  const std::string link = dir_.Sub("link.db");
  std::filesystem::create_symlink(target, link);
  std::filesystem::create_directory(dir_.Sub("folder"));
  for (const std::string& path : {fifo, link, dir_.Sub("folder")}) {
    Status refused = Backup(path, /*force=*/true).status();
    EXPECT_EQ(refused.code(), Code::kInvalidArgument) << path;
    EXPECT_NE(refused.message().find("a backup replaces only a regular file"), std::string::npos)
        << refused.message();
  }
  struct stat info {};
  ASSERT_EQ(::lstat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  ASSERT_EQ(::lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  std::ifstream in(target);
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "precious");
}

TEST_F(SqliteFileBackupTest, TheBackupDirMustNotBeTheDataDir) {
  BackupService other(h_.services().checks);
  EXPECT_EQ(other.Configure({data_dir_, data_dir_ + "/."}).code(), Code::kFailedPrecondition);
  EXPECT_EQ(other.Configure({data_dir_, home_.Sub("missing")}).code(), Code::kFailedPrecondition);
  Principal anyone;
  anyone.kind = Principal::Kind::kOperator;
  EXPECT_EQ(other.Backup(h_.store(), "x.db", false, 0, anyone).status().code(),
            Code::kUnavailable)
      << "an unconfigured service writes nowhere";
}

}  // namespace
}  // namespace mart
