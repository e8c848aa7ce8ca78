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

TEST(MethodBehaviourTest, EveryBehaviourNamesARegistryMethod) {
  for (const MethodBehaviour& behaviour : AllBehaviours()) {
    EXPECT_NE(FindCommand(behaviour.method), nullptr) << behaviour.method;
  }
}

}  // namespace
}  // namespace mart::cli
