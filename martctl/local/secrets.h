#pragma once
// Secret arguments (ArgType::kSecret: passwords, tokens) never come from argv,
// where other users could read them in the process list. They are read:
//   - with --password-stdin: one line of stdin per secret, in spec order;
//   - on a terminal: prompted without echo; those in `confirm` twice;
//   - otherwise not at all: INVALID_ARGUMENT saying how to pass them.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "mart/status.h"
#include "martctl/io.h"

namespace mart::cli {

// Fills each secret arg of `spec` that `params` does not have yet. Errors are
// INVALID_ARGUMENT: a missing stdin line, a confirmation that does not match.
Status ReadSecrets(const CommandSpec& spec, const std::vector<std::string_view>& confirm,
                   bool password_stdin, Io& io, nlohmann::json* params);

// "current_password" -> "Current password: ".
std::string PromptFor(std::string_view arg_name);

}  // namespace mart::cli
