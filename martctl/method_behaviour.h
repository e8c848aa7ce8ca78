#pragma once
// What martctl does around particular methods beyond "send the flags, print
// the result": one table keyed by method name (no if/else on names elsewhere).
// A method without an entry sends the resolved credentials and prints its
// result as it is.

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "mart/status.h"
#include "martctl/command.h"
#include "martctl/io.h"
#include "martctl/local/session.h"
#include "martctl/settings.h"

namespace mart::cli {

struct CallContext {
  const Invocation& invocation;
  const Settings& settings;
  Io& io;
  Session& session;
};

// What a command prints on stdout and the exit code on success.
struct Output {
  nlohmann::json value = {};
  bool plain_text = false;  // value is a string printed as it is, whatever -o says
  int exit_code = 0;
  // When set, print with these instead of the spec's (a result reshaped for people).
  std::string_view id_field = {};
  std::vector<std::string_view> columns = {};
};

struct MethodBehaviour {
  std::string_view method = {};
  // False for methods that establish credentials (login, register, refresh).
  bool send_auth = true;
  // Secret args asked twice when prompted on a terminal.
  std::vector<std::string_view> confirm_secrets = {};
  // CLI-only flags (Invocation::flags), never sent to the daemon.
  std::vector<LocalFlag> local_flags = {};
  // Adds params from local state before secrets are read and the call is made.
  Status (*prepare)(CallContext& context, nlohmann::json* params) = nullptr;
  // Acts on a successful result and decides what to print.
  Result<Output> (*finish)(CallContext& context, nlohmann::json result) = nullptr;
  // Acts on a failed call; may turn it into a success.
  Result<Output> (*recover)(CallContext& context, const Status& error) = nullptr;
  // The positional id takes one or more values (`notification mark-read 2 3`):
  // one call per id, in order, the results printed as one list; a failing id
  // is said on stderr, the others still run, and the exit code is the first
  // failure's. One id prints its object as before.
  bool several_ids = false;
  // With several_ids: `--all` instead of ids calls this method once
  // (notification mark-read --all: notification.mark_all_read).
  std::string_view all_method = {};
};

// The entry for `method`, or a default behaviour (send auth, print the result).
const MethodBehaviour& BehaviourFor(std::string_view method);
const std::vector<MethodBehaviour>& AllBehaviours();

}  // namespace mart::cli
