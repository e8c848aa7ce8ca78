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
};

bool TakesValue(const CLI::App* scope, const CLI::App& root, const std::string& name) {
  const CLI::Option* option = scope != nullptr ? scope->get_option_no_throw(name) : nullptr;
  if (option == nullptr) option = root.get_option_no_throw(name);
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

std::string ListWords(const std::vector<std::string>& words) {
  std::string list;
  for (const auto& word : words) list += (list.empty() ? "" : ", ") + word;
  return list;
}

}  // namespace

UsageError DescribeUsageError(const std::string& cli11_message,
                              const std::vector<std::string>& args, const CommandTree& tree) {
  CommandWords words = ScanWords(args, tree);
  if (words.group.empty()) return {"a command is required: " + ListWords(tree.Groups()), ""};
  if (!words.group_known) return {UnknownCommand(words.group, "", tree.Groups()), ""};
  std::vector<std::string> verbs = tree.Verbs(words.group);
  if (!verbs.empty() && words.verb.empty()) {
    return {"'" + words.group + "' needs a command: " + ListWords(verbs), words.group};
  }
  if (!verbs.empty() && !words.verb_known) {
    return {UnknownCommand(words.verb, words.group + " ", verbs), words.group};
  }
  std::string path = words.verb.empty() ? words.group : words.group + " " + words.verb;
  const CommandEntry* entry = tree.FindEntry(words.group, words.verb);
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
  return {cli11_message, path};
}

std::string ClosestWord(const std::string& word, const std::vector<std::string>& candidates) {
  return ClosestMatch(word, candidates, std::min<size_t>(3, (word.size() + 1) / 2));
}

}  // namespace mart::cli
