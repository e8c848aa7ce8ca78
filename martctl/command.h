#pragma once
// What martctl can run: a registry method (CommandSpec) or a local command
// (version, help exit-codes, daemon wait). Both become CLI11 subcommands the
// same way, so help, usage errors and the REPL treat them alike.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "martctl/io.h"
#include "martctl/settings.h"

namespace mart::cli {

struct Invocation;

// Runs a parsed command and returns the process exit code; prints its data on
// io.out and its errors (via Fail) on io.err.
using Runner = int (*)(const Invocation& invocation, const Settings& settings, Io& io);

struct CommandEntry {
  std::string group = {};  // first command word
  std::string verb = {};   // second word; "" for a one-word command (version)
  std::string_view summary = {};
  std::string_view example = {};
  std::vector<ArgSpec> args = {};         // sent as params (or read by a local runner)
  std::vector<ArgSpec> local_flags = {};  // CLI-only flags of a method, never sent
  const CommandSpec* spec = nullptr;      // the registry method; nullptr when local
  Runner run = nullptr;                   // nullptr: call spec->method on martd
};

struct Invocation {
  const CommandEntry* entry = nullptr;
  nlohmann::json params = nlohmann::json::object();  // only the args the user gave
  nlohmann::json flags = nlohmann::json::object();   // local_flags the user gave
};

}  // namespace mart::cli
