#include "martctl/complete.h"

#include <cctype>

#include <CLI/CLI.hpp>

#include "martctl/settings.h"

namespace mart::cli {
namespace {

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

bool IsFlagWord(const std::string& word) { return word.size() > 1 && word[0] == '-'; }

// A flag of a command, as the tree defines it (see command_tree.h).
struct Flag {
  std::string name;  // "--status"
  const ArgSpec* arg = nullptr;
  bool takes_value = false;
  std::string_view value_name = {};  // a local flag's, e.g. "PRODUCT_ID[:QUANTITY[:PRICE]]"
};

bool IsOption(const ArgSpec& arg, bool local) {
  if (arg.type == ArgType::kSecret) return false;
  return arg.type != ArgType::kObjects || local;  // a repeated local flag is text
}

std::vector<Flag> CommandFlags(const CommandEntry& entry) {
  std::vector<Flag> flags;
  auto add = [&](const ArgSpec& arg, const LocalFlag* local) {
    if (!IsOption(arg, local != nullptr)) return;
    if (arg.positional && arg.type != ArgType::kBool) return;
    flags.push_back({"--" + CliFlag(arg.name), &arg, arg.type != ArgType::kBool,
                     local != nullptr ? local->value_name : std::string_view()});
  };
  for (const ArgSpec& arg : entry.args) add(arg, nullptr);
  for (const LocalFlag& local : entry.local_flags) add(local.arg, &local);
  return flags;
}

std::vector<const ArgSpec*> Positionals(const CommandEntry& entry) {
  std::vector<const ArgSpec*> positionals;
  for (const ArgSpec& arg : entry.args) {
    if (arg.positional && arg.type != ArgType::kBool && IsOption(arg, false)) {
      positionals.push_back(&arg);
    }
  }
  return positionals;
}

const CLI::Option* GlobalOption(const CommandTree& tree, const std::string& word) {
  for (const CLI::Option* option : tree.root().get_options()) {
    for (const std::string& name : option->get_lnames()) {
      if (word == "--" + name) return option;
    }
    for (const std::string& name : option->get_snames()) {
      if (word == "-" + name) return option;
    }
  }
  return nullptr;
}

std::vector<std::string> GlobalChoices(const CLI::Option& option) {
  for (const std::string& name : option.get_lnames()) {
    if (name == "output") return OutputChoices();
    if (name == "color") return ColorChoices();
    if (name == "endpoint-policy") return EndpointPolicyNames();
  }
  return {};
}

const CommandSpec* ListOfGroup(const std::string& group) {
  const CommandSpec* list = FindCommand(group + ".list");
  return list != nullptr && !list->id_field.empty() ? list : nullptr;
}

// "PRODUCT_ID[:QUANTITY]" starts with a product id: the product list.
const CommandSpec* IdListForValueName(std::string_view value_name) {
  const size_t end = value_name.find("_ID");
  if (end == std::string_view::npos || end == 0) return nullptr;
  std::string group(value_name.substr(0, end));
  for (char& c : group) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ListOfGroup(group);
}

// Where the words before the cursor leave the command line.
struct Position {
  std::string group;
  bool has_group = false;
  const CommandEntry* entry = nullptr;  // known once the group (and verb) are
  bool lost = false;                     // an unknown command: offer nothing
  size_t positionals = 0;                // positional values given
  const ArgSpec* value_of = nullptr;     // the previous word wants this arg's value
  std::string_view value_name = {};      // …and names it so (local flags)
  const CLI::Option* global_value_of = nullptr;
};

void TakeBareWord(const CommandTree& tree, const std::string& word, Position* at) {
  if (!at->has_group) {
    at->group = word;
    at->has_group = true;
    if (tree.Verbs(word).empty()) {
      at->entry = tree.FindEntry(word, "");
      at->lost = at->entry == nullptr;
    }
  } else if (at->entry == nullptr) {
    at->entry = tree.FindEntry(at->group, word);
    at->lost = at->entry == nullptr;
  } else {
    ++at->positionals;
  }
}

void TakeFlagWord(const CommandTree& tree, const std::string& word, Position* at) {
  if (word.find('=') != std::string::npos) return;  // --flag=value: complete already
  if (const CLI::Option* global = GlobalOption(tree, word)) {
    if (global->get_type_size() != 0) at->global_value_of = global;
    return;
  }
  if (at->entry == nullptr) return;
  for (const Flag& flag : CommandFlags(*at->entry)) {
    if (flag.name == word && flag.takes_value) {
      at->value_of = flag.arg;
      at->value_name = flag.value_name;
    }
  }
}

Position Walk(const CommandTree& tree, const std::vector<std::string>& words) {
  Position at;
  for (size_t i = 0; i + 1 < words.size() && !at.lost; ++i) {
    const std::string& word = words[i];
    if (at.value_of != nullptr || at.global_value_of != nullptr) {
      at.value_of = nullptr;
      at.global_value_of = nullptr;
    } else if (IsFlagWord(word)) {
      TakeFlagWord(tree, word, &at);
    } else {
      TakeBareWord(tree, word, &at);
    }
  }
  return at;
}

std::vector<Candidate> ArgValues(const CommandEntry& entry, const ArgSpec& arg,
                                 const IdLookup& ids, std::string_view value_name = {}) {
  std::vector<Candidate> values;
  if (arg.type == ArgType::kEnum) {
    for (std::string_view choice : arg.choices) values.push_back({std::string(choice), ""});
    return values;
  }
  const CommandSpec* list = IdListFor(entry, arg);
  if (list == nullptr) list = IdListForValueName(value_name);
  if (list != nullptr && ids) return ids(*list);
  return values;
}

std::vector<Candidate> FlagNames(const CommandTree& tree, const CommandEntry* entry) {
  std::vector<Candidate> names;
  if (entry != nullptr) {
    for (const Flag& flag : CommandFlags(*entry)) {
      names.push_back({flag.name, std::string(flag.arg->help)});
    }
  }
  for (const CLI::Option* option : tree.root().get_options()) {
    for (const std::string& name : option->get_lnames()) {
      names.push_back({"--" + name, option->get_description()});
    }
  }
  return names;
}

std::vector<Candidate> CommandWords(const CommandTree& tree, const Position& at) {
  std::vector<Candidate> words;
  if (!at.has_group) {
    for (const std::string& group : tree.Groups()) {
      const CLI::App* app = tree.FindApp(group, "");
      words.push_back({group, app != nullptr ? app->get_description() : ""});
    }
    return words;
  }
  for (const std::string& verb : tree.Verbs(at.group)) {
    const CommandEntry* entry = tree.FindEntry(at.group, verb);
    words.push_back({verb, entry != nullptr ? std::string(entry->summary) : ""});
  }
  return words;
}

std::vector<Candidate> Options(const CommandTree& tree, const Position& at,
                               const std::string& current, const IdLookup& ids,
                               const ProfileLookup& profiles) {
  if (at.global_value_of != nullptr) {
    if (at.global_value_of->get_name() == "--profile") {
      return profiles != nullptr ? profiles() : std::vector<Candidate>{};
    }
    std::vector<Candidate> values;
    for (const std::string& choice : GlobalChoices(*at.global_value_of)) {
      values.push_back({choice, ""});
    }
    return values;
  }
  if (at.value_of != nullptr) return ArgValues(*at.entry, *at.value_of, ids, at.value_name);
  if (IsFlagWord(current) || current == "-") return FlagNames(tree, at.entry);
  if (at.entry == nullptr) return CommandWords(tree, at);
  std::vector<const ArgSpec*> positionals = Positionals(*at.entry);
  if (at.positionals < positionals.size()) {
    return ArgValues(*at.entry, *positionals[at.positionals], ids);
  }
  // `notification mark-read 2 3 <TAB>`: the id takes more values.
  if (at.entry->several_ids && !positionals.empty()) {
    return ArgValues(*at.entry, *positionals.back(), ids);
  }
  return {};
}

}  // namespace

const CommandSpec* IdListFor(const CommandEntry& entry, const ArgSpec& arg) {
  const std::string name(arg.name);
  std::string group;
  if (name == "id") {
    group = entry.group;
  } else if (name.size() > 3 && name.compare(name.size() - 3, 3, "_id") == 0) {
    group = name.substr(0, name.size() - 3);
  } else {
    // An arg named as a list's id field names what that list lists
    // (worker pause WORKER, dlq list --worker: worker.list's names).
    const CommandSpec* list = ListOfGroup(name);
    return list != nullptr && list->id_field == name ? list : nullptr;
  }
  return ListOfGroup(group);
}

std::vector<Candidate> Complete(const CommandTree& tree, const std::vector<std::string>& words,
                                const IdLookup& ids, const ProfileLookup& profiles) {
  const std::vector<std::string> all = words.empty() ? std::vector<std::string>{""} : words;
  const std::string& current = all.back();
  Position at = Walk(tree, all);
  if (at.lost) return {};
  std::vector<Candidate> offered = Options(tree, at, current, ids, profiles);
  std::vector<Candidate> matching;
  for (Candidate& candidate : offered) {
    if (StartsWith(candidate.word, current)) matching.push_back(std::move(candidate));
  }
  return matching;
}

}  // namespace mart::cli
