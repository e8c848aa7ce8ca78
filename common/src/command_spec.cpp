#include "mart/commands/spec.h"

#include <algorithm>
#include <cctype>

#include "commands/domains.h"
#include "mart/domain/money.h"
#include "mart/text.h"

namespace mart {
namespace {

std::vector<CommandSpec> BuildAll() {
  std::vector<CommandSpec> all;
  for (auto* domain : {&DaemonCommands, &AuthCommands, &AccountCommands, &AdminUserCommands,
                       &ProductCommands, &InventoryCommands, &OrderCommands, &PaymentCommands,
                       &NotificationCommands, &QueueCommands, &AdminCommands}) {
    std::vector<CommandSpec> specs = domain();
    all.insert(all.end(), std::make_move_iterator(specs.begin()),
               std::make_move_iterator(specs.end()));
  }
  return all;
}

Status CheckValue(const ArgSpec& arg, const nlohmann::json& value) {
  const std::string name(arg.name);
  auto wrong_type = [&](std::string_view want) {
    return InvalidArgument(name + " must be " + std::string(want), {{"field", name}});
  };
  switch (arg.type) {
    case ArgType::kString:
    case ArgType::kSecret:
    case ArgType::kEnum: {
      if (!value.is_string()) return wrong_type("a string");
      const auto& text = value.get_ref<const std::string&>();
      if (!IsValidUtf8(text)) return InvalidArgument(name + " is not valid UTF-8", {{"field", name}});
      if (text.size() > arg.max_length) {
        return InvalidArgument(name + " is longer than " + std::to_string(arg.max_length) + " bytes",
                               {{"field", name}, {"max_length", arg.max_length}});
      }
      if (arg.type == ArgType::kEnum &&
          std::find(arg.choices.begin(), arg.choices.end(), text) == arg.choices.end()) {
        std::string list;
        for (auto choice : arg.choices) list += (list.empty() ? "" : ", ") + std::string(choice);
        return InvalidArgument(name + " must be one of " + list + ", not '" + text + "'",
                               {{"field", name}});
      }
      return Status::Ok();
    }
    case ArgType::kInt: {
      if (!value.is_number_integer()) return wrong_type("an integer");
      // Unsigned values above INT64_MAX cannot be compared as int64.
      if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX)) {
        return InvalidArgument(name + " is out of range", {{"field", name}});
      }
      int64_t number = value.get<int64_t>();
      if (number < arg.min || number > arg.max) {
        return InvalidArgument(name + " must be between " + std::to_string(arg.min) + " and " +
                                   std::to_string(arg.max) + ", not " + std::to_string(number),
                               {{"field", name}});
      }
      return Status::Ok();
    }
    case ArgType::kBool:
      return value.is_boolean() ? Status::Ok() : wrong_type("true or false");
    case ArgType::kObjects: {
      if (!value.is_array()) return wrong_type("an array of objects");
      if (static_cast<int64_t>(value.size()) > arg.max ||
          static_cast<int64_t>(value.size()) < arg.min) {
        return InvalidArgument(name + " must have " + std::to_string(arg.min) + " to " +
                                   std::to_string(arg.max) + " items, not " +
                                   std::to_string(value.size()),
                               {{"field", name}});
      }
      for (const auto& item : value) {
        if (!item.is_object()) return wrong_type("an array of objects");
      }
      return Status::Ok();
    }
    case ArgType::kObject: {
      if (!value.is_object()) return wrong_type("a JSON object");
      if (value.dump().size() > arg.max_length) {
        return InvalidArgument(name + " is longer than " + std::to_string(arg.max_length) +
                                   " bytes as JSON",
                               {{"field", name}, {"max_length", arg.max_length}});
      }
      return Status::Ok();
    }
    case ArgType::kMoney: {
      MART_ASSIGN_OR_RETURN(int64_t cents, ParseMoney(value, name));
      if (cents < arg.min || cents > arg.max) {
        return InvalidArgument(name + " must be between " + FormatMoney(arg.min) + " and " +
                                   FormatMoney(arg.max) + ", not " + FormatMoney(cents),
                               {{"field", name}});
      }
      return Status::Ok();
    }
  }
  return Internal("unhandled argument type");
}

}  // namespace

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec> kAll = BuildAll();
  return kAll;
}

const CommandSpec* FindCommand(std::string_view method) {
  for (const CommandSpec& spec : AllCommands()) {
    if (spec.method == method) return &spec;
  }
  return nullptr;
}

std::string SuggestCommand(std::string_view method) {
  std::vector<std::string> methods;
  for (const CommandSpec& spec : AllCommands()) methods.emplace_back(spec.method);
  return ClosestMatch(method, methods, 3);  // suggest only close matches
}

namespace {

bool NamesAnId(std::string_view name) {
  return name == "id" || name == "cursor" ||
         (name.size() > 3 && name.substr(name.size() - 3) == "_id");
}

void LowerIfHexId(nlohmann::json* value) {
  if (!value->is_string() || value->get_ref<const std::string&>().size() != 24) return;
  std::string text = value->get<std::string>();
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (IsObjectId(text)) *value = std::move(text);
}

}  // namespace

void NormalizeObjectIds(const CommandSpec& spec, nlohmann::json* params) {
  if (!params->is_object()) return;
  for (const ArgSpec& arg : spec.args) {
    auto it = params->find(std::string(arg.name));
    if (it == params->end()) continue;
    if (NamesAnId(arg.name)) LowerIfHexId(&*it);
    if (arg.type != ArgType::kObjects || !it->is_array()) continue;
    for (nlohmann::json& element : *it) {
      if (!element.is_object()) continue;
      for (auto& [key, value] : element.items()) {
        if (NamesAnId(key)) LowerIfHexId(&value);
      }
    }
  }
}

bool IsPaged(const CommandSpec& spec) {
  return std::any_of(spec.args.begin(), spec.args.end(),
                     [](const ArgSpec& arg) { return arg.name == "cursor"; });
}

std::string CliGroup(const CommandSpec& spec) {
  return std::string(spec.method.substr(0, spec.method.find('.')));
}

std::string CliVerb(const CommandSpec& spec) {
  return CliFlag(spec.method.substr(spec.method.find('.') + 1));
}

std::string CliFlag(std::string_view arg_name) {
  std::string flag(arg_name);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kAnyone: return "anyone";
    case Access::kUser: return "user";
    case Access::kAdmin: return "admin";
  }
  return "?";
}

std::string_view ArgTypeName(ArgType type) {
  switch (type) {
    case ArgType::kString: return "string";
    case ArgType::kInt: return "integer";
    case ArgType::kBool: return "boolean";
    case ArgType::kEnum: return "enum";
    case ArgType::kSecret: return "secret";
    case ArgType::kMoney: return "amount";
    case ArgType::kObjects: return "objects";
    case ArgType::kObject: return "object";
  }
  return "?";
}

Status ValidateParams(const CommandSpec& spec, const nlohmann::json& params) {
  if (params.is_null()) return ValidateParams(spec, nlohmann::json::object());
  if (!params.is_object()) return InvalidArgument("params must be a JSON object");
  // Named variables, not a structured binding: clang 14 cannot capture a
  // binding in a lambda (C++20 allows it; clang 16 implements it).
  for (const auto& item : params.items()) {
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    auto it = std::find_if(spec.args.begin(), spec.args.end(),
                           [&](const ArgSpec& arg) { return arg.name == key; });
    if (it == spec.args.end()) {
      return InvalidArgument("unknown parameter '" + key + "' for " + std::string(spec.method),
                             {{"field", key}});
    }
    // An explicit null means "not given" for optional parameters.
    if (value.is_null() && !it->required) continue;
    MART_RETURN_IF_ERROR(CheckValue(*it, value));
  }
  for (const ArgSpec& arg : spec.args) {
    if (arg.required && (!params.contains(arg.name) || params[std::string(arg.name)].is_null())) {
      return InvalidArgument(std::string(arg.name) + " is required", {{"field", arg.name}});
    }
  }
  return Status::Ok();
}

}  // namespace mart
