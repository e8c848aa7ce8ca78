#include "martctl/method_behaviour.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>

#include "martctl/local/login.h"
#include "martctl/local/order_place.h"
#include "martctl/render/render.h"

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

// martd writes and reads the file, and its cwd is not the caller's: a
// relative path (with a '/') is made absolute here, from martctl's cwd. A
// bare name is left alone: martd puts it in its backup dir.
Status PrepareBackupFile(CallContext&, nlohmann::json* params) {
  if (!params->contains("file") || !(*params)["file"].is_string()) return Status::Ok();
  const std::string file = (*params)["file"].get<std::string>();
  if (file.find('/') == std::string::npos) return Status::Ok();
  std::error_code ec;
  auto absolute = std::filesystem::absolute(file, ec);
  if (ec) return InvalidArgument("cannot make FILE absolute: " + ec.message(), {{"field", "file"}});
  (*params)["file"] = absolute.lexically_normal().string();
  return Status::Ok();
}

// `--card-stdin`: the card as one line "NUMBER MM/YY CVC" on stdin, so it
// never shows in the process list or the shell history. Flags still win.
Status PrepareOrderPay(CallContext& context, nlohmann::json* params) {
  if (!context.invocation.flags.value("card_stdin", false)) return Status::Ok();
  std::string line;
  if (!std::getline(context.io.in, line)) {
    return InvalidArgument("--card-stdin: no card line on stdin (NUMBER MM/YY CVC)",
                           {{"field", "card_number"}});
  }
  std::istringstream fields(line);
  std::string number, expiry, cvc, extra;
  fields >> number >> expiry >> cvc;
  if (cvc.empty() || (fields >> extra)) {
    return InvalidArgument("--card-stdin: the line must be NUMBER MM/YY CVC (no spaces in the "
                           "number)", {{"field", "card_number"}});
  }
  const std::pair<const char*, const std::string*> kFields[] = {
      {"card_number", &number}, {"expiry", &expiry}, {"cvc", &cvc}};
  for (const auto& [name, value] : kFields) {
    if (!params->contains(name)) (*params)[name] = *value;
  }
  if (!params->contains("method")) (*params)["method"] = "card";
  return Status::Ok();
}

// A declined card is a successful call whose payment says `failed` (the
// daemon keeps the record); for scripts it is still a failure: exit 5.
Result<Output> FinishOrderPay(CallContext& context, nlohmann::json result) {
  if (!result.is_object() || result.value("status", "") != "failed") {
    return Output{.value = std::move(result)};
  }
  const std::string reason = result.value("reason", nlohmann::json()).is_string()
                                 ? result["reason"].get<std::string>()
                                 : std::string("no reason given");
  const int exit_code = Fail(
      context.io, FailedPrecondition("payment " + std::to_string(result.value("id", int64_t{0})) +
                                     " failed: " + reason));
  return Output{.value = std::move(result), .exit_code = exit_code};
}

// events read: people and -q get the events as rows (their seqs with -q);
// -o json keeps the reply with next_after and last_seq. Where the read
// stopped short of the log's end, stderr says how to go on.
Result<Output> FinishEventsRead(CallContext& context, nlohmann::json result) {
  using nlohmann::json;
  if (context.settings.output == OutputFormat::kJson && !context.settings.quiet) {
    return Output{.value = std::move(result)};
  }
  json rows = json::array();
  for (const json& event : result.value("events", json::array())) {
    rows.push_back(EventRow(event));
  }
  const int64_t next = result.value("next_after", int64_t{0});
  const int64_t last = result.value("last_seq", int64_t{0});
  if (next < last) {
    context.io.err << ErrorLead(context.io) << "read through seq " << next << " of " << last
                   << "; more: --after " << next << "\n";
  }
  return Output{.value = std::move(rows), .id_field = "seq", .columns = EventColumns()};
}

// Whether a daemon.status answer comes from another martd than the one that
// replied `stopping` (a second instance of a cluster, or a new martd): by
// instance id when both name one, else by pid.
bool AnotherMartd(const nlohmann::json& stopping, const nlohmann::json& answer) {
  auto id = [](const nlohmann::json& reply) {
    const nlohmann::json instance = reply.value("instance", nlohmann::json::object());
    return instance.is_object() ? instance.value("id", nlohmann::json()) : nlohmann::json();
  };
  if (!id(stopping).is_null() && !id(answer).is_null()) return id(stopping) != id(answer);
  return stopping.value("pid", nlohmann::json()) != answer.value("pid", nlohmann::json());
}

// `daemon stop --wait`: the reply only says that the stop began; wait until
// the daemon no longer answers (UNAVAILABLE), or another one of the endpoint
// list answers in its place, asking every 100 ms.
Result<Output> FinishDaemonStop(CallContext& context, nlohmann::json result) {
  const nlohmann::json& flags = context.invocation.flags;
  if (!flags.value("wait", false)) return Output{.value = std::move(result)};
  using std::chrono::milliseconds;
  const int64_t seconds = flags.value("wait_timeout", int64_t{30});
  const milliseconds deadline = MonotonicNow(context.io) + std::chrono::seconds(seconds);
  const CommandSpec& status = *FindCommand("daemon.status");
  // On ipc:// martd runs on this machine: also wait for its process to end
  // (it releases the data dir last), so that a new martd can start at once.
  const int64_t pid = result.value("pid", int64_t{0});
  const std::vector<std::string>& endpoints = context.settings.endpoints;
  const bool local = pid > 0 && std::all_of(endpoints.begin(), endpoints.end(),
                                            [](const std::string& endpoint) {
                                              return endpoint.rfind("ipc://", 0) == 0;
                                            });
  auto running = [pid] { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; };
  while (true) {
    Result<nlohmann::json> answer = context.session.CallAnonymously(status, nlohmann::json::object());
    const bool gone = answer.ok() ? AnotherMartd(result, *answer)
                                  : answer.status().code() == Code::kUnavailable;
    if (gone && !(local && running())) break;
    const milliseconds left = deadline - MonotonicNow(context.io);
    if (left.count() <= 0) {
      return Unavailable("martd (pid " + result.value("pid", nlohmann::json()).dump() +
                         ") is still stopping after " + std::to_string(seconds) + " s");
    }
    Pause(context.io, std::min(milliseconds(100), left));
  }
  result["stopped"] = true;
  return Output{.value = std::move(result)};
}

}  // namespace

const std::vector<MethodBehaviour>& AllBehaviours() {
  static const LocalFlag kPrintToken{
      .arg = {.name = "print_token",
              .type = ArgType::kBool,
              .help = "print the access token alone on stdout (for curl and scripts)"}};
  static const LocalFlag kCardStdin{
      .arg = {.name = "card_stdin",
              .type = ArgType::kBool,
              .help = "read the card as one stdin line 'NUMBER MM/YY CVC' instead of flags, "
                      "keeping it out of the process list"}};
  static const std::vector<LocalFlag> kStopFlags = {
      {.arg = {.name = "wait", .type = ArgType::kBool,
               .help = "return once the daemon has stopped, not when it begins to"}},
      {.arg = {.name = "wait_timeout", .type = ArgType::kInt,
               .help = "with --wait: seconds to wait (default 30); exit 6 when they run out",
               .min = 0, .max = 86400}},
  };
  static const std::vector<MethodBehaviour> kBehaviours = {
      {.method = "daemon.stop", .local_flags = kStopFlags, .finish = FinishDaemonStop},
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
      {.method = "user.set_password", .confirm_secrets = {"new_password"}},
      {.method = "inventory.reorder_check", .finish = FinishReorderCheck},
      {.method = "order.place",
       .local_flags = OrderPlaceFlags(),
       .prepare = PrepareOrderPlace,
       .finish = FinishOrderPlace},
      {.method = "order.pay",
       .local_flags = {kCardStdin},
       .prepare = PrepareOrderPay,
       .finish = FinishOrderPay},
      {.method = "admin.check", .finish = FinishAdminCheck},
      {.method = "events.read", .finish = FinishEventsRead},
      {.method = "admin.backup", .prepare = PrepareBackupFile},
      {.method = "admin.verify", .prepare = PrepareBackupFile, .finish = FinishAdminCheck},
      // Several ids per command (kubectl get a b style).
      {.method = "notification.mark_read",
       .several_ids = true,
       .all_method = "notification.mark_all_read"},
      {.method = "notification.get", .several_ids = true},
      {.method = "product.get", .several_ids = true},
      {.method = "product.delete", .several_ids = true},
      {.method = "order.get", .several_ids = true},
      {.method = "order.cancel", .several_ids = true},
      {.method = "payment.get", .several_ids = true},
      {.method = "user.get", .several_ids = true},
      {.method = "dlq.retry", .several_ids = true},
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
