#include "daemon/options.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "util/temp_dir.h"

namespace mart::daemon {
namespace {

class OptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("MART_SMTP_PASSWORD");
    ::unsetenv("MART_SMTP_URL");
    ::unsetenv("MART_STORE");
    ::unsetenv("MART_EXPORT");
  }
  void TearDown() override { ::unsetenv("MART_SMTP_PASSWORD"); }

  std::optional<DaemonOptions> Parse(std::vector<std::string> args) {
    args.insert(args.begin(), {"martd", "--data-dir", temp_.path() + "/data"});
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    message_.clear();
    exit_code_ = -1;
    return ParseDaemonOptions(static_cast<int>(argv.size()), argv.data(), &message_, &exit_code_);
  }

  std::string PasswordFile(const std::string& text, mode_t mode) {
    std::string path = temp_.path() + "/smtp-password";
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  test::TempDir temp_;
  std::string message_;
  int exit_code_ = -1;
};

TEST_F(OptionsTest, WithoutSmtpUrlNothingIsMailed) {
  auto options = Parse({});
  ASSERT_TRUE(options.has_value()) << message_;
  EXPECT_TRUE(options->smtp.url.empty());
  EXPECT_EQ(options->smtp.from, "mart@localhost");
}

TEST_F(OptionsTest, SmtpUrlMustBeSmtpOrSmtpsWithoutCredentials) {
  EXPECT_TRUE(Parse({"--smtp-url", "smtps://mail.example.org:465"}).has_value()) << message_;
  EXPECT_FALSE(Parse({"--smtp-url", "http://127.0.0.1:2525"}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("smtp:// or smtps://"), std::string::npos) << message_;
  EXPECT_FALSE(Parse({"--smtp-url", "smtp://shop:S3cret@127.0.0.1:2525"}).has_value());
  EXPECT_NE(message_.find("--smtp-password-file"), std::string::npos) << message_;
  EXPECT_FALSE(Parse({"--smtp-url", "smtp://h:25", "--smtp-from", "not an address"}).has_value());
}

TEST_F(OptionsTest, PasswordFileMustBeOwnerOnly) {
  std::string path = PasswordFile("S3cret-pw\n", 0644);
  EXPECT_FALSE(Parse({"--smtp-url", "smtp://h:25", "--smtp-password-file", path}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("chmod 600"), std::string::npos) << message_;
  EXPECT_EQ(message_.find("S3cret-pw"), std::string::npos);
  ::chmod(path.c_str(), 0600);
  auto options = Parse({"--smtp-url", "smtp://h:25", "--smtp-user", "shop",
                        "--smtp-password-file", path});
  ASSERT_TRUE(options.has_value()) << message_;
  EXPECT_EQ(options->smtp.password, "S3cret-pw");  // without the newline
  EXPECT_EQ(options->smtp.user, "shop");
  EXPECT_FALSE(Parse({"--smtp-password-file", temp_.path() + "/missing"}).has_value());
}

TEST_F(OptionsTest, PasswordFromTheEnvironmentWithoutAFile) {
  ::setenv("MART_SMTP_PASSWORD", "from-env", 1);
  auto options = Parse({"--smtp-url", "smtp://h:25"});
  ASSERT_TRUE(options.has_value()) << message_;
  EXPECT_EQ(options->smtp.password, "from-env");
  EXPECT_FALSE(Parse({"--smtp-password", "x"}).has_value());  // never on argv
  EXPECT_EQ(exit_code_, 2);
}

// The SMTP password goes over TLS only unless the operator says otherwise,
// and settings that cannot work are refused at start, not at the first mail.
TEST_F(OptionsTest, PlaintextSmtpAuthIsOffUnlessAskedForWithAUser) {
  std::string path = PasswordFile("S3cret-pw\n", 0600);
  auto tls_only = Parse({"--smtp-url", "smtp://h:25", "--smtp-user", "shop",
                         "--smtp-password-file", path});
  ASSERT_TRUE(tls_only.has_value()) << message_;
  EXPECT_FALSE(tls_only->smtp.allow_plaintext_auth);
  auto allowed = Parse({"--smtp-url", "smtp://h:25", "--smtp-user", "shop",
                        "--smtp-password-file", path, "--smtp-allow-plaintext-auth"});
  ASSERT_TRUE(allowed.has_value()) << message_;
  EXPECT_TRUE(allowed->smtp.allow_plaintext_auth);

  EXPECT_FALSE(Parse({"--smtp-url", "smtp://h:25", "--smtp-allow-plaintext-auth"}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("--smtp-allow-plaintext-auth"), std::string::npos) << message_;
  EXPECT_NE(message_.find("--smtp-user"), std::string::npos) << message_;
  EXPECT_FALSE(Parse({"--smtp-url", "smtps://h:465", "--smtp-user", "shop",
                      "--smtp-password-file", path, "--smtp-allow-plaintext-auth"})
                   .has_value());
  EXPECT_NE(message_.find("smtps://"), std::string::npos) << message_;
}

TEST_F(OptionsTest, AnSmtpUserWithoutAPasswordIsRefused) {
  EXPECT_FALSE(Parse({"--smtp-url", "smtp://h:25", "--smtp-user", "shop"}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("--smtp-user shop has no password"), std::string::npos) << message_;
}

TEST_F(OptionsTest, PaymentsDefaultToNoAutoCaptureAndNoRandomFailures) {
  auto options = Parse({});
  ASSERT_TRUE(options.has_value()) << message_;
  EXPECT_FALSE(options->payments.auto_capture);
  EXPECT_EQ(options->payments.failure_rate, 0.0);
  EXPECT_EQ(options->payments.seed, 0u);
}

TEST_F(OptionsTest, PaymentFlagsReachThePaymentOptions) {
  auto options =
      Parse({"--auto-capture", "--payment-failure-rate", "0.25", "--payment-seed", "9"});
  ASSERT_TRUE(options.has_value()) << message_;
  EXPECT_TRUE(options->payments.auto_capture);
  EXPECT_EQ(options->payments.failure_rate, 0.25);
  EXPECT_EQ(options->payments.seed, 9u);
}

TEST_F(OptionsTest, AFailureRateOutsideZeroToOneIsAUsageError) {
  for (const char* rate : {"1.5", "often"}) {
    EXPECT_FALSE(Parse({"--payment-failure-rate", rate}).has_value()) << rate;
    EXPECT_EQ(exit_code_, 2) << rate;
    EXPECT_NE(message_.find("--payment-failure-rate"), std::string::npos) << message_;
  }
}

TEST_F(OptionsTest, TheStoreIsTheDataDirsFileUnlessAPostgresUriIsGiven) {
  auto sqlite = Parse({});
  ASSERT_TRUE(sqlite.has_value()) << message_;
  EXPECT_EQ(sqlite->StoreLocation(), temp_.path() + "/data/mart.db");
  auto postgres = Parse({"--store", "postgresql:///mart?host=/run/postgresql"});
  ASSERT_TRUE(postgres.has_value()) << message_;
  EXPECT_EQ(postgres->StoreLocation(), "postgresql:///mart?host=/run/postgresql");
  EXPECT_FALSE(Parse({"--store", "/var/lib/mart/other.db"}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_NE(message_.find("postgresql://"), std::string::npos) << message_;
}

TEST_F(OptionsTest, AStoreUriWithAPasswordIsRefusedWithoutEchoingIt) {
  for (const std::string uri : {"postgresql://mart:S3cret@db/mart",
                                "postgresql://db/mart?user=mart&password=S3cret"}) {
    EXPECT_FALSE(Parse({"--store", uri}).has_value()) << uri;
    EXPECT_EQ(exit_code_, 2);
    EXPECT_NE(message_.find("PGPASSWORD"), std::string::npos) << message_;
    EXPECT_EQ(message_.find("S3cret"), std::string::npos) << message_;
  }
  EXPECT_FALSE(Parse({"--copy-store", "/tmp/a.db", "postgresql://m:S3cret@db/m"}).has_value());
  EXPECT_EQ(message_.find("S3cret"), std::string::npos) << message_;
}

TEST_F(OptionsTest, CopyStoreTakesTwoStoresAndRestoreRefusesAPostgresStore) {
  auto copy = Parse({"--copy-store", "/tmp/a.db", "postgresql:///mart"});
  ASSERT_TRUE(copy.has_value()) << message_;
  EXPECT_EQ(copy->copy_store, (std::vector<std::string>{"/tmp/a.db", "postgresql:///mart"}));
  EXPECT_FALSE(Parse({"--copy-store", "/tmp/a.db"}).has_value());
  EXPECT_EQ(exit_code_, 2);
  EXPECT_FALSE(Parse({"--store", "postgresql:///mart", "--restore", "/tmp/a.db"}).has_value());
  EXPECT_NE(message_.find("--copy-store"), std::string::npos) << message_;
}


TEST_F(OptionsTest, ExportsAreRepeatableTakeTheMapAndNeverAWorkersName) {
  auto options = Parse({"--export", "kafka://k1?topic-prefix=shop.", "--export", "kafka://k2",
                        "--export", "amqp://127.0.0.1?name=bus", "--export-map", "seeds"});
  ASSERT_TRUE(options.has_value()) << message_;
  ASSERT_EQ(options->exports.size(), 3u);
  EXPECT_EQ(options->exports[0].name, "kafka");
  EXPECT_EQ(options->exports[1].name, "kafka-2");
  EXPECT_EQ(options->exports[2].name, "bus");
  for (const auto& target : options->exports) EXPECT_EQ(target.map, events::ExportMap::kSeeds);

  ::setenv("MART_EXPORT", "kafka://k1 kafka://k2?name=second", 1);
  options = Parse({});
  ::unsetenv("MART_EXPORT");
  ASSERT_TRUE(options.has_value()) << message_;
  ASSERT_EQ(options->exports.size(), 2u);
  EXPECT_EQ(options->exports[1].name, "second");
  EXPECT_TRUE(Parse({})->exports.empty());
}

TEST_F(OptionsTest, ABadExportIsAUsageErrorNamingIt) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--export", "amqp://mart:secret@h"}, "password-file"},
      {{"--export", "kafka://k?name=inventory"}, "already a worker's"},
      {{"--export", "kafka://k?name=twin", "--export", "amqp://h?name=twin"}, "already"},
      {{"--export", "ftp://h"}, "give amqp://"},
      {{"--export", "kafka://k", "--export-map", "all"}, "--export-map"},
  };
  for (const auto& [args, why] : cases) {
    EXPECT_FALSE(Parse(args).has_value()) << args[1];
    EXPECT_EQ(exit_code_, 2) << args[1];
    EXPECT_NE(message_.find(why), std::string::npos) << message_;
    EXPECT_EQ(message_.find("secret"), std::string::npos) << "the refusal repeats no password";
  }
}

}  // namespace
}  // namespace mart::daemon
