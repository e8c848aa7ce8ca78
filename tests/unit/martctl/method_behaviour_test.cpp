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

TEST(MethodBehaviourTest, EveryBehaviourNamesARegistryMethod) {
  for (const MethodBehaviour& behaviour : AllBehaviours()) {
    EXPECT_NE(FindCommand(behaviour.method), nullptr) << behaviour.method;
  }
}

}  // namespace
}  // namespace mart::cli
