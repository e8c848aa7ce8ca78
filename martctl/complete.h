#pragma once
// Completion of a partial command line, for the shells (`martctl __complete`,
// called by the scripts `martctl completion bash|zsh|fish` prints) and the
// REPL. It reads the same CommandTree that parses command lines, so it offers
// exactly what would parse: groups, verbs, flags (the command's and the
// global ones), enum values, and ids of existing objects for id arguments
// (looked up on martd through the caller's IdLookup).
//
// `words` are the words after the program name; the last one is the word
// being completed ("" when the cursor follows a space). Candidates start with
// that word, in a stable order. Pure apart from IdLookup; not thread safe
// (the tree is not).

#include <functional>
#include <string>
#include <vector>

#include "mart/commands/spec.h"
#include "martctl/command_tree.h"

namespace mart::cli {

struct Candidate {
  std::string word;
  std::string help;  // one line, may be empty

  bool operator==(const Candidate&) const = default;
};

// The objects `list` returns (a `<group>.list` method), as candidates: the
// spec's id field, with a name or status as help. Errors: none; no daemon,
// no rights or no objects give an empty list.
using IdLookup = std::function<std::vector<Candidate>(const CommandSpec& list)>;

// The known profiles (martctl.toml tables and saved logins), for --profile.
using ProfileLookup = std::function<std::vector<Candidate>()>;

std::vector<Candidate> Complete(const CommandTree& tree, const std::vector<std::string>& words,
                                const IdLookup& ids, const ProfileLookup& profiles = nullptr);

// The `<group>.list` method whose ids an argument takes, or nullptr: an arg
// named `<group>_id` takes that group's ids (product_id: products); an arg
// named `id` takes the ids of its own command's group (order get ID: orders);
// an arg named as the id field of a group's list takes that list's ids
// (worker pause WORKER: the names worker.list gives).
const CommandSpec* IdListFor(const CommandEntry& entry, const ArgSpec& arg);

}  // namespace mart::cli
