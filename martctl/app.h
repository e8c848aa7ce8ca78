#pragma once
// martctl's entry points. One command line runs as: build the command tree,
// parse (usage error: exit 2 before any I/O; --help: exit 0), resolve the
// global settings, run the command, map its error to an exit code (see
// mart::Status::exit_code() and 'martctl help exit-codes').
//
// Data goes to io.out; messages and errors to io.err, errors exactly as
// "martctl: <message> [CODE]". RunCommandLine is the one path shared by
// one-shot commands and the REPL; it never throws.

#include <string>
#include <vector>

#include "martctl/io.h"

namespace mart::cli {

// `help [GROUP [COMMAND]] [FLAGS]` as the arguments that show that help, git
// style: `help` is `--help`, `help product place` is `product place --help`;
// `help exit-codes` and the other help topics are commands and stay as they
// are. RunCommandLine applies it when the first word is `help`.
std::vector<std::string> HelpCommandArgs(const std::vector<std::string>& args);

// `args` are the words after the program name. Returns the exit code.
int RunCommandLine(const std::vector<std::string>& args, Io& io);

// main(): RunCommandLine over argv with StandardIo().
int Run(int argc, char** argv);

}  // namespace mart::cli
