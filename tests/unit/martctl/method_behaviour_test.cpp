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


// notification mark-read 2 3: one call per id; a missing id is reported and the
// others still happen; the exit code is the first failure's.
json MarkedRead(const RecordedCall& call) {
  EXPECT_EQ(call.method, "notification.mark_read");
  return json{{"id", call.params.value("id", int64_t{0})}, {"is_read", true}};
}

TEST(MethodBehaviourTest, SeveralIdsAreOneCallEachPrintedAsOneList) {
  testing::TestIo test;
  test.answer = [](const RecordedCall& call) -> Result<json> {
    return MarkedRead(call);
  };
  EXPECT_EQ(test.Run({"notification", "mark-read", "2", "3", "-o", "json"}), 0);
  ASSERT_EQ(test.calls.size(), 2u);
  EXPECT_EQ(test.calls[0].params, (json{{"id", 2}}));
  EXPECT_EQ(test.calls[1].params, (json{{"id", 3}}));
  EXPECT_EQ(json::parse(test.out.str()),
            json::parse(R"([{"id":2,"is_read":true},{"id":3,"is_read":true}])"));

  testing::TestIo quiet;
  EXPECT_EQ(quiet.Run({"product", "get", "p1", "p2", "-q"}), 0);
  ASSERT_EQ(quiet.calls.size(), 2u);
  EXPECT_EQ(quiet.calls[1].params, (json{{"id", "p2"}}));

  testing::TestIo one;  // one id prints its object, as before
  one.answer = [](const RecordedCall& call) -> Result<json> {
    return MarkedRead(call);
  };
  EXPECT_EQ(one.Run({"notification", "mark-read", "2", "-o", "json"}), 0);
  EXPECT_EQ(json::parse(one.out.str()), (json{{"id", 2}, {"is_read", true}}));
}

TEST(MethodBehaviourTest, AFailingIdIsReportedAndTheOthersStillRun) {
  testing::TestIo test;
  test.answer = [](const RecordedCall& call) -> Result<json> {
    if (call.params.value("id", int64_t{0}) == 3) return NotFound("notification 3 not found");
    if (call.params.value("id", int64_t{0}) == 4) return FailedPrecondition("already gone");
    return MarkedRead(call);
  };
  EXPECT_EQ(test.Run({"notification", "mark-read", "2", "3", "4", "5", "-o", "json"}), 3);
  EXPECT_EQ(test.calls.size(), 4u);
  EXPECT_EQ(json::parse(test.out.str()),
            json::parse(R"([{"id":2,"is_read":true},{"id":5,"is_read":true}])"));
  // The daemon's message names its id already; one that does not gets it.
  EXPECT_EQ(test.err.str(),
            "martctl: notification 3 not found [NOT_FOUND]\n"
            "martctl: 4: already gone [FAILED_PRECONDITION]\n");
}

TEST(MethodBehaviourTest, MarkReadAllCallsMarkAllReadAndWantsIdsOrAllNotBoth) {
  testing::TestIo test;
  test.answer = [](const RecordedCall& call) -> Result<json> {
    EXPECT_EQ(call.method, "notification.mark_all_read");
    EXPECT_EQ(call.params, json::object());
    return json{{"marked", 4}};
  };
  EXPECT_EQ(test.Run({"notification", "mark-read", "--all", "-q"}), 0);
  EXPECT_EQ(test.out.str(), "4\n");
  ASSERT_EQ(test.calls.size(), 1u);

  testing::TestIo both;
  EXPECT_EQ(both.Run({"notification", "mark-read", "2", "--all"}), 2);
  EXPECT_NE(both.err.str().find("give ids or --all, not both"), std::string::npos) << both.err.str();
  testing::TestIo neither;
  EXPECT_EQ(neither.Run({"notification", "mark-read"}), 2);
  EXPECT_NE(neither.err.str().find("give one or more ids, or --all"), std::string::npos)
      << neither.err.str();
  EXPECT_TRUE(both.calls.empty());
  EXPECT_TRUE(neither.calls.empty());
  testing::TestIo bad;  // every value is checked as an id before anything is sent
  EXPECT_EQ(bad.Run({"notification", "mark-read", "2", "x"}), 2);
  EXPECT_TRUE(bad.calls.empty());
}

}  // namespace
}  // namespace mart::cli
