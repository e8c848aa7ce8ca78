#include "martctl/command_tree.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <CLI/CLI.hpp>

#include "martctl/local/local_commands.h"
#include "martctl/local/product_transfer.h"
#include "martctl/method_behaviour.h"
#include "martctl/usage.h"

namespace mart::cli {
namespace {

constexpr char kRootDescription[] =
    "martctl: the command line of mart. Global flags go before or after the command words.";
constexpr char kRootFooter[] =
    "Exit codes: 'martctl help exit-codes'. Help on one command: 'martctl <group> <command> "
    "--help'.\n";

std::string Footer(const CommandEntry& entry) {
  std::string footer;
  if (!entry.example.empty()) footer += "Example:\n  " + std::string(entry.example) + "\n\n";
  if (entry.spec != nullptr) {
    footer += "Calls " + std::string(entry.spec->method) +
              " (access: " + std::string(AccessName(entry.spec->access)) + ").\n";
  }
  return footer + "Global flags (-o json, -q, --token, --profile, ...): 'martctl --help'.\n";
}

std::string OptionName(const ArgSpec& arg) {
  return arg.positional && arg.type != ArgType::kBool ? CliFlag(arg.name)
                                                      : "--" + CliFlag(arg.name);
}

}  // namespace

struct CommandTree::Binding {
  const ArgSpec* arg = nullptr;
  bool local = false;
  CLI::Option* option = nullptr;
  std::string text;
  int64_t number = 0;
  bool flag = false;

  nlohmann::json Value() const {
    switch (arg->type) {
      case ArgType::kInt:
        return number;
      case ArgType::kBool:
        return flag;
      case ArgType::kObject: {
        // Not JSON stays text: the params check then names the flag.
        nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        return parsed.is_discarded() ? nlohmann::json(text) : parsed;
      }
      default:
        return text;
    }
  }
};

namespace {

std::string RangeText(int64_t min, int64_t max) {
  const bool has_min = min != std::numeric_limits<int64_t>::min();
  const bool has_max = max != std::numeric_limits<int64_t>::max();
  if (has_min && has_max) return std::to_string(min) + " to " + std::to_string(max);
  if (has_min) return std::to_string(min) + " or more";
  if (has_max) return "at most " + std::to_string(max);
  return "";
}

// CLI11's own messages for a bad integer ("Could not convert", or a range
// message for a word) do not say what was expected; this one does.
CLI::Validator IntegerIn(int64_t min, int64_t max) {
  const std::string range = RangeText(min, max);
  auto check = [min, max, range](std::string& text) -> std::string {
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size() && value >= min && value <= max) {
      return "";
    }
    return "must be an integer" + (range.empty() ? "" : " (" + range + ")") + ", not '" + text +
           "'";
  };
  return CLI::Validator(check, range);
}

// Secrets never become options: they would show in `ps` and shell history.
CLI::Option* AddArg(CLI::App* app, const ArgSpec& arg, int64_t* number, bool* flag,
                    std::string* text) {
  const std::string name = OptionName(arg);
  const std::string help(arg.help);
  CLI::Option* option = nullptr;
  switch (arg.type) {
    case ArgType::kSecret:
    case ArgType::kObjects:  // only local commands (e.g. import) fill these
      return nullptr;
    case ArgType::kBool:
      option = app->add_flag(name, *flag, help);
      break;
    case ArgType::kInt:
      option = app->add_option(name, *number, help)->check(IntegerIn(arg.min, arg.max));
      break;
    case ArgType::kEnum:
      option = app->add_option(name, *text, help)
                   ->check(CLI::IsMember(
                       std::vector<std::string>(arg.choices.begin(), arg.choices.end())));
      break;
    case ArgType::kString:
    case ArgType::kObject:  // JSON text, parsed when the params are built
    case ArgType::kMoney:  // sent as the decimal text given; the daemon parses it exactly
      option = app->add_option(name, *text, help);
      break;
  }
  if (arg.required) option->required();
  return option;
}

}  // namespace

CommandTree::CommandTree()
    : root_(std::make_unique<CLI::App>(kRootDescription, "martctl")), entries_(AllEntries()) {
  root_->fallthrough();
  root_->require_subcommand(1);
  root_->footer(kRootFooter);
  AddGlobalFlags(root_.get(), &flags_);
  for (const CommandEntry& entry : entries_) AddLeaf(entry);
}

CommandTree::~CommandTree() = default;

CLI::App* CommandTree::AddGroup(const std::string& group) {
  for (const auto& [name, app] : groups_) {
    if (name == group) return app;
  }
  CLI::App* app = root_->add_subcommand(group, "");
  app->footer("");
  groups_.emplace_back(group, app);
  return app;
}

void CommandTree::AddLeaf(const CommandEntry& entry) {
  CLI::App* group = AddGroup(entry.group);
  CLI::App* app = group;
  if (entry.verb.empty()) {
    group->description(std::string(entry.summary));
  } else {
    app = group->add_subcommand(entry.verb, std::string(entry.summary));
    group->require_subcommand(1);
    std::vector<std::string> verbs = Verbs(entry.group);
    std::string list;
    for (const auto& verb : verbs) list += (list.empty() ? "" : ", ") + verb;
    group->description(entry.group + " commands: " + list);
  }
  app->footer(Footer(entry));
  Leaf leaf{app, &entry, {}};
  auto bind = [&](const ArgSpec& arg, bool local) {
    Binding& binding = bindings_.emplace_back();
    binding.arg = &arg;
    binding.local = local;
    binding.option = AddArg(app, arg, &binding.number, &binding.flag, &binding.text);
    if (binding.option != nullptr) leaf.bindings.push_back(&binding);
  };
  for (const ArgSpec& arg : entry.args) bind(arg, false);
  for (const ArgSpec& arg : entry.local_flags) bind(arg, true);
  leaves_.push_back(std::move(leaf));
}

Invocation CommandTree::Selected() const {
  for (const Leaf& leaf : leaves_) {
    if (!leaf.app->parsed()) continue;
    Invocation invocation;
    invocation.entry = leaf.entry;
    for (const Binding* binding : leaf.bindings) {
      if (binding->option->count() == 0) continue;
      nlohmann::json& target = binding->local ? invocation.flags : invocation.params;
      target[std::string(binding->arg->name)] = binding->Value();
    }
    return invocation;
  }
  return {};
}

ParseOutcome CommandTree::Parse(const std::vector<std::string>& args) {
  using Kind = ParseOutcome::Kind;
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
  try {
    root_->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return {.kind = Kind::kHelp, .text = root_->help()};
  } catch (const CLI::CallForAllHelp&) {
    return {.kind = Kind::kHelp, .text = root_->help("", CLI::AppFormatMode::All)};
  } catch (const CLI::ParseError& error) {
    UsageError usage = DescribeUsageError(error.what(), args, *this);
    return {.kind = Kind::kUsageError, .text = usage.message, .command_path = usage.command_path};
  }
  ParseOutcome outcome{.kind = Kind::kCommand, .invocation = Selected()};
  if (outcome.invocation.entry == nullptr) {
    return {.kind = Kind::kUsageError, .text = "a command is required"};
  }
  return outcome;
}

CLI::App* CommandTree::FindApp(const std::string& group, const std::string& verb) const {
  for (const auto& [name, app] : groups_) {
    if (name != group) continue;
    if (verb.empty()) return app;
    for (const Leaf& leaf : leaves_) {
      if (leaf.entry->group == group && leaf.entry->verb == verb) return leaf.app;
    }
  }
  return nullptr;
}

const CommandEntry* CommandTree::FindEntry(const std::string& group,
                                           const std::string& verb) const {
  for (const CommandEntry& entry : entries_) {
    if (entry.group == group && entry.verb == verb) return &entry;
  }
  return nullptr;
}

std::vector<std::string> CommandTree::Groups() const {
  std::vector<std::string> names;
  for (const auto& [name, app] : groups_) names.push_back(name);
  return names;
}

std::vector<std::string> CommandTree::Verbs(const std::string& group) const {
  std::vector<std::string> verbs;
  for (const CommandEntry& entry : entries_) {
    if (entry.group == group && !entry.verb.empty()) verbs.push_back(entry.verb);
  }
  return verbs;
}

std::vector<CommandEntry> AllEntries() {
  std::vector<CommandEntry> entries;
  for (const CommandSpec& spec : AllCommands()) {
    if (spec.cli_local) continue;  // a local command of the same name stands in
    entries.push_back({.group = CliGroup(spec),
                       .verb = CliVerb(spec),
                       .summary = spec.summary,
                       .example = spec.example,
                       .args = spec.args,
                       .local_flags = BehaviourFor(spec.method).local_flags,
                       .spec = &spec});
  }
  for (CommandEntry& entry : LocalCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : ProductTransferCommands()) entries.push_back(std::move(entry));
  return entries;
}

}  // namespace mart::cli
