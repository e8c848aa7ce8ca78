#include "martctl/app.h"

#include <exception>
#include <ostream>

#include "martctl/command_tree.h"
#include "martctl/local/completion.h"
#include "martctl/local/profiles.h"
#include "martctl/remote_command.h"
#include "martctl/settings.h"

namespace mart::cli {
namespace {

constexpr int kUsageExitCode = 2;

int ReportUsageError(const ParseOutcome& outcome, Io& io) {
  io.err << ErrorLead(io) << outcome.text << "\n";
  std::string path = outcome.command_path.empty() ? "" : outcome.command_path + " ";
  io.err << "run 'martctl " << path << "--help'\n";
  return kUsageExitCode;
}

int RunParsed(CommandTree& tree, const std::vector<std::string>& args, Io& io) {
  ParseOutcome outcome = tree.Parse(args);
  switch (outcome.kind) {
    case ParseOutcome::Kind::kHelp:
      io.out << outcome.text;
      return 0;
    case ParseOutcome::Kind::kUsageError:
      return ReportUsageError(outcome, io);
    case ParseOutcome::Kind::kCommand:
      break;
  }
  Result<Settings> settings = ResolveSettings(tree.flags(), io);
  if (!settings.ok()) return Fail(io, settings.status());
  const Invocation& invocation = outcome.invocation;
  if (Status profile = CheckProfile(*settings, invocation, io); !profile.ok()) {
    return Fail(io, profile);
  }
  Runner run = invocation.entry->run != nullptr ? invocation.entry->run : RunRemoteCommand;
  return run(invocation, *settings, io);
}

}  // namespace

std::vector<std::string> HelpCommandArgs(const std::vector<std::string>& args) {
  if (args.size() == 1) return {"--help"};
  CommandTree tree;
  // A command of its own: help exit-codes, help environment, help formats.
  if (tree.FindEntry(args[0], args[1]) != nullptr) return args;
  std::vector<std::string> rest(args.begin() + 1, args.end());
  // CLI11 answers --help before it sees an unknown word: let it say "unknown command".
  if (tree.FindApp(args[1], "") != nullptr) rest.push_back("--help");
  return rest;
}

int RunCommandLine(const std::vector<std::string>& args, Io& io) {
  // The error boundary of martctl: whatever escapes a library is a bug, and
  // still ends as one well-formed message and exit code.
  try {
    // Not a command of the tree: its words are a partial command line.
    if (!args.empty() && args[0] == kCompleteCommand) {
      return RunComplete(std::vector<std::string>(args.begin() + 1, args.end()), io);
    }
    CommandTree tree;
    if (!args.empty() && args[0] == "help") return RunParsed(tree, HelpCommandArgs(args), io);
    return RunParsed(tree, args, io);
  } catch (const std::exception& e) {
    return Fail(io, Internal(std::string("unexpected error: ") + e.what()));
  }
}

int Run(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  Io io = StandardIo();
  // `martctl` alone at a terminal is the interactive shell.
  if (args.empty() && io.stdin_tty && io.stdout_tty) args.push_back("shell");
  int exit_code = RunCommandLine(args, io);
  io.out.flush();
  return exit_code;
}

}  // namespace mart::cli
