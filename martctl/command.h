#pragma once
// What martctl can run: a registry method (CommandSpec) or a local command
// (version, help exit-codes, daemon wait, order wait, events tail, product
// import and export). Both become CLI11 subcommands the same way, so help,
// usage errors and the REPL treat them alike.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "mart/status.h"
#include "martctl/io.h"
#include "martctl/settings.h"

namespace mart::cli {

struct Invocation;

// A flag martctl reads itself and never sends: a method's CLI-only flag
// (MethodBehaviour::local_flags) or an option of a local command. Beyond an
// ArgSpec it may have a short name, be repeated, and parse its own text.
// Its value lands in Invocation::flags under arg.name.
struct LocalFlag {
  ArgSpec arg = {};
  char short_name = 0;  // 'n' for -n; 0 for none
  // Given once per value, any number of times: the value is the array of
  // them, in order. Only for text flags (kString).
  bool repeated = false;
  // Turns the text of one value into its JSON value; an error is a usage
  // error ("--item: <message>") before anything runs. nullptr: the text.
  Result<nlohmann::json> (*parse)(std::string_view text) = nullptr;
  std::string_view value_name = {};  // in help, e.g. "PRODUCT_ID[:QUANTITY[:PRICE]]"
};

// Runs a parsed command and returns the process exit code; prints its data on
// io.out and its errors (via Fail) on io.err.
using Runner = int (*)(const Invocation& invocation, const Settings& settings, Io& io);

struct CommandEntry {
  std::string group = {};  // first command word
  std::string verb = {};   // second word; "" for a one-word command (version)
  std::string_view summary = {};
  std::string_view example = {};
  std::vector<ArgSpec> args = {};         // sent as params (or read by a local runner)
  std::vector<LocalFlag> local_flags = {};  // CLI-only flags, never sent
  const CommandSpec* spec = nullptr;      // the registry method; nullptr when local
  // Its positional `id` takes one or more values: Invocation::params["id"]
  // is then the array of them (MethodBehaviour::several_ids).
  bool several_ids = false;
  Runner run = nullptr;                   // nullptr: call spec->method on martd
};

struct Invocation {
  const CommandEntry* entry = nullptr;
  nlohmann::json params = nlohmann::json::object();  // only the args the user gave
  nlohmann::json flags = nlohmann::json::object();   // local_flags the user gave
};

}  // namespace mart::cli
