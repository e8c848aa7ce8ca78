#include "martctl/local/secrets.h"

#include <algorithm>
#include <istream>

#include "mart/text.h"

namespace mart::cli {
namespace {

Result<std::string> ReadStdinLine(Io& io, std::string_view name) {
  std::string line;
  if (!std::getline(io.in, line)) {
    return InvalidArgument(
        "expected " + std::string(name) + " on a line of stdin (--password-stdin)",
        {{"field", name}});
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> Prompt(Io& io, std::string_view name, bool confirm) {
  if (!io.stdin_tty || !io.read_secret) {
    return InvalidArgument(
        std::string(name) + " is required: type it at a terminal or pipe it with --password-stdin",
        {{"field", name}});
  }
  MART_ASSIGN_OR_RETURN(std::string first, io.read_secret(PromptFor(name)));
  if (!confirm) return first;
  MART_ASSIGN_OR_RETURN(std::string second,
                        io.read_secret("Repeat " + ToLowerAscii(PromptFor(name))));
  if (first != second) return InvalidArgument("the passwords do not match", {{"field", name}});
  return first;
}

}  // namespace

std::string PromptFor(std::string_view arg_name) {
  std::string text(arg_name);
  std::replace(text.begin(), text.end(), '_', ' ');
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text + ": ";
}

Status ReadSecrets(const CommandSpec& spec, const std::vector<std::string_view>& confirm,
                   bool password_stdin, Io& io, nlohmann::json* params) {
  for (const ArgSpec& arg : spec.args) {
    const std::string name(arg.name);
    if (arg.type != ArgType::kSecret || params->contains(name)) continue;
    bool twice = std::find(confirm.begin(), confirm.end(), arg.name) != confirm.end();
    Result<std::string> value =
        password_stdin ? ReadStdinLine(io, arg.name) : Prompt(io, arg.name, twice);
    if (!value.ok()) return value.status();
    (*params)[name] = std::move(value).value();
  }
  return Status::Ok();
}

}  // namespace mart::cli
