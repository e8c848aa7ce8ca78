#include "daemon/data_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "mart/paths.h"
#include "util/temp_dir.h"
#include "util/test_store.h"

namespace mart::daemon {
namespace {

using test::Must;

unsigned Mode(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 07777 + 1;  // "missing": matches no mode
  return info.st_mode & 07777;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

class DataDirTest : public ::testing::Test {
 protected:
  std::string DataPath() const { return tmp_.Sub("nested/mart"); }
  test::TempDir tmp_;
};

TEST_F(DataDirTest, OpenCreatesThePrivateDirectoryAndItsParents) {
  auto dir = Must(DataDir::Open(DataPath()), "open");
  EXPECT_EQ(dir->path(), DataPath());
  EXPECT_EQ(Mode(DataPath()), 0700u);
  EXPECT_EQ(dir->DatabasePath(), DataPath() + "/mart.db");
  EXPECT_EQ(Read(DataPath() + "/martd.lock"), std::to_string(::getpid()) + "\n");
}

TEST_F(DataDirTest, SecondOpenIsRefusedWhileTheFirstHoldsTheLock) {
  auto first = Must(DataDir::Open(DataPath()), "first open");
  auto second = DataDir::Open(DataPath());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another martd"), std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.status().message();
  EXPECT_EQ(second.status().details()["data_dir"], DataPath());
}

TEST_F(DataDirTest, LockIsReleasedWhenTheDataDirCloses) {
  { auto first = Must(DataDir::Open(DataPath()), "first open"); }
  EXPECT_TRUE(DataDir::Open(DataPath()).ok());
}

TEST_F(DataDirTest, SigningKeyIsPrivateAndStableAcrossOpens) {
  SigningKey first{};
  {
    auto dir = Must(DataDir::Open(DataPath()), "open");
    first = Must(dir->LoadOrCreateSigningKey(), "create key");
    EXPECT_EQ(Must(dir->LoadOrCreateSigningKey(), "load key"), first);
  }
  const std::string key_path = DataPath() + "/signing.key";
  EXPECT_EQ(Mode(key_path), 0600u);
  EXPECT_EQ(Read(key_path).size(), first.size());
  EXPECT_NE(first, SigningKey{});  // random, not all zero
  auto reopened = Must(DataDir::Open(DataPath()), "reopen");
  EXPECT_EQ(Must(reopened->LoadOrCreateSigningKey(), "reload key"), first);
}

TEST_F(DataDirTest, DamagedSigningKeyIsRefused) {
  auto dir = Must(DataDir::Open(DataPath()), "open");
  ASSERT_TRUE(WriteFileAtomic(DataPath() + "/signing.key", "too short", 0600).ok());
  EXPECT_EQ(dir->LoadOrCreateSigningKey().status().code(), Code::kFailedPrecondition);
}

// --signing-key: the cluster's key from a file of the operator's; never made,
// never loosely readable, exactly 32 bytes.
TEST_F(DataDirTest, AGivenSigningKeyFileIsUsedAsItIs) {
  auto dir = Must(DataDir::Open(DataPath()), "open");
  const std::string file = tmp_.Sub("cluster.key");
  ASSERT_TRUE(WriteFileAtomic(file, std::string(32, '\x07'), 0600).ok());
  SigningKey want{};
  want.fill(7);
  EXPECT_EQ(Must(dir->LoadOrCreateSigningKey(file), "given key"), want);
  EXPECT_FALSE(Exists(DataPath() + "/signing.key")) << "the data dir's own key is not made";

  ::chmod(file.c_str(), 0640);
  auto loose = dir->LoadOrCreateSigningKey(file);
  EXPECT_EQ(loose.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(loose.status().message().find("chmod 600"), std::string::npos) << loose.status().message();
  ASSERT_TRUE(WriteFileAtomic(file, "short", 0600).ok());
  EXPECT_EQ(dir->LoadOrCreateSigningKey(file).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(dir->LoadOrCreateSigningKey(tmp_.Sub("missing.key")).status().code(),
            Code::kFailedPrecondition);
}

// --curve-key: one key pair for every instance; curve.pub still follows it.
TEST_F(DataDirTest, AGivenCurveKeyFileIsUsedAndItsPublicHalfWritten) {
  auto first = Must(DataDir::Open(DataPath()), "open");
  const CurveKeys made = Must(first->LoadOrCreateCurveKeys(), "made");
  const std::string file = tmp_.Sub("cluster-curve.key");
  ASSERT_TRUE(WriteFileAtomic(file, made.secret_key + "\n" + made.public_key + "\n", 0600).ok());
  auto other = Must(DataDir::Open(tmp_.Sub("other")), "open other");
  const CurveKeys given = Must(other->LoadOrCreateCurveKeys(file), "given");
  EXPECT_EQ(given.public_key, made.public_key);
  EXPECT_EQ(given.secret_key, made.secret_key);
  EXPECT_EQ(Read(tmp_.Sub("other") + "/curve.pub"), made.public_key + "\n");
  EXPECT_FALSE(Exists(tmp_.Sub("other") + "/curve.key"));
  ::chmod(file.c_str(), 0644);
  EXPECT_EQ(other->LoadOrCreateCurveKeys(file).status().code(), Code::kFailedPrecondition);
}

TEST_F(DataDirTest, TheInstanceIdIsMadeOnceAndKept) {
  std::string first;
  {
    auto dir = Must(DataDir::Open(DataPath()), "open");
    first = Must(dir->LoadOrCreateInstanceId(), "made");
  }
  EXPECT_EQ(first.size(), 12u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;
  auto again = Must(DataDir::Open(DataPath()), "reopen");
  EXPECT_EQ(Must(again->LoadOrCreateInstanceId(), "kept"), first);
  ASSERT_TRUE(WriteFileAtomic(DataPath() + "/instance.id", "nonsense\n", 0600).ok());
  EXPECT_EQ(again->LoadOrCreateInstanceId().status().code(), Code::kFailedPrecondition);
}

TEST_F(DataDirTest, CookieIsPrivateAndChangesEveryWrite) {
  auto dir = Must(DataDir::Open(DataPath()), "open");
  std::string first = Must(dir->WriteCookie("ipc:///run/m.sock"), "first cookie");
  const std::string cookie_path = CookiePath(DataPath());
  EXPECT_EQ(Mode(cookie_path), 0600u);
  EXPECT_EQ(Read(cookie_path), first + "\nipc:///run/m.sock\n") << "the cookie, then its endpoint";
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;

  std::string second = Must(dir->WriteCookie("ipc:///run/m.sock"), "second cookie");
  EXPECT_NE(second, first);
  EXPECT_EQ(Read(cookie_path), second + "\nipc:///run/m.sock\n");
  EXPECT_EQ(Mode(cookie_path), 0600u);

  dir->RemoveCookie();
  EXPECT_FALSE(Exists(cookie_path));
}

TEST_F(DataDirTest, WorldOrGroupWritableDirectoryIsRefused) {
  for (unsigned mode : {0777u, 0770u, 0702u}) {
    const std::string path = tmp_.Sub("shared-" + std::to_string(mode));
    ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto dir = DataDir::Open(path);
    EXPECT_EQ(dir.status().code(), Code::kFailedPrecondition) << std::oct << mode;
    EXPECT_NE(dir.status().message().find("writable by other users"), std::string::npos);
    EXPECT_FALSE(Exists(path + "/martd.lock"));  // refused before touching anything
  }
}

TEST_F(DataDirTest, ExistingReadableDirectoryIsAccepted) {
  const std::string path = tmp_.Sub("existing");
  ASSERT_EQ(::mkdir(path.c_str(), 0755), 0);
  EXPECT_TRUE(DataDir::Open(path).ok());
}

TEST_F(DataDirTest, FileInThePlaceOfTheDirectoryIsRefused) {
  const std::string path = tmp_.Sub("plain-file");
  ASSERT_TRUE(WriteFileAtomic(path, "x", 0600).ok());
  EXPECT_EQ(DataDir::Open(path).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(DataDir::Open("").status().code(), Code::kInvalidArgument);
}

TEST_F(DataDirTest, PrepareSocketDirMakesAPrivateDirectoryForIpcOnly) {
  auto dir = Must(DataDir::Open(DataPath()), "open");
  ASSERT_TRUE(dir->PrepareSocketDir("ipc://" + DataPath() + "/run/martd.sock").ok());
  EXPECT_EQ(Mode(DataPath() + "/run"), 0700u);
  EXPECT_TRUE(dir->PrepareSocketDir("tcp://127.0.0.1:5555").ok());
  Status too_long = dir->PrepareSocketDir("ipc://" + DataPath() + "/" + std::string(120, 's'));
  EXPECT_EQ(too_long.code(), Code::kInvalidArgument);
}

TEST_F(DataDirTest, ASocketDirectoryWritableByOthersIsRefusedUnlessSticky) {
  auto dir = Must(DataDir::Open(DataPath()), "open");
  const std::string shared = tmp_.Sub("shared");
  ASSERT_TRUE(MakeDirs(shared, 0700).ok());
  ASSERT_EQ(::chmod(shared.c_str(), 0777), 0);
  Status refused = dir->PrepareSocketDir("ipc://" + shared + "/martd.sock");
  EXPECT_EQ(refused.code(), Code::kFailedPrecondition);
  EXPECT_EQ(refused.message(), "socket directory " + shared + " is writable by other users; chmod 700 it");
  ASSERT_EQ(::chmod(shared.c_str(), 01777), 0);  // like /tmp
  EXPECT_TRUE(dir->PrepareSocketDir("ipc://" + shared + "/martd.sock").ok());
}

TEST_F(DataDirTest, CurveKeysAreMadeOncePrivateAndPublishedBeside) {
  auto dir = Must(DataDir::Open(DataPath()), "open");
  CurveKeys first = Must(dir->LoadOrCreateCurveKeys(), "make");
  EXPECT_EQ(Mode(DataPath() + "/curve.key"), 0600u);
  std::ifstream pub(DataPath() + "/curve.pub");
  std::string published;
  std::getline(pub, published);
  EXPECT_EQ(published, first.public_key);
  CurveKeys again = Must(dir->LoadOrCreateCurveKeys(), "load");
  EXPECT_EQ(again.public_key, first.public_key);
  EXPECT_EQ(again.secret_key, first.secret_key);
  ASSERT_TRUE(WriteFileAtomic(DataPath() + "/curve.key", "garbage\n", 0600).ok());
  EXPECT_EQ(dir->LoadOrCreateCurveKeys().status().code(), Code::kFailedPrecondition);
}

TEST_F(DataDirTest, WriteFileAtomicReplacesContentWithTheMode) {
  const std::string path = tmp_.Sub("file");
  ASSERT_TRUE(WriteFileAtomic(path, "first", 0644).ok());
  ASSERT_TRUE(WriteFileAtomic(path, "second", 0600).ok());
  EXPECT_EQ(Read(path), "second");
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_FALSE(Exists(path + ".tmp"));
  EXPECT_EQ(WriteFileAtomic(tmp_.Sub("missing/dir/file"), "x", 0600).code(), Code::kUnavailable);
}

TEST_F(DataDirTest, ClosingEmptiesTheLockFile) {
  { auto dir = Must(DataDir::Open(DataPath()), "open"); }
  // A stale pid would invite `kill $(cat martd.lock)` at an unrelated process.
  EXPECT_EQ(Read(DataPath() + "/martd.lock"), "");
}

}  // namespace
}  // namespace mart::daemon
