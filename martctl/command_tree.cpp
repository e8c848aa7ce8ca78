#include "martctl/command_tree.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <CLI/CLI.hpp>

#include "martctl/local/completion.h"
#include "martctl/local/config_show.h"
#include "martctl/local/doctor.h"
#include "martctl/local/events_tail.h"
#include "martctl/local/local_commands.h"
#include "martctl/local/order_wait.h"
#include "martctl/local/profiles.h"
#include "martctl/local/product_transfer.h"
#include "martctl/method_behaviour.h"
#include "martctl/remote_command.h"
#include "martctl/repl/shell.h"
#include "martctl/usage.h"

namespace mart::cli {
namespace {

constexpr char kRootDescription[] =
    "martctl: the command line of mart. Global flags go before or after the command words.";
constexpr char kRootFooter[] =
    "Exit codes: 'martctl help exit-codes'. Help on one command: 'martctl help <group> "
    "<command>' (or 'martctl <group> <command> --help').\n";

std::string Footer(const CommandEntry& entry) {
  std::string footer;
  if (!entry.example.empty()) footer += "Example:\n  " + std::string(entry.example) + "\n\n";
  if (entry.spec != nullptr && !entry.spec->columns.empty()) {
    std::string columns;
    for (std::string_view column : entry.spec->columns) {
      columns += (columns.empty() ? "" : ", ") + std::string(column);
    }
    footer += "Table columns: " + columns + " (-o json for every field).\n";
  }
  if (entry.spec != nullptr && IsPaged(*entry.spec)) {
    footer += "Prints one page; when more rows exist, stderr says so with the --cursor of the "
              "next page, and --all prints every page.\n";
  }
  if (entry.spec != nullptr) {
    footer += "Calls " + std::string(entry.spec->method) +
              " (access: " + std::string(AccessName(entry.spec->access)) + ").\n";
  }
  return footer + "Global flags (-o json, -q, --token, --profile, ...): 'martctl --help'.\n";
}

// The root help lists each group under the task it serves, in this order.
using TaskTable = std::vector<std::pair<std::string_view, std::vector<std::string_view>>>;
const TaskTable& Tasks() {
  static const TaskTable kTasks = {
      {"Accounts", {"auth", "profile", "address", "user"}},
      {"Catalog and stock", {"product", "inventory"}},
      {"Orders, payments and notifications", {"order", "payment", "notification"}},
      {"Running mart", {"daemon", "queue", "worker", "dlq", "events", "admin", "config", "doctor"}},
  };
  return kTasks;
}

std::string TaskOf(const std::string& group) {
  for (const auto& [task, groups] : Tasks()) {
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) return std::string(task);
  }
  return "Other commands";
}

std::string OptionName(const ArgSpec& arg) {
  return arg.positional && arg.type != ArgType::kBool ? CliFlag(arg.name)
                                                      : "--" + CliFlag(arg.name);
}

}  // namespace

struct CommandTree::Binding {
  const ArgSpec* arg = nullptr;
  const LocalFlag* local = nullptr;  // set for a local flag
  CLI::Option* option = nullptr;
  std::string text;
  std::vector<std::string> texts;  // the values of a repeated flag or of several ids
  bool several = false;            // the positional id of a CommandEntry::several_ids
  int64_t number = 0;
  bool flag = false;

  nlohmann::json Value() const {
    if (several) {
      // Each value passed the option's check (IntegerIn for integers).
      nlohmann::json values = nlohmann::json::array();
      for (const std::string& each : texts) {
        if (arg->type == ArgType::kInt) {
          values.push_back(std::stoll(each));
        } else {
          values.push_back(TextValue(each));
        }
      }
      return values;
    }
    if (local != nullptr && local->repeated) {
      nlohmann::json values = nlohmann::json::array();
      for (const std::string& each : texts) values.push_back(TextValue(each));
      return values;
    }
    switch (arg->type) {
      case ArgType::kInt:
        return number;
      case ArgType::kBool:
        return flag;
      default:
        return TextValue(text);
    }
  }

  nlohmann::json TextValue(const std::string& value) const {
    if (local != nullptr && local->parse != nullptr) {
      // The option's check already refused what does not parse.
      Result<nlohmann::json> parsed = local->parse(value);
      return parsed.ok() ? std::move(parsed).value() : nlohmann::json(value);
    }
    if (arg->type == ArgType::kObject) {
      // Not JSON stays text: the params check then names the flag.
      nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
      return parsed.is_discarded() ? nlohmann::json(value) : parsed;
    }
    return value;
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

// A local flag's own parser, as a CLI11 check: its error is the usage message.
CLI::Validator ParsedBy(Result<nlohmann::json> (*parse)(std::string_view)) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        Result<nlohmann::json> parsed = parse(text);
        return parsed.ok() ? "" : parsed.status().message();
      },
      "");
}

std::string OptionNames(const ArgSpec& arg, const LocalFlag* local) {
  std::string name = OptionName(arg);
  if (local == nullptr || local->short_name == 0) return name;
  return "-" + std::string(1, local->short_name) + "," + name;
}

// Secrets never become options: they would show in `ps` and shell history.
CLI::Option* AddArg(CLI::App* app, const std::string& name, const ArgSpec& arg, int64_t* number,
                    bool* flag, std::string* text) {
  const std::string help(arg.help);
  switch (arg.type) {
    case ArgType::kSecret:
    case ArgType::kObjects:  // filled by local commands and behaviours (import, --item)
      return nullptr;
    case ArgType::kBool:
      return app->add_flag(name, *flag, help);
    case ArgType::kInt:
      return app->add_option(name, *number, help)->check(IntegerIn(arg.min, arg.max));
    case ArgType::kEnum:
      return app->add_option(name, *text, help)
          ->check(CLI::IsMember(std::vector<std::string>(arg.choices.begin(), arg.choices.end())));
    case ArgType::kString:
    case ArgType::kObject:  // JSON text, parsed when the params are built
    case ArgType::kMoney:   // sent as the decimal text given; the daemon parses it exactly
      return app->add_option(name, *text, help);
  }
  return nullptr;
}

// Local commands' args and local flags have no daemon to check them: their
// bounds (lengths, ranges) are checked here, so a bad value is a usage error.
// A repeated flag's values were each checked by its parser.
Status CheckLocalValues(const Invocation& invocation) {
  const CommandEntry& entry = *invocation.entry;
  CommandSpec flags_spec;
  nlohmann::json flags = invocation.flags;
  for (const LocalFlag& local : entry.local_flags) {
    const std::string name(local.arg.name);
    if (local.repeated && local.arg.required && !flags.contains(name)) {
      return InvalidArgument("at least one --" + CliFlag(name) + " " +
                             std::string(local.value_name) + " is required");
    }
    if (local.repeated) {
      flags.erase(name);
    } else {
      flags_spec.args.push_back(local.arg);
    }
  }
  MART_RETURN_IF_ERROR(ValidateParams(flags_spec, flags));
  if (entry.run == nullptr) return Status::Ok();  // a method's args: CallMethod checks them
  CommandSpec args_spec;
  args_spec.args = entry.args;
  return ValidateParams(args_spec, invocation.params);
}

}  // namespace

CLI::Option* CommandTree::AddOption(CLI::App* app, Binding& binding) {
  const ArgSpec& arg = *binding.arg;
  const LocalFlag* local = binding.local;
  const std::string name = OptionNames(arg, local);
  CLI::Option* option = nullptr;
  if (binding.several) {
    option = app->add_option(name, binding.texts, std::string(arg.help) + " (one or more)");
    if (arg.type == ArgType::kInt) option->check(IntegerIn(arg.min, arg.max));
  } else if (local != nullptr && local->repeated) {
    option = app->add_option(name, binding.texts, std::string(arg.help))->allow_extra_args(false);
  } else {
    option = AddArg(app, name, arg, &binding.number, &binding.flag, &binding.text);
  }
  if (option == nullptr) return nullptr;
  if (local != nullptr && local->parse != nullptr) option->check(ParsedBy(local->parse));
  if (local != nullptr && !local->value_name.empty()) {
    option->type_name(std::string(local->value_name));
  }
  // "at least one" of a repeated flag is checked with the values (CheckLocalValues).
  if (arg.required && (local == nullptr || !local->repeated)) option->required();
  return option;
}

CommandTree::CommandTree()
    : root_(std::make_unique<CLI::App>(kRootDescription, "martctl")), entries_(AllEntries()) {
  root_->fallthrough();
  root_->require_subcommand(1);
  root_->footer(kRootFooter);
  root_->set_version_flag("-V,--version", std::string("martctl ") + MART_VERSION,
                          "print martctl's version and exit (martctl version asks martd too)");
  AddGlobalFlags(root_.get(), &flags_);
  for (const auto& [task, groups] : Tasks()) {
    for (std::string_view group : groups) {
      auto has = [&](const CommandEntry& entry) { return entry.group == group; };
      if (std::any_of(entries_.begin(), entries_.end(), has)) AddGroup(std::string(group));
    }
  }
  for (const CommandEntry& entry : entries_) AddLeaf(entry);
}

CommandTree::~CommandTree() = default;

CLI::App* CommandTree::AddGroup(const std::string& group) {
  for (const auto& [name, app] : groups_) {
    if (name == group) return app;
  }
  CLI::App* app = root_->add_subcommand(group, "");
  app->group(TaskOf(group));
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
  auto bind = [&](const ArgSpec& arg, const LocalFlag* local) {
    Binding& binding = bindings_.emplace_back();
    binding.arg = &arg;
    binding.local = local;
    binding.several = entry.several_ids && local == nullptr && arg.positional && arg.name == "id";
    binding.option = AddOption(app, binding);
    if (binding.option != nullptr) leaf.bindings.push_back(&binding);
  };
  for (const ArgSpec& arg : entry.args) bind(arg, nullptr);
  for (const LocalFlag& local : entry.local_flags) bind(local.arg, &local);
  leaves_.push_back(std::move(leaf));
}

Invocation CommandTree::Selected() const {
  for (const Leaf& leaf : leaves_) {
    if (!leaf.app->parsed()) continue;
    Invocation invocation;
    invocation.entry = leaf.entry;
    for (const Binding* binding : leaf.bindings) {
      if (binding->option->count() == 0) continue;
      nlohmann::json& target = binding->local != nullptr ? invocation.flags : invocation.params;
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
  } catch (const CLI::CallForVersion& version) {
    return {.kind = Kind::kHelp, .text = std::string(version.what()) + "\n"};
  } catch (const CLI::ParseError& error) {
    UsageError usage = DescribeUsageError(error.what(), args, *this);
    return {.kind = Kind::kUsageError, .text = usage.message, .command_path = usage.command_path};
  }
  ParseOutcome outcome{.kind = Kind::kCommand, .invocation = Selected()};
  const CommandEntry* entry = outcome.invocation.entry;
  if (entry == nullptr) return {.kind = Kind::kUsageError, .text = "a command is required"};
  if (Status valid = CheckLocalValues(outcome.invocation); !valid.ok()) {
    return {.kind = Kind::kUsageError,
            .text = valid.message(),
            .command_path = entry->verb.empty() ? entry->group : entry->group + " " + entry->verb};
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
    const MethodBehaviour& behaviour = BehaviourFor(spec.method);
    std::vector<LocalFlag> local_flags = behaviour.local_flags;
    std::vector<ArgSpec> args = spec.args;
    if (IsPaged(spec)) local_flags.push_back(AllPagesFlag());
    if (!behaviour.all_method.empty()) {
      // `--all` stands for the ids: either may be given (RunRemoteCommand checks one is).
      local_flags.push_back(AllIdsFlag(*FindCommand(behaviour.all_method)));
      for (ArgSpec& arg : args) {
        if (arg.name == "id") arg.required = false;
      }
    }
    entries.push_back({.group = CliGroup(spec),
                       .verb = CliVerb(spec),
                       .summary = spec.summary,
                       .example = spec.example,
                       .args = std::move(args),
                       .local_flags = std::move(local_flags),
                       .spec = &spec,
                       .several_ids = behaviour.several_ids});
  }
  for (CommandEntry& entry : LocalCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : ProductTransferCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : OrderWaitCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : EventTailCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : CompletionCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : ConfigCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : ProfileCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : DoctorCommands()) entries.push_back(std::move(entry));
  for (CommandEntry& entry : ShellCommands()) entries.push_back(std::move(entry));
  return entries;
}

}  // namespace mart::cli
