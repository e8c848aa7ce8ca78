#pragma once
// Shell completion:
//   martctl completion bash|zsh|fish   prints the script for that shell; the
//                                      files in completions/ are this output
//   martctl __complete WORDS…          (hidden) the candidates for the last
//                                      word, one per line: "word<TAB>help"
// The scripts only call `martctl __complete`, so every shell offers what the
// command tree (complete.h) offers: commands, flags, enum values, and the ids
// of existing products, orders, addresses… fetched from martd with the
// caller's usual credentials (1 s timeout; nothing when martd is down).

#include <string>
#include <string_view>
#include <vector>

#include "martctl/command.h"
#include "martctl/complete.h"

namespace mart::cli {

inline constexpr std::string_view kCompleteCommand = "__complete";

std::vector<CommandEntry> CompletionCommands();

// The script for "bash", "zsh" or "fish"; "" for another name.
std::string CompletionScript(std::string_view shell);

int RunCompletion(const Invocation& invocation, const Settings& settings, Io& io);
// The candidates for the last of `words` (the words after the program name),
// ids looked up with the credentials the words' global flags select. Used by
// __complete and the REPL's TAB. Errors: none (no daemon: no ids).
std::vector<Candidate> CompleteCommandLine(const std::vector<std::string>& words, Io& io);
// `words` are the words after "__complete". Always exits 0.
int RunComplete(const std::vector<std::string>& words, Io& io);

}  // namespace mart::cli
