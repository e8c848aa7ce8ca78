#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "mart/commands/spec.h"
#include "util/spec.h"

namespace mart {
namespace {

using test::Spec;

// Hand-written shape checks: std::regex trips GCC 12's -Wmaybe-uninitialized
// in the sanitizer build, where warnings are errors.
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// [a-z][a-z0-9]* words joined by single underscores; digits only if allowed.
bool IsSnakeCase(std::string_view text, bool digits) {
  if (text.empty() || !IsLower(text.front()) || text.back() == '_') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') {
      if (text[i - 1] == '_') return false;
    } else if (!IsLower(c) && !(digits && IsDigit(c))) {
      return false;
    }
  }
  return true;
}

// "group.verb": a lower-case group, one dot, a snake_case verb without digits.
bool IsMethodName(std::string_view method) {
  size_t dot = method.find('.');
  if (dot == std::string_view::npos) return false;
  std::string_view group = method.substr(0, dot);
  return IsSnakeCase(group, false) && group.find('_') == std::string_view::npos &&
         IsSnakeCase(method.substr(dot + 1), false);
}

// "VERB /path" with an HTTP verb and a path of URL-safe characters.
bool IsRoute(std::string_view route) {
  size_t space = route.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view verb = route.substr(0, space);
  std::string_view path = route.substr(space + 1);
  if (verb != "GET" && verb != "POST" && verb != "PUT" && verb != "PATCH" && verb != "DELETE") {
    return false;
  }
  if (path.empty() || path.front() != '/') return false;
  for (char c : path) {
    bool ok = IsLower(c) || IsDigit(c) || (c >= 'A' && c <= 'Z') ||
              std::string_view("_/{}.-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

TEST(ShapeHelpersTest, AcceptAndRefuse) {
  EXPECT_TRUE(IsMethodName("address.set_default"));
  EXPECT_FALSE(IsMethodName("address"));
  EXPECT_FALSE(IsMethodName("Address.add"));
  EXPECT_FALSE(IsMethodName("a.b.c"));
  EXPECT_FALSE(IsMethodName("a.b__c"));
  EXPECT_TRUE(IsSnakeCase("line1", true));
  EXPECT_FALSE(IsSnakeCase("line1", false));
  EXPECT_FALSE(IsSnakeCase("firstName", true));
  EXPECT_FALSE(IsSnakeCase("_x", true));
  EXPECT_TRUE(IsRoute("GET /api/v1/users/me/addresses/{id}"));
  EXPECT_FALSE(IsRoute("FETCH /x"));
  EXPECT_FALSE(IsRoute("GET x"));
}

// ---- registry consistency ------------------------------------------------

TEST(CommandRegistryTest, MethodsAreUniqueAndShapedGroupDotVerb) {
  std::set<std::string_view> seen;
  ASSERT_FALSE(AllCommands().empty());
  for (const CommandSpec& spec : AllCommands()) {
    EXPECT_TRUE(seen.insert(spec.method).second) << "duplicate " << spec.method;
    EXPECT_TRUE(IsMethodName(spec.method)) << spec.method;
    EXPECT_EQ(FindCommand(spec.method), &spec);
  }
}

TEST(CommandRegistryTest, SummariesAreOneLowercaseLineWithoutFinalPeriod) {
  for (const CommandSpec& spec : AllCommands()) {
    ASSERT_FALSE(spec.summary.empty()) << spec.method;
    EXPECT_TRUE(spec.summary.front() >= 'a' && spec.summary.front() <= 'z') << spec.method;
    EXPECT_NE(spec.summary.back(), '.') << spec.method;
    EXPECT_EQ(spec.summary.find('\n'), std::string_view::npos) << spec.method;
  }
}

TEST(CommandRegistryTest, ArgNamesAreSnakeCaseAndUniqueWithinASpec) {
  for (const CommandSpec& spec : AllCommands()) {
    std::set<std::string_view> names;
    for (const ArgSpec& arg : spec.args) {
      EXPECT_TRUE(IsSnakeCase(arg.name, true)) << spec.method << " " << arg.name;
      EXPECT_TRUE(names.insert(arg.name).second) << spec.method << " repeats " << arg.name;
      EXPECT_FALSE(arg.help.empty()) << spec.method << " " << arg.name;
    }
  }
}

TEST(CommandRegistryTest, EnumsHaveChoicesAndOthersDoNot) {
  for (const CommandSpec& spec : AllCommands()) {
    for (const ArgSpec& arg : spec.args) {
      if (arg.type == ArgType::kEnum) {
        EXPECT_GE(arg.choices.size(), 2u) << spec.method << " " << arg.name;
        std::set<std::string_view> unique(arg.choices.begin(), arg.choices.end());
        EXPECT_EQ(unique.size(), arg.choices.size()) << spec.method << " " << arg.name;
      } else {
        EXPECT_TRUE(arg.choices.empty()) << spec.method << " " << arg.name;
      }
      if (arg.type == ArgType::kInt) {
        EXPECT_LE(arg.min, arg.max) << spec.method << " " << arg.name;
      }
      EXPECT_GT(arg.max_length, 0u) << spec.method << " " << arg.name;
    }
  }
}

TEST(CommandRegistryTest, PositionalArgsComeFirstAndAreNeverSecretOrBool) {
  for (const CommandSpec& spec : AllCommands()) {
    bool options_started = false;
    bool optional_seen = false;
    for (const ArgSpec& arg : spec.args) {
      if (!arg.positional) {
        options_started = true;
        continue;
      }
      EXPECT_FALSE(options_started)
          << spec.method << ": positional " << arg.name << " after a flag";
      // An optional positional can only be the last one (dlq purge [ID]).
      EXPECT_FALSE(optional_seen) << spec.method << ": positional after an optional one";
      optional_seen = !arg.required;
      EXPECT_NE(arg.type, ArgType::kSecret) << spec.method << " " << arg.name;
      EXPECT_NE(arg.type, ArgType::kBool) << spec.method << " " << arg.name;
    }
  }
}

TEST(CommandRegistryTest, ReadOnlyVerbsDoNotMutateAndOthersDo) {
  const std::set<std::string> read_only_verbs = {"list",    "show",       "get",  "whoami",
                                                 "read",    "categories", "history",
                                                 "check",   "transitions", "verify"};
  for (const CommandSpec& spec : AllCommands()) {
    std::string verb(spec.method.substr(spec.method.find('.') + 1));
    // order.status changes an order; daemon.status only reports. admin.backup
    // writes a file, not the store: nothing to replay, --force governs reruns.
    // events.subscribe changes only the socket thread's list of subscribers.
    // daemon.stop ends the process, not a row: a replay would mean nothing.
    bool read_only = read_only_verbs.count(verb) > 0 || spec.method == "daemon.status" ||
                     spec.method == "daemon.stop" ||
                     spec.method == "admin.backup" || spec.method == "events.subscribe";
    EXPECT_EQ(spec.mutating, !read_only) << spec.method;
  }
}

TEST(CommandRegistryTest, OnlyTokenIssuingMethodsSkipReplay) {
  std::set<std::string_view> no_replay;
  for (const CommandSpec& spec : AllCommands()) {
    if (!spec.replay_reply) no_replay.insert(spec.method);
  }
  EXPECT_EQ(no_replay, (std::set<std::string_view>{"auth.login", "auth.refresh"}));
}

TEST(CommandRegistryTest, OnlyDaemonStatusIsServedWhileNotReady) {
  std::set<std::string_view> served;
  for (const CommandSpec& spec : AllCommands()) {
    if (!spec.serve_while_not_ready) continue;
    served.insert(spec.method);
    EXPECT_FALSE(spec.mutating) << spec.method;  // nothing may change while draining
  }
  EXPECT_EQ(served, (std::set<std::string_view>{"daemon.status"}));
}

TEST(CommandRegistryTest, SecretArgsExistOnlyWhereExpected) {
  std::set<std::pair<std::string_view, std::string_view>> secrets;
  for (const CommandSpec& spec : AllCommands()) {
    for (const ArgSpec& arg : spec.args) {
      if (arg.type == ArgType::kSecret) secrets.insert({spec.method, arg.name});
      bool looks_secret = arg.name.find("password") != std::string_view::npos ||
                          arg.name.find("token") != std::string_view::npos;
      EXPECT_EQ(looks_secret, arg.type == ArgType::kSecret) << spec.method << " " << arg.name;
    }
  }
  EXPECT_EQ(secrets, (std::set<std::pair<std::string_view, std::string_view>>{
                         {"auth.register", "password"},
                         {"auth.login", "password"},
                         {"auth.refresh", "refresh_token"},
                         {"profile.password", "current_password"},
                         {"profile.password", "new_password"},
                         {"user.set_password", "new_password"}}));
}

TEST(CommandRegistryTest, ExamplesUseTheCliSpellingOfTheirCommand) {
  for (const CommandSpec& spec : AllCommands()) {
    // A method martctl reaches through a flag of another command shows that command
    // (notification.mark_all_read: martctl notification mark-read --all).
    std::string words = "martctl " + CliGroup(spec) + " " +
                        (spec.cli_local && spec.example.find(CliVerb(spec)) == std::string::npos
                             ? ""
                             : CliVerb(spec));
    EXPECT_NE(spec.example.find(words), std::string_view::npos)
        << spec.method << " example '" << spec.example << "' lacks '" << words << "'";
  }
}

TEST(CommandRegistryTest, RestRoutesAreVerbAndPath) {
  for (const CommandSpec& spec : AllCommands()) {
    if (spec.rest.empty()) continue;
    EXPECT_TRUE(IsRoute(spec.rest)) << spec.method << ": " << spec.rest;
  }
}

TEST(CommandRegistryTest, AccountAdministrationIsAdminOnly) {
  for (const CommandSpec& spec : AllCommands()) {
    if (CliGroup(spec) == "user") {
      EXPECT_EQ(spec.access, Access::kAdmin) << spec.method;
    }
    EXPECT_FALSE(spec.id_field.empty()) << spec.method;
  }
  EXPECT_EQ(Spec("auth.register").access, Access::kAnyone);
  EXPECT_EQ(Spec("daemon.status").access, Access::kAnyone);
  EXPECT_EQ(Spec("address.add").access, Access::kUser);
}

// PROTOCOL.md §12, Naming: every object's own id is `id` (products and orders
// too); `-q` and the tables name the fields martd sends, so none says `_id`.
TEST(CommandRegistryTest, IdsAndColumnsUseTheNativeNames) {
  for (const CommandSpec& spec : AllCommands()) {
    EXPECT_NE(spec.id_field, "_id") << spec.method;
    for (std::string_view column : spec.columns) EXPECT_NE(column, "_id") << spec.method;
  }
  for (const char* method : {"product.create", "product.get", "product.list", "product.delete",
                             "order.place", "order.get", "order.list", "order.cancel"}) {
    EXPECT_EQ(Spec(method).id_field, "id") << method;
  }
  EXPECT_EQ(Spec("product.list").columns.front(), "id");
  EXPECT_EQ(Spec("order.list").columns.front(), "id");
}

TEST(CommandRegistryTest, FindCommandReturnsNullForUnknownMethods) {
  EXPECT_EQ(FindCommand("nope.nothing"), nullptr);
  EXPECT_EQ(FindCommand(""), nullptr);
  EXPECT_EQ(FindCommand("auth"), nullptr);
  EXPECT_EQ(FindCommand("AUTH.LOGIN"), nullptr);
}

// ---- naming helpers --------------------------------------------------------

TEST(CommandNamingTest, CliGroupVerbAndFlag) {
  const CommandSpec& spec = Spec("address.set_default");
  EXPECT_EQ(CliGroup(spec), "address");
  EXPECT_EQ(CliVerb(spec), "set-default");
  EXPECT_EQ(CliVerb(Spec("auth.login")), "login");
  EXPECT_EQ(CliFlag("first_name"), "first-name");
  EXPECT_EQ(CliFlag("line1"), "line1");
  EXPECT_EQ(CliFlag("a_b_c"), "a-b-c");
}

TEST(CommandNamingTest, AccessAndTypeNames) {
  EXPECT_EQ(AccessName(Access::kAnyone), "anyone");
  EXPECT_EQ(AccessName(Access::kUser), "user");
  EXPECT_EQ(AccessName(Access::kAdmin), "admin");
  EXPECT_EQ(ArgTypeName(ArgType::kString), "string");
  EXPECT_EQ(ArgTypeName(ArgType::kInt), "integer");
  EXPECT_EQ(ArgTypeName(ArgType::kBool), "boolean");
  EXPECT_EQ(ArgTypeName(ArgType::kEnum), "enum");
  EXPECT_EQ(ArgTypeName(ArgType::kSecret), "secret");
}

TEST(SuggestCommandTest, SuggestsCloseMethodsOnly) {
  EXPECT_EQ(SuggestCommand("adress.add"), "address.add");
  EXPECT_EQ(SuggestCommand("auth.logn"), "auth.login");
  EXPECT_EQ(SuggestCommand("user.lst"), "user.list");
  EXPECT_EQ(SuggestCommand("auth.login"), "auth.login");
  EXPECT_EQ(SuggestCommand("order.place"), "order.place");
  EXPECT_EQ(SuggestCommand("shipment.track"), "");
  EXPECT_EQ(SuggestCommand("zzzzzzzz"), "");
  EXPECT_EQ(SuggestCommand(""), "");
}

}  // namespace
}  // namespace mart
