// What martctl does around particular methods, seen from the command line.
#include "martctl/method_behaviour.h"

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::RecordedCall;

TEST(MethodBehaviourTest, AdminCheckExitsSevenWhenACheckFails) {
  testing::TestIo test;
  const json failed = {{"ok", false},
                       {"checks", {{{"name", "stock"}, {"ok", false}, {"problems", {"x"}}}}}};
  test.answer = [&](const RecordedCall& call) -> Result<json> {
    EXPECT_EQ(call.method, "admin.check");
    return failed;
  };
  EXPECT_EQ(test.Run({"admin", "check", "-o", "json"}), 7);
  EXPECT_EQ(json::parse(test.out.str()), failed);
  EXPECT_EQ(test.err.str(), "");
  test.answer = [](const RecordedCall&) -> Result<json> {
    return json{{"ok", true}, {"checks", json::array()}};
  };
  EXPECT_EQ(test.Run({"admin", "check"}), 0);
}

TEST(MethodBehaviourTest, AdminCheckShowsPeopleARowPerCheckAndPerProblem) {
  testing::TestIo test;
  test.answer = [](const RecordedCall&) -> Result<json> {
    return json{{"ok", false},
                {"checks", {{{"name", "integrity"}, {"ok", true}, {"checked", 1},
                             {"problems", json::array()}},
                            {{"name", "stock"}, {"ok", false}, {"checked", 3},
                             {"problems", {"product a: off by one", "product b: off by two"}}},
                            {{"name", "orders"}, {"ok", true}, {"checked", 0}, {"skipped", true},
                             {"note", "skipped: workers busy"}, {"problems", json::array()}}}}};
  };
  EXPECT_EQ(test.Run({"admin", "check"}), 7);
  EXPECT_EQ(test.out.str(),
            "integrity\tok\t1\t\n"
            "stock\tproblem\t3\tproduct a: off by one\n"
            "stock\tproblem\t3\tproduct b: off by two\n"
            "orders\tskipped\t0\tskipped: workers busy\n");
}

TEST(MethodBehaviourTest, ADeclinedPaymentIsPrintedAndExitsFive) {
  testing::TestIo test;
  const json failed = {{"id", 7}, {"status", "failed"}, {"reason", "card declined"}};
  test.answer = [&](const RecordedCall& call) -> Result<json> {
    EXPECT_EQ(call.method, "order.pay");
    EXPECT_EQ(call.params["card_number"], "4000000000000002");
    return failed;
  };
  const std::string order = "66f1c0ffee0000000000beef";
  EXPECT_EQ(test.Run({"order", "pay", order, "--card-number", "4000000000000002", "--expiry",
                      "12/30", "--cvc", "123", "-o", "json"}),
            5);
  EXPECT_EQ(json::parse(test.out.str()), failed);
  EXPECT_EQ(test.err.str(), "martctl: payment 7 failed: card declined [FAILED_PRECONDITION]\n");
  test.answer = [](const RecordedCall&) -> Result<json> {
    return json{{"id", 8}, {"status", "succeeded"}, {"reason", nullptr}};
  };
  EXPECT_EQ(test.Run({"order", "pay", order, "--method", "cod"}), 0);
}

TEST(MethodBehaviourTest, CardStdinReadsTheCardOffArgv) {
  testing::TestIo test;
  test.in.str("4242 4242 4242 4242 12/30 123\n");  // spaces inside the number: refused
  EXPECT_EQ(test.Run({"order", "pay", "66f1c0ffee0000000000beef", "--card-stdin"}), 2);
  EXPECT_TRUE(test.calls.empty());
  testing::TestIo good;
  good.in.str("4242424242424242 12/30 123\n");
  good.answer = [](const RecordedCall& call) -> Result<json> {
    EXPECT_EQ(call.params["card_number"], "4242424242424242");
    EXPECT_EQ(call.params["expiry"], "12/30");
    EXPECT_EQ(call.params["cvc"], "123");
    EXPECT_EQ(call.params["method"], "card");
    EXPECT_FALSE(call.params.contains("card_stdin"));
    return json{{"id", 1}, {"status", "succeeded"}};
  };
  EXPECT_EQ(good.Run({"order", "pay", "66f1c0ffee0000000000beef", "--card-stdin"}), 0);
  EXPECT_EQ(good.calls.size(), 1u);
}

TEST(MethodBehaviourTest, EveryBehaviourNamesARegistryMethod) {
  for (const MethodBehaviour& behaviour : AllBehaviours()) {
    EXPECT_NE(FindCommand(behaviour.method), nullptr) << behaviour.method;
  }
}

}  // namespace
}  // namespace mart::cli
