#include "martctl/local/doctor.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::RecordedCall;

// The row named `check` of a doctor -o json run.
json Row(const json& rows, const std::string& check) {
  for (const json& row : rows) {
    if (row["check"] == check) return row;
  }
  return nullptr;
}

// A data dir as a running martd leaves it, with the socket replaced by a tcp
// endpoint (the fake transport answers daemon.status).
class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = test_.env["MART_DATA_DIR"];
    std::filesystem::create_directories(data_);
    ::chmod(data_.c_str(), 0700);
    for (const char* name : {"mart.db", "signing.key", "cookie"}) Write(data_ + "/" + name, 0600);
    test_.env["MART_ENDPOINT"] = "tcp://127.0.0.1:1";
    test_.answer = [this](const RecordedCall& call) -> Result<json> {
      if (call.method != "daemon.status") return NotFound("unexpected " + call.method);
      return status_;
    };
  }

  static void Write(const std::string& path, mode_t mode, const std::string& text = "x") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
  }

  json Doctor(int want_exit) {
    test_.out.str("");
    EXPECT_EQ(test_.Run({"doctor", "-o", "json"}), want_exit) << test_.err.str();
    return json::parse(test_.out.str());
  }

  testing::TestIo test_;
  std::string data_;
  json status_ = {{"ready", true},   {"version", MART_VERSION}, {"pid", 42},
                  {"uptime_s", 3700}, {"schema_version", 6}};
};

TEST_F(DoctorTest, AHealthySetUpIsAllOk) {
  json rows = Doctor(0);
  for (const json& row : rows) {
    if (row["check"] == "disk") continue;  // the test machine's disk is not ours to judge
    EXPECT_EQ(row["status"], "ok") << row.dump();
    EXPECT_EQ(row["hint"], "") << row.dump();
  }
  EXPECT_EQ(Row(rows, "daemon")["detail"],
            std::string("martd ") + MART_VERSION + ", pid 42, up 1h1m, schema 6");
  EXPECT_EQ(test_.calls.size(), 1U);
  EXPECT_LE(test_.client_options.timeout, std::chrono::milliseconds(2000));
}

TEST_F(DoctorTest, SecretsReadableByOthersAreProblems) {
  ::chmod((data_ + "/cookie").c_str(), 0644);
  ::chmod((data_ + "/signing.key").c_str(), 0640);
  Write(test_.CredentialsPath(), 0604, "{}");
  json rows = Doctor(7);
  for (const char* check : {"cookie", "signing-key", "credentials"}) {
    EXPECT_EQ(Row(rows, check)["status"], "problem") << check;
    EXPECT_EQ(Row(rows, check)["hint"].get<std::string>().rfind("chmod 600 ", 0), 0U) << check;
  }
}

TEST_F(DoctorTest, ASigningKeyMissingBesideAStoreIsAWarning) {
  std::filesystem::remove(data_ + "/signing.key");
  EXPECT_EQ(Row(Doctor(0), "signing-key")["status"], "warn");
  std::filesystem::remove(data_ + "/mart.db");
  json rows = Doctor(0);
  EXPECT_EQ(Row(rows, "signing-key")["status"], "ok");
  EXPECT_EQ(Row(rows, "store")["status"], "warn");
}

TEST_F(DoctorTest, ALargeWalIsAWarning) {
  Write(data_ + "/mart.db-wal", 0600);
  std::filesystem::resize_file(data_ + "/mart.db-wal", kWalWarnBytes + 1);
  EXPECT_EQ(Row(Doctor(0), "wal")["status"], "warn");
}

TEST_F(DoctorTest, DataDirPermissions) {
  ::chmod(data_.c_str(), 0750);
  EXPECT_EQ(Row(Doctor(0), "data-dir")["status"], "warn");
  ::chmod(data_.c_str(), 0770);
  EXPECT_EQ(Row(Doctor(7), "data-dir")["status"], "problem");
  ::chmod(data_.c_str(), 0700);
  std::filesystem::remove_all(data_);
  json rows = Doctor(0);
  EXPECT_EQ(Row(rows, "data-dir")["status"], "warn");
  EXPECT_EQ(Row(rows, "store")["detail"], "not checked: no data dir");
}

TEST_F(DoctorTest, ConfigFileWritableByOthersIsAProblem) {
  std::string path = test_.WriteConfig("timeout = 3\n");
  ::chmod(path.c_str(), 0666);
  EXPECT_EQ(Row(Doctor(7), "config")["status"], "problem");
  ::chmod(path.c_str(), 0644);
  EXPECT_EQ(Row(Doctor(0), "config")["detail"], path);
}

TEST_F(DoctorTest, DaemonStates) {
  test_.answer = [](const RecordedCall&) -> Result<json> { return Unavailable("no answer"); };
  json rows = Doctor(7);
  EXPECT_EQ(Row(rows, "daemon")["status"], "problem");
  EXPECT_NE(Row(rows, "daemon")["detail"].get<std::string>().find("no answer"), std::string::npos);

  test_.answer = [this](const RecordedCall&) -> Result<json> { return status_; };
  status_["ready"] = false;
  EXPECT_EQ(Row(Doctor(0), "daemon")["status"], "warn");
  status_["ready"] = true;
  status_["version"] = "0.0.1";
  rows = Doctor(0);
  EXPECT_EQ(Row(rows, "daemon")["status"], "warn");
  EXPECT_NE(Row(rows, "daemon")["hint"].get<std::string>().find("restart martd"),
            std::string::npos);
}

TEST_F(DoctorTest, AMissingIpcSocketIsAProblemWithoutACall) {
  test_.env["MART_ENDPOINT"] = "ipc://" + data_ + "/run/martd.sock";
  json rows = Doctor(7);
  EXPECT_EQ(Row(rows, "daemon")["status"], "problem");
  EXPECT_TRUE(test_.calls.empty());
}

TEST(DoctorDiskTest, Thresholds) {
  EXPECT_EQ(DiskRow("/d", kDiskProblemBytes - 1, int64_t{1} << 40).level, CheckLevel::kProblem);
  EXPECT_EQ(DiskRow("/d", kDiskWarnBytes - 1, int64_t{1} << 40).level, CheckLevel::kWarn);
  // 2 GiB free is plenty on a small disk, but under 5% of a large one.
  EXPECT_EQ(DiskRow("/d", int64_t{2} << 30, int64_t{4} << 30).level, CheckLevel::kOk);
  EXPECT_EQ(DiskRow("/d", int64_t{2} << 30, int64_t{100} << 30).level, CheckLevel::kWarn);
  EXPECT_EQ(DiskRow("/d", int64_t{2} << 30, int64_t{4} << 30).detail, "2.0 GiB free (50%) on /d");
}

}  // namespace
}  // namespace mart::cli
