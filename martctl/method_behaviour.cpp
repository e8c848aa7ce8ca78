#include "martctl/method_behaviour.h"

#include <algorithm>

#include "martctl/local/login.h"
#include "martctl/local/order_place.h"

namespace mart::cli {
namespace {

// For cron: exit 7 ("a check found problems") when something is low.
Result<Output> FinishReorderCheck(CallContext&, nlohmann::json result) {
  const bool low = result.is_array() && !result.empty();
  return Output{.value = std::move(result), .exit_code = low ? 7 : 0};
}

// Like reorder-check: exit 7 when the daemon's checks found a problem. People
// get a row per check, and per problem of a failed one; -o json and -q the
// daemon's result as it is.
Result<Output> FinishAdminCheck(CallContext& context, nlohmann::json result) {
  using nlohmann::json;
  const bool ok = result.is_object() && result.value("ok", json()) == true;
  if (context.settings.output == OutputFormat::kJson || context.settings.quiet ||
      !result.is_object() || !result.contains("checks") || !result["checks"].is_array()) {
    return Output{.value = std::move(result), .exit_code = ok ? 0 : 7};
  }
  json rows = json::array();
  for (const json& check : result["checks"]) {
    json row = {{"check", check.value("name", "")},
                {"result", check.value("skipped", false) ? "skipped" : "ok"},
                {"checked", check.value("checked", 0)},
                {"detail", check.value("note", "")}};
    for (const json& problem : check.value("problems", json::array())) {
      row["result"] = "problem";
      row["detail"] = problem.is_string() ? problem.get<std::string>() : problem.dump();
      rows.push_back(row);
    }
    if (row["result"] != "problem") rows.push_back(std::move(row));
  }
  return Output{.value = std::move(rows), .exit_code = ok ? 0 : 7};
}

}  // namespace

const std::vector<MethodBehaviour>& AllBehaviours() {
  static const LocalFlag kPrintToken{
      .arg = {.name = "print_token",
              .type = ArgType::kBool,
              .help = "print the access token alone on stdout (for curl and scripts)"}};
  static const std::vector<MethodBehaviour> kBehaviours = {
      {.method = "auth.login",
       .send_auth = false,
       .local_flags = {kPrintToken},
       .prepare = PrepareLogin,
       .finish = FinishLogin},
      {.method = "auth.register", .send_auth = false, .confirm_secrets = {"password"}},
      {.method = "auth.refresh",
       .send_auth = false,
       .local_flags = {kPrintToken},
       .prepare = PrepareRefresh,
       .finish = FinishRefresh},
      {.method = "auth.logout", .finish = FinishLogout, .recover = RecoverLogout},
      {.method = "profile.password", .confirm_secrets = {"new_password"}},
      {.method = "inventory.reorder_check", .finish = FinishReorderCheck},
      {.method = "order.place",
       .local_flags = OrderPlaceFlags(),
       .prepare = PrepareOrderPlace,
       .finish = FinishOrderPlace},
      {.method = "admin.check", .finish = FinishAdminCheck},
  };
  return kBehaviours;
}

const MethodBehaviour& BehaviourFor(std::string_view method) {
  static const MethodBehaviour kDefault{};
  const auto& all = AllBehaviours();
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const MethodBehaviour& b) { return b.method == method; });
  return it == all.end() ? kDefault : *it;
}

}  // namespace mart::cli
