#include "daemon/options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mart::daemon {
namespace {

struct Parsed {
  std::optional<DaemonOptions> options;
  std::string message;
  int exit_code = -1;
};

Parsed Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "martd");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  Parsed parsed;
  parsed.options = ParseDaemonOptions(static_cast<int>(argv.size()), argv.data(), &parsed.message,
                                      &parsed.exit_code);
  return parsed;
}

TEST(DaemonOptionsTest, PaymentsDefaultToNoAutoCaptureAndNoRandomFailures) {
  Parsed parsed = Parse({"--data-dir", "/tmp/mart-options-test"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  EXPECT_FALSE(parsed.options->payments.auto_capture);
  EXPECT_EQ(parsed.options->payments.failure_rate, 0.0);
  EXPECT_EQ(parsed.options->payments.seed, 0u);
}

TEST(DaemonOptionsTest, PaymentFlagsReachThePaymentOptions) {
  Parsed parsed = Parse({"--data-dir", "/tmp/mart-options-test", "--auto-capture",
                         "--payment-failure-rate", "0.25", "--payment-seed", "9"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  EXPECT_TRUE(parsed.options->payments.auto_capture);
  EXPECT_EQ(parsed.options->payments.failure_rate, 0.25);
  EXPECT_EQ(parsed.options->payments.seed, 9u);
}

TEST(DaemonOptionsTest, AFailureRateOutsideZeroToOneIsAUsageError) {
  for (const char* rate : {"1.5", "often"}) {
    Parsed parsed = Parse({"--data-dir", "/tmp/mart-options-test", "--payment-failure-rate", rate});
    EXPECT_FALSE(parsed.options.has_value()) << rate;
    EXPECT_EQ(parsed.exit_code, 2) << rate;
    EXPECT_NE(parsed.message.find("--payment-failure-rate"), std::string::npos) << parsed.message;
  }
}

}  // namespace
}  // namespace mart::daemon
