#include "martctl/remote_command.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <initializer_list>
#include <ostream>

#include "martctl/local/secrets.h"
#include "martctl/local/session.h"

namespace mart::cli {
namespace {

constexpr int kRetries = 2;

// The daemon checks params again; checking them here too makes a bad value a
// usage error before any prompt or I/O. Args of the `unfilled` types are not
// required yet: secrets until they are read, arrays of objects until the
// behaviour's prepare builds them from local flags (order place --item).
Status ValidateArgs(const CommandSpec& spec, const nlohmann::json& params,
                    std::initializer_list<ArgType> unfilled) {
  CommandSpec checked = spec;
  for (ArgSpec& arg : checked.args) {
    if (std::find(unfilled.begin(), unfilled.end(), arg.type) != unfilled.end()) {
      arg.required = false;
    }
  }
  return ValidateParams(checked, params);
}

bool WordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

}  // namespace

Status InFlagTerms(const Status& status, const CommandEntry& entry) {
  std::string message = status.message();
  for (const ArgSpec& arg : entry.args) {
    const std::string name(arg.name);
    if (arg.positional || name.find('_') == std::string::npos) continue;
    const std::string flag = "--" + CliFlag(name);
    for (size_t at = message.find(name); at != std::string::npos; at = message.find(name, at)) {
      const size_t end = at + name.size();
      if ((at > 0 && (WordChar(message[at - 1]) || message[at - 1] == '-')) ||
          (end < message.size() && WordChar(message[end]))) {
        at = end;
        continue;
      }
      message.replace(at, name.size(), flag);
      at += flag.size();
    }
  }
  if (message == status.message()) return status;
  return Status(status.code(), message, status.details());
}

ClientOptions ClientOptionsFor(const Settings& settings, const CommandSpec& spec) {
  auto total = std::chrono::milliseconds(static_cast<int64_t>(settings.timeout_s * 1000));
  // mart::Client sends calls whose replies carry tokens only once; they get the whole budget.
  const int retries = spec.mutating && !spec.replay_reply ? 0 : kRetries;
  auto per_try = std::max(std::chrono::milliseconds(1), total / (retries + 1));
  return ClientOptionsOf(settings, per_try, retries);
}

RenderOptions RenderOptionsFor(const CommandSpec& spec, const Settings& settings, const Io& io) {
  RenderOptions options = BaseRenderOptions(settings, io);
  options.id_field = spec.id_field;
  options.columns = spec.columns;
  return options;
}

Result<Output> CallMethod(const Invocation& invocation, const Settings& settings, Io& io) {
  const CommandSpec& spec = *invocation.entry->spec;
  const MethodBehaviour& behaviour = BehaviourFor(spec.method);
  nlohmann::json params = invocation.params;
  MART_RETURN_IF_ERROR(ValidateArgs(spec, params, {ArgType::kSecret, ArgType::kObjects}));
  Session session(settings, Connect(io, ClientOptionsFor(settings, spec)), io.clock);
  CallContext context{invocation, settings, io, session};
  if (behaviour.prepare != nullptr) MART_RETURN_IF_ERROR(behaviour.prepare(context, &params));
  MART_RETURN_IF_ERROR(ValidateArgs(spec, params, {ArgType::kSecret}));
  MART_RETURN_IF_ERROR(
      ReadSecrets(spec, behaviour.confirm_secrets, settings.password_stdin, io, &params));
  Result<nlohmann::json> result =
      behaviour.send_auth ? session.Call(spec, params) : session.CallAnonymously(spec, params);
  if (!result.ok()) {
    if (behaviour.recover != nullptr) return behaviour.recover(context, result.status());
    return result.status();
  }
  if (behaviour.finish != nullptr) return behaviour.finish(context, std::move(result).value());
  return Output{.value = std::move(result).value()};
}

LocalFlag AllIdsFlag(const CommandSpec& all_method) {
  return {.arg = {.name = "all", .type = ArgType::kBool, .help = all_method.summary}};
}

LocalFlag AllPagesFlag() {
  return {.arg = {.name = "all",
                  .type = ArgType::kBool,
                  .help = "every page, not only the first (--limit rows per call, default 1000)"}};
}

namespace {

int RunPagedList(const Invocation& invocation, const Settings& settings, Io& io) {
  const CommandSpec& spec = *invocation.entry->spec;
  const bool all = invocation.flags.value("all", false);
  nlohmann::json params = invocation.params;
  if (Status valid = ValidateArgs(spec, params, {}); !valid.ok()) {
    return Fail(io, InFlagTerms(valid, *invocation.entry));
  }
  if (all && !params.contains("limit")) params["limit"] = kAllPageSize;
  Session session(settings, Connect(io, ClientOptionsFor(settings, spec)), io.clock);
  ListWriter writer(RenderOptionsFor(spec, settings, io), io.out);
  int64_t shown = 0;
  bool paged = false;  // a page reached the writer: it owes the list its end
  while (true) {
    Result<nlohmann::json> page = session.Call(spec, params);
    if (!page.ok()) {
      // What came stays valid output; a failed first call prints nothing.
      if (paged) writer.Finish();
      return Fail(io, InFlagTerms(page.status(), *invocation.entry));
    }
    if (!page->is_array()) {
      if (shown > 0) return Fail(io, Internal("martd answered a later page with a non-list"));
      // Not a page (an older martd's answer): print it as it is.
      Render(*page, RenderOptionsFor(spec, settings, io), io.out);
      return 0;
    }
    shown += static_cast<int64_t>(page->size());
    const std::string next = session.next();
    writer.Page(std::move(page).value());
    paged = true;
    if (next.empty()) break;
    if (!all) {
      writer.Finish();
      io.err << ErrorLead(io) << "showing " << shown << (shown == 1 ? " row" : " rows")
             << "; more exist: add --cursor " << next
             << " for the next page, or --all for every row\n";
      return 0;
    }
    // The cursor continues after the last row; an offset applied to the first page only.
    params["cursor"] = next;
    params.erase("offset");
  }
  writer.Finish();
  return 0;
}

int Print(const Invocation& invocation, const Settings& settings, Io& io, const Output& output) {
  if (output.plain_text && output.value.is_string()) {
    io.out << output.value.get<std::string>() << "\n";
  } else {
    RenderOptions options = RenderOptionsFor(*invocation.entry->spec, settings, io);
    if (!output.id_field.empty()) options.id_field = output.id_field;
    if (!output.columns.empty()) options.columns = output.columns;
    Render(output.value, options, io.out);
  }
  return output.exit_code;
}

int RunOnce(const Invocation& invocation, const Settings& settings, Io& io) {
  Result<Output> output = CallMethod(invocation, settings, io);
  if (!output.ok()) return Fail(io, InFlagTerms(output.status(), *invocation.entry));
  return Print(invocation, settings, io, *output);
}

// `notification mark-read 2 3`: one call per id, the results as one list.
// An error that does not name its id is prefixed with it.
int RunForEachId(const Invocation& invocation, const Settings& settings, Io& io) {
  const CommandEntry& entry = *invocation.entry;
  const nlohmann::json ids = invocation.params.value("id", nlohmann::json::array());
  const bool all = invocation.flags.value("all", false);
  if (all && !ids.empty()) return Fail(io, InvalidArgument("give ids or --all, not both"));
  if (all) {
    const CommandSpec& method = *FindCommand(BehaviourFor(entry.spec->method).all_method);
    const CommandEntry instead{.group = entry.group, .verb = entry.verb, .spec = &method};
    return RunOnce(Invocation{.entry = &instead}, settings, io);
  }
  if (ids.empty()) return Fail(io, InvalidArgument("give one or more ids, or --all"));
  Invocation one = invocation;
  if (ids.size() == 1) {
    one.params["id"] = ids[0];
    return RunOnce(one, settings, io);
  }
  nlohmann::json results = nlohmann::json::array();
  int exit_code = 0;
  for (const nlohmann::json& id : ids) {
    one.params["id"] = id;
    Result<Output> output = CallMethod(one, settings, io);
    if (output.ok()) {
      results.push_back(std::move(output->value));
      continue;
    }
    Status error = InFlagTerms(output.status(), entry);
    const std::string shown = id.is_string() ? id.get<std::string>() : id.dump();
    if (error.message().find(shown) == std::string::npos) {
      error = Status(error.code(), shown + ": " + error.message(), error.details());
    }
    const int failed = Fail(io, error);
    if (exit_code == 0) exit_code = failed;
  }
  if (!results.empty()) Print(invocation, settings, io, Output{.value = std::move(results)});
  return exit_code;
}

}  // namespace

int RunRemoteCommand(const Invocation& invocation, const Settings& settings, Io& io) {
  if (IsPaged(*invocation.entry->spec)) return RunPagedList(invocation, settings, io);
  if (invocation.entry->several_ids) return RunForEachId(invocation, settings, io);
  return RunOnce(invocation, settings, io);
}

}  // namespace mart::cli
