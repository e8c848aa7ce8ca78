// The authorization matrix: every registry method, called by each kind of
// caller (anonymous, the owner of the objects, another user, an admin, the
// local operator) with valid params, gets exactly the outcome its rule
// promises. Generated from AllCommands(): a method without a rule fails.
// Each case runs in a daemon of its own, so destructive methods (deactivate,
// purge, logout, ...) cannot disturb the others.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "authz_fixture.h"
#include "util/reply_naming.h"

namespace mart::testing {
namespace {

using nlohmann::json;

struct MatrixCase {
  std::string method;
  Caller caller;
};

std::vector<MatrixCase> AllCases() {
  std::vector<MatrixCase> cases;
  for (const CommandSpec& spec : AllCommands()) {
    for (Caller caller : kAllCallers) cases.push_back({std::string(spec.method), caller});
  }
  return cases;
}

class AuthzMatrixTest : public AuthzDaemonTest,
                        public ::testing::WithParamInterface<MatrixCase> {};

TEST_P(AuthzMatrixTest, CallerGetsWhatTheRuleSays) {
  const MatrixCase& c = GetParam();
  const MethodRule* rule = FindRule(c.method);
  ASSERT_NE(rule, nullptr) << MissingRuleMessage(c.method);
  const json params = ParamsFor(c.method);
  ASSERT_FALSE(HasFailure()) << "set-up for " << c.method << " failed";
  Code expected = Expected(rule->rule, c.caller);
  if (expected == Code::kOk) expected = rule->allowed;
  auto result = Call(c.method, params, TokenOf(c.caller));
  const Code got = result.ok() ? Code::kOk : result.status().code();
  const std::string reply = result.ok() ? result->dump() : result.status().ToString() +
                                                             result.status().details().dump();
  EXPECT_EQ(InfoFor(got).wire, InfoFor(expected).wire)
      << c.method << " (rule: " << RuleName(rule->rule) << ") as " << CallerName(c.caller)
      << ": " << reply;
  // Whatever the outcome, the reply holds no secret (named by kind only).
  for (const auto& [kind, secret] : Secrets(c.method)) {
    EXPECT_EQ(reply.find(secret), std::string::npos)
        << c.method << " as " << CallerName(c.caller) << ": the reply holds a " << kind;
  }
  // And its keys follow PROTOCOL.md §12, Naming: own ids `id`, states `is_*`.
  if (result.ok()) {
    EXPECT_EQ(test::ReplyNamingProblems(*result), std::vector<std::string>()) << c.method;
  }
}

void PrintTo(const MatrixCase& c, std::ostream* os) {
  *os << c.method << " as " << CallerName(c.caller);
}

INSTANTIATE_TEST_SUITE_P(
    Registry, AuthzMatrixTest, ::testing::ValuesIn(AllCases()),
    [](const ::testing::TestParamInfo<MatrixCase>& param_info) {
      std::string name = param_info.param.method + "_as_" + std::string(CallerName(param_info.param.caller));
      for (char& ch : name) {
        if (ch == '.') ch = '_';
      }
      return name;
    });

// The table and the registry name the same methods.
TEST(AuthzRulesTest, EveryRuleNamesARegistryMethod) {
  for (const auto& [method, rule] : MethodRules()) {
    EXPECT_NE(FindCommand(method), nullptr)
        << "MethodRules() has a rule for " << method << ", which the registry does not have";
  }
}

TEST(AuthzRulesTest, RulesAgreeWithTheRegistrysAccessLevel) {
  for (const CommandSpec& spec : AllCommands()) {
    const MethodRule* rule = FindRule(spec.method);
    if (rule == nullptr) {
      ADD_FAILURE() << MissingRuleMessage(spec.method);
      continue;
    }
    const bool rule_is_admin = rule->rule == Rule::kAdmin;
    EXPECT_EQ(spec.access == Access::kAdmin, rule_is_admin) << spec.method;
    EXPECT_EQ(spec.access == Access::kAnyone, rule->rule == Rule::kAnyone) << spec.method;
  }
}

// PROTOCOL.md §5 lists, per rule, its methods ("| rule | `a.b`, `c.*` |"):
// each registry method must be listed once, under the rule the test enforces.
TEST(AuthzRulesTest, ProtocolTableMatchesTheRules) {
  std::ifstream in(MART_PROTOCOL_MD);
  ASSERT_TRUE(in) << MART_PROTOCOL_MD;
  std::map<std::string, std::vector<std::string>> documented;  // method -> rules naming it
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line == "| rule | methods |") in_table = true;
    if (!in_table) continue;
    if (line.empty()) break;
    const size_t cell = line.find(" | ");
    if (line.rfind("| ", 0) != 0 || cell == std::string::npos) continue;
    const std::string rule = line.substr(2, cell - 2);
    for (size_t at = line.find('`', cell); at != std::string::npos;
         at = line.find('`', line.find('`', at + 1) + 1)) {
      const size_t end = line.find('`', at + 1);
      if (end == std::string::npos) break;
      const std::string name = line.substr(at + 1, end - at - 1);
      for (const CommandSpec& spec : AllCommands()) {
        const std::string method(spec.method);
        const bool group = name.size() > 2 && name.substr(name.size() - 2) == ".*" &&
                           method.rfind(name.substr(0, name.size() - 1), 0) == 0;
        if (method == name || group) documented[method].push_back(rule);
      }
    }
  }
  ASSERT_FALSE(documented.empty()) << "no '| rule | methods |' table in PROTOCOL.md";
  for (const CommandSpec& spec : AllCommands()) {
    const MethodRule* rule = FindRule(spec.method);
    if (rule == nullptr) continue;  // reported by RulesAgreeWithTheRegistrysAccessLevel
    const std::vector<std::string> want = {std::string(RuleName(rule->rule))};
    EXPECT_EQ(documented[std::string(spec.method)], want)
        << spec.method << ": PROTOCOL.md §5 must list it under \"" << want[0] << "\" only";
  }
}

}  // namespace
}  // namespace mart::testing
