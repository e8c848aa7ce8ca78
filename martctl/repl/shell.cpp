#include "martctl/repl/shell.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <iterator>
#include <ostream>
#include <sstream>
#include <utility>

#include "martctl/app.h"
#include "martctl/command_tree.h"
#include "martctl/local/auth.h"
#include "martctl/local/completion.h"
#include "martctl/local/credentials.h"
#include "martctl/repl/line_editor.h"
#include "martctl/repl/words.h"

namespace mart::cli {
namespace {

using nlohmann::json;

constexpr std::chrono::milliseconds kProbeTimeout{200};

struct FlagWords {
  std::string name;   // --output
  std::string alias;  // -o, or ""
  std::vector<std::string> words;
};

// The global flags given to the shell, as words, each with the names a line
// overrides it by.
std::vector<FlagWords> GivenFlags(const GlobalFlags& flags) {
  std::vector<FlagWords> given;
  auto add = [&](const char* name, const char* alias, const std::string& value) {
    if (!value.empty()) given.push_back({name, alias, {name, value}});
  };
  add("--endpoint", "", flags.endpoint);
  add("--endpoint-policy", "", flags.endpoint_policy);
  add("--server-key", "", flags.server_key);
  add("--data-dir", "", flags.data_dir);
  add("--token", "", flags.token);
  add("--profile", "", flags.profile);
  add("--timeout", "", flags.timeout);
  if (flags.output != "table") add("--output", "-o", flags.output);
  if (flags.color != "auto") add("--color", "", flags.color);
  if (flags.quiet) given.push_back({"--quiet", "-q", {"--quiet"}});
  if (flags.headers) given.push_back({"--headers", "", {"--headers"}});
  if (flags.no_headers) given.push_back({"--no-headers", "", {"--no-headers"}});
  return given;
}

bool Names(const std::vector<std::string>& words, const FlagWords& flag) {
  for (const std::string& word : words) {
    if (word == flag.name || word.rfind(flag.name + "=", 0) == 0) return true;
    if (!flag.alias.empty() && word.rfind(flag.alias, 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::string PromptText(const ConnectionState& state) {
  std::string text = "mart(" + state.profile;
  if (!state.user.empty()) text += ":" + state.user;
  if (!state.up) text += ", down";
  return text + ")> ";
}

Shell::Shell(GlobalFlags base, Io& io) : base_(std::move(base)), io_(io) {}

std::vector<std::string> Shell::LineArgs(const std::vector<std::string>& words) const {
  std::vector<std::string> args;
  for (const FlagWords& flag : GivenFlags(base_)) {
    if (!Names(words, flag)) args.insert(args.end(), flag.words.begin(), flag.words.end());
  }
  args.insert(args.end(), words.begin(), words.end());
  return args;
}

Shell::Outcome Shell::Execute(std::string_view line) { return Run(line, io_); }

Shell::Outcome Shell::Execute(std::string_view line, const std::string& where) {
  Io io = io_;
  io.where = where;
  return Run(line, io);
}

Shell::Outcome Shell::Run(std::string_view line, Io& io) {
  Result<std::vector<std::string>> words = SplitWords(line);
  if (!words.ok()) return {.exit_code = Fail(io, words.status())};
  if (words->empty()) return {};
  const std::string& first = words->front();
  if (first == "exit" || first == "quit") return {.quit = true};
  if (first == "shell") {
    return {.exit_code = Fail(io, InvalidArgument("already in the shell"))};
  }
  // `help …` runs as on the command line (RunCommandLine), without the
  // shell's global flags.
  std::vector<std::string> args = first == "help" ? *words : LineArgs(*words);
  int exit_code = RunCommandLine(args, io);
  io.out.flush();
  return {.exit_code = exit_code};
}

std::vector<Candidate> Shell::CompleteWords(const std::vector<std::string>& words) {
  return CompleteCommandLine(LineArgs(words), io_);
}

std::string Shell::Hint(const std::vector<std::string>& words) const {
  std::vector<std::string> command;
  for (const std::string& word : words) {
    if (word.rfind('-', 0) == 0) return "";  // flags already: no more hints
    command.push_back(word);
  }
  if (command.empty() || command.size() > 2) return "";
  CommandTree tree;
  const CommandEntry* entry =
      tree.FindEntry(command[0], command.size() == 2 ? command[1] : std::string());
  if (entry == nullptr) return "";
  std::string hint = entry->group + (entry->verb.empty() ? "" : " " + entry->verb);
  for (const ArgSpec& arg : entry->args) {
    if (!arg.positional) continue;
    std::string name(arg.name);
    for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::toupper(c));
    hint += " " + name;
  }
  return hint + " [OPTIONS]  (" + std::string(entry->summary) + ")";
}

ConnectionState Shell::Probe() {
  ConnectionState state;
  Result<Settings> settings = ResolveSettings(base_, io_);
  if (!settings.ok()) return state;
  state.profile = settings->profile;
  Result<Profile> saved = CredentialsFile(settings->credentials_path).Load(settings->profile);
  if (saved.ok() && saved->logged_in() && ProfileServes(*saved, settings->endpoints)) {
    state.user = saved->email;
  }
  Transport transport = Connect(
      io_, ClientOptionsOf(*settings, kProbeTimeout, 0));
  state.up = transport("daemon.status", json::object(), CallOptions{}).ok();
  return state;
}

namespace {

// The command of a script line: its words up to the first flag (so no flag's
// value, a --token's included, is ever repeated).
std::string CommandOf(std::string_view line) {
  Result<std::vector<std::string>> words = SplitWords(line);
  if (!words.ok()) {  // an unbalanced quote: the words as they are typed
    std::istringstream typed{std::string(line)};
    words = std::vector<std::string>(std::istream_iterator<std::string>(typed), {});
  }
  std::string command;
  for (const std::string& word : *words) {
    if (word.size() > 1 && word[0] == '-') break;
    command += (command.empty() ? "" : " ") + word;
  }
  return command;
}

// The path of the script on stdin when it is a file, else "stdin".
std::string StdinName() {
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode)) return "stdin";
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/fd/0", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<size_t>(n)) : "stdin";
}

}  // namespace

int RunScript(Shell& shell, std::istream& in, bool keep_going, const std::string& source) {
  int last_failure = 0;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    Shell::Outcome outcome =
        shell.Execute(line, source + ":" + std::to_string(number) + ": " + CommandOf(line));
    if (outcome.quit) break;
    if (outcome.exit_code == 0) continue;
    if (!keep_going) return outcome.exit_code;
    last_failure = outcome.exit_code;
  }
  return last_failure;
}

std::vector<CommandEntry> ShellCommands() {
  return {{.group = "shell",
           .summary = "an interactive shell (history, TAB completion); reads a script from "
                      "stdin when it is not a terminal",
           .example = "martctl shell --keep-going < setup.mart",
           .local_flags = {{.arg = {.name = "keep_going",
                                    .type = ArgType::kBool,
                                    .help = "script mode: run every line, exit with the code "
                                            "of the last failure"}}},
           .run = RunShell}};
}

int RunShell(const Invocation& invocation, const Settings& settings, Io& io) {
  Shell shell(settings.given, io);
  if (io.stdin_tty) return RunLineEditor(shell);
  return RunScript(shell, io.in, invocation.flags.value("keep_going", false), StdinName());
}

}  // namespace mart::cli
