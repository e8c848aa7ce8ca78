#include "martctl/usage.h"

#include <algorithm>
#include <cctype>

#include <CLI/CLI.hpp>

#include "mart/text.h"
#include "martctl/command_tree.h"

namespace mart::cli {
namespace {

// The command words of a failed command line, found the way CLI11 would:
// skipping options and the values of options that take one.
struct CommandWords {
  std::string group;
  std::string verb;
  bool group_known = false;
  bool verb_known = false;
  std::vector<std::string> option_names;  // "--password" for "--password=x" too
  std::string unknown_flag;               // the first flag no scope knows
  std::vector<std::string> known_flags;   // the long flags where it was typed
};

const CLI::Option* FindOption(const CLI::App* scope, const CLI::App& root,
                              const std::string& name) {
  const CLI::Option* option = scope != nullptr ? scope->get_option_no_throw(name) : nullptr;
  return option != nullptr ? option : root.get_option_no_throw(name);
}

std::vector<std::string> LongFlags(const CLI::App* scope, const CLI::App& root) {
  std::vector<std::string> flags;
  for (const CLI::App* app : {scope, &root}) {
    if (app == nullptr) continue;
    for (const CLI::Option* option : app->get_options()) {
      for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
    }
  }
  return flags;
}

bool TakesValue(const CLI::App* scope, const CLI::App& root, const std::string& name) {
  const CLI::Option* option = FindOption(scope, root, name);
  return option != nullptr && option->get_expected_min() > 0;
}

CommandWords ScanWords(const std::vector<std::string>& args, const CommandTree& tree) {
  CommandWords words;
  const CLI::App& root = tree.root();
  const CLI::App* scope = &root;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() > 1 && arg[0] == '-' && !std::isdigit(static_cast<unsigned char>(arg[1]))) {
      const std::string name = arg.substr(0, arg.find('='));
      words.option_names.push_back(name);
      // A cluster of short flags (-qo) is CLI11's to judge, not an unknown flag.
      const bool single = name.rfind("--", 0) == 0 || name.size() == 2;
      if (single && words.unknown_flag.empty() && FindOption(scope, root, name) == nullptr) {
        words.unknown_flag = name;
        words.known_flags = LongFlags(scope, root);
      }
      if (arg.find('=') == std::string::npos && TakesValue(scope, root, name)) ++i;
      continue;
    }
    if (words.group.empty()) {
      words.group = arg;
      scope = tree.FindApp(arg, "");
      words.group_known = scope != nullptr;
      if (!words.group_known || tree.Verbs(arg).empty()) break;
    } else if (words.verb.empty()) {
      words.verb = arg;
      scope = tree.FindApp(words.group, arg);
      words.verb_known = scope != nullptr;
      if (!words.verb_known) break;
    }
  }
  return words;
}

std::string UnknownCommand(const std::string& typed, const std::string& prefix,
                           const std::vector<std::string>& candidates) {
  std::string message = "unknown command '" + prefix + typed + "'";
  std::string closest = ClosestWord(typed, candidates);
  if (!closest.empty()) message += ", did you mean '" + prefix + closest + "'?";
  return message;
}

// The one flag among `flags` that `typed` begins (--exp: --expiry) or
// abbreviates (--qty: --quantity), or "".
std::string FlagFromPart(const std::string& typed, const std::vector<std::string>& flags,
                         bool abbreviation) {
  const std::string word = typed.substr(2);
  auto matches = [&](const std::string& flag) {
    if (!abbreviation) return flag.rfind(typed, 0) == 0;
    if (flag.size() <= 2 || flag[2] != word[0]) return false;
    size_t at = 2;
    for (char c : word) {
      at = flag.find(c, at);
      if (at == std::string::npos) return false;
      ++at;
    }
    return true;
  };
  std::string found;
  for (const std::string& flag : flags) {
    if (!matches(flag) || flag == found) continue;
    if (!found.empty()) return "";  // ambiguous
    found = flag;
  }
  return found;
}

// "unknown flag --exp; did you mean --expiry?": the flag it begins, else the
// nearest by edit distance, else the one it abbreviates.
std::string UnknownFlag(const std::string& typed, const std::vector<std::string>& flags) {
  std::string message = "unknown flag " + typed;
  std::string closest;
  if (typed.rfind("--", 0) == 0 && typed.size() > 3) closest = FlagFromPart(typed, flags, false);
  if (closest.empty()) closest = ClosestWord(typed, flags);
  if (closest.empty() && typed.rfind("--", 0) == 0 && typed.size() > 3) {
    closest = FlagFromPart(typed, flags, true);
  }
  if (!closest.empty()) message += "; did you mean " + closest + "?";
  return message;
}

std::string ListWords(const std::vector<std::string>& words) {
  std::string list;
  for (const auto& word : words) list += (list.empty() ? "" : ", ") + word;
  return list;
}

}  // namespace

UsageError DescribeUsageError(const std::string& cli11_message,
                              const std::vector<std::string>& args, const CommandTree& tree) {
  CommandWords words = ScanWords(args, tree);
  std::string path = words.group_known ? words.group : "";
  if (words.verb_known) path += " " + words.verb;
  const CommandEntry* entry = words.group_known ? tree.FindEntry(words.group, words.verb) : nullptr;
  for (const ArgSpec& arg : entry != nullptr ? entry->args : std::vector<ArgSpec>{}) {
    const std::string flag = "--" + CliFlag(arg.name);
    if (arg.type == ArgType::kSecret &&
        std::count(words.option_names.begin(), words.option_names.end(), flag) > 0) {
      return {flag +
                  " is not accepted on the command line (it would show in the process list); "
                  "type it at the prompt or pipe it with --password-stdin",
              path};
    }
  }
  // Before the command words: a mistyped global flag's value (--profil x)
  // would otherwise be taken for a command.
  if (!words.unknown_flag.empty()) return {UnknownFlag(words.unknown_flag, words.known_flags), path};
  if (words.group.empty()) return {"a command is required: " + ListWords(tree.Groups()), ""};
  if (!words.group_known) return {UnknownCommand(words.group, "", tree.Groups()), ""};
  std::vector<std::string> verbs = tree.Verbs(words.group);
  if (!verbs.empty() && words.verb.empty()) {
    return {"'" + words.group + "' needs a command: " + ListWords(verbs), words.group};
  }
  if (!verbs.empty() && !words.verb_known) {
    return {UnknownCommand(words.verb, words.group + " ", verbs), words.group};
  }
  return {cli11_message, path};
}

std::string ClosestWord(const std::string& word, const std::vector<std::string>& candidates) {
  return ClosestMatch(word, candidates, std::min<size_t>(3, (word.size() + 1) / 2));
}

}  // namespace mart::cli
