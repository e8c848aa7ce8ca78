#pragma once
// The CLI11 command tree, generated from the registry (mart::AllCommands())
// plus martctl's local commands: one subcommand per group, one per verb, one
// option per ArgSpec:
//   --kebab-case flag, or a positional argument where ArgSpec::positional;
//   kInt as a 64-bit integer within [min, max]; kEnum checked against choices;
//   kBool a flag: --flag is true, --flag=false is false (absent: not sent);
//   kSecret never an option (see local/secrets.h); kObjects neither (filled
//   by local commands and behaviours).
// Local flags (command.h) may add a short name, a parser whose error is the
// usage message, and repetition (--item A --item B: an array, in order).
// The global flags (settings.h) are accepted before or after the command words.
// A CommandTree is built per command line; not thread safe.

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "martctl/command.h"
#include "martctl/settings.h"

namespace CLI {
class App;
}  // namespace CLI

namespace mart::cli {

struct ParseOutcome {
  enum class Kind { kCommand, kHelp, kUsageError };
  Kind kind = Kind::kCommand;
  Invocation invocation = {};     // kCommand
  std::string text = {};          // kHelp: the help page; kUsageError: the message
  std::string command_path = {};  // kUsageError: "user list", for the --help hint
};

class CommandTree {
 public:
  CommandTree();
  ~CommandTree();
  CommandTree(const CommandTree&) = delete;
  CommandTree& operator=(const CommandTree&) = delete;

  // Parses the words after the program name. Never throws.
  ParseOutcome Parse(const std::vector<std::string>& args);

  const GlobalFlags& flags() const { return flags_; }
  const std::vector<CommandEntry>& entries() const { return entries_; }
  CLI::App& root() { return *root_; }
  const CLI::App& root() const { return *root_; }
  // The subcommand of a group (verb "") or of a group's verb; nullptr if none.
  CLI::App* FindApp(const std::string& group, const std::string& verb) const;
  const CommandEntry* FindEntry(const std::string& group, const std::string& verb) const;
  std::vector<std::string> Groups() const;
  std::vector<std::string> Verbs(const std::string& group) const;

 private:
  struct Binding;
  struct Leaf {
    CLI::App* app;
    const CommandEntry* entry;
    std::vector<Binding*> bindings;
  };

  CLI::App* AddGroup(const std::string& group);
  static CLI::Option* AddOption(CLI::App* app, Binding& binding);
  void AddLeaf(const CommandEntry& entry);
  Invocation Selected() const;

  std::unique_ptr<CLI::App> root_;
  GlobalFlags flags_;
  std::vector<CommandEntry> entries_;
  std::deque<Binding> bindings_;  // a deque: options keep pointers into it
  std::vector<std::pair<std::string, CLI::App*>> groups_;
  std::vector<Leaf> leaves_;
};

// Every command martctl knows: the registry's methods (with the CLI-only flags
// of their method behaviour) followed by the local commands.
std::vector<CommandEntry> AllEntries();

}  // namespace mart::cli
