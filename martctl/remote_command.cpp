#include "martctl/remote_command.h"

#include <algorithm>
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

}  // namespace

ClientOptions ClientOptionsFor(const Settings& settings, const CommandSpec& spec) {
  auto total = std::chrono::milliseconds(static_cast<int64_t>(settings.timeout_s * 1000));
  // mart::Client sends calls whose replies carry tokens only once; they get the whole budget.
  const int retries = spec.mutating && !spec.replay_reply ? 0 : kRetries;
  auto per_try = std::max(std::chrono::milliseconds(1), total / (retries + 1));
  return ClientOptions{.endpoint = settings.endpoint,
                       .timeout = per_try,
                       .retries = retries,
                       .server_key = settings.server_key};
}

RenderOptions RenderOptionsFor(const CommandSpec& spec, const Settings& settings, const Io& io) {
  return RenderOptions{.format = settings.output,
                       .quiet = settings.quiet,
                       .tty = io.stdout_tty,
                       .color = settings.color && io.stdout_tty,
                       .id_field = spec.id_field,
                       .columns = spec.columns};
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

int RunRemoteCommand(const Invocation& invocation, const Settings& settings, Io& io) {
  Result<Output> output = CallMethod(invocation, settings, io);
  if (!output.ok()) return Fail(io, output.status());
  if (output->plain_text && output->value.is_string()) {
    io.out << output->value.get<std::string>() << "\n";
  } else {
    Render(output->value, RenderOptionsFor(*invocation.entry->spec, settings, io), io.out);
  }
  return output->exit_code;
}

}  // namespace mart::cli
