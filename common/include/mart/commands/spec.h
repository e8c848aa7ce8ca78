#pragma once
// The command registry: every method mart serves is described once, here, by a
// CommandSpec. The daemon's dispatcher, guards and param validation, the martctl
// CLI11 tree, the REPL, help, completions and the REST bridge are all built
// from these tables (STYLE.md rule 1). Specs are immutable and thread safe.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/status.h"

namespace mart {

enum class ArgType {
  kString,  // UTF-8 text, bounded by max_length
  kInt,     // integer within [min, max]
  kBool,    // true/false; a bare --flag on the CLI
  kEnum,    // one of choices
  kSecret,  // a password or token: never taken from argv; prompted or read from stdin
  kMoney,   // an amount: JSON number or decimal string, at most two decimals; min/max in cents
  kObjects, // a JSON array of objects, at most `max` of them (bulk methods; not a CLI flag)
  kObject,  // a JSON object of at most max_length bytes serialized; JSON text on the CLI
};

struct ArgSpec {
  std::string_view name;  // wire name, snake_case; the CLI flag is --kebab-case
  ArgType type = ArgType::kString;
  std::string_view help;
  bool required = false;
  bool positional = false;  // CLI: taken as a positional argument, in order
  std::vector<std::string_view> choices = {};
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  size_t max_length = 200;
};

// Who may call a method. The local operator (cookie) counts as an admin.
enum class Access {
  kAnyone,  // no credentials needed
  kUser,    // any authenticated caller
  kAdmin,   // role admin, or the local operator
};

struct CommandSpec {
  std::string_view method;   // "group.verb", e.g. "address.set_default"
  std::string_view summary;  // one line, lowercase, no final period
  Access access = Access::kUser;
  bool mutating = false;  // changes state: accepts an idempotency_key
  std::vector<ArgSpec> args = {};
  std::string_view example = {};  // a martctl command line
  std::string_view rest = {};     // "POST /api/v1/auth/register" where the seeds have one
  // False where the reply carries a secret (tokens): it is then never stored
  // for idempotent replay, and a retry simply runs again.
  bool replay_reply = true;
  std::string_view id_field = "id";  // what `martctl -q` prints of each result object
  std::vector<std::string_view> columns = {};  // default table columns for list results
  // martctl offers this method through a local command of the same name
  // (bulk import reads a file and calls the method in chunks) or a flag of
  // another command (notification mark-read --all).
  bool cli_local = false;
  // Answered while the daemon is not ready (draining at shutdown), so that
  // callers can see the state; every other method is refused then.
  bool serve_while_not_ready = false;
};

// All specs, grouped by domain in a stable order.
const std::vector<CommandSpec>& AllCommands();
// nullptr when no spec has that method.
const CommandSpec* FindCommand(std::string_view method);
// The closest method name within a small edit distance, or "" (for "did you mean").
std::string SuggestCommand(std::string_view method);

// Object ids are 24 lower-case hex characters; one in upper (or mixed) case
// from a client means the same object. Lower-cases such values of the args
// named `id`, `cursor` or `*_id`, and of `*_id` keys inside object args
// (order.place's items), in place; anything else is left to validation.
void NormalizeObjectIds(const CommandSpec& spec, nlohmann::json* params);

// A paged list: it takes a `cursor`, and its reply's `next` names the next page.
bool IsPaged(const CommandSpec& spec);

// CLI naming: "address.set_default" -> group "address", verb "set-default";
// an arg "first_name" -> flag "first-name".
std::string CliGroup(const CommandSpec& spec);
std::string CliVerb(const CommandSpec& spec);
std::string CliFlag(std::string_view arg_name);
std::string_view AccessName(Access access);
std::string_view ArgTypeName(ArgType type);

// Checks a params object against the spec: an object, no unknown keys, every
// required arg present, every value of its type and within its bounds.
// Returns INVALID_ARGUMENT naming the parameter, with details {"field": name}.
Status ValidateParams(const CommandSpec& spec, const nlohmann::json& params);

}  // namespace mart
