#pragma once
// Turns a CLI11 parse failure into martctl's usage message: "unknown command
// 'usr', did you mean 'user'?" for a mistyped command word, a pointer to
// --password-stdin for a secret given as a flag, else CLI11's own message; and
// the command path for the "run 'martctl <path> --help'" hint.

#include <string>
#include <vector>

namespace mart::cli {

class CommandTree;

struct UsageError {
  std::string message = {};
  std::string command_path = {};  // "", "user" or "user list"
};

UsageError DescribeUsageError(const std::string& cli11_message,
                              const std::vector<std::string>& args, const CommandTree& tree);

// The candidate closest to `word` by edit distance, if close enough to be a
// typo (at most 2 edits, and at most half the word); "" otherwise.
std::string ClosestWord(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mart::cli
