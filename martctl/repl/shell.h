#pragma once
// martctl's REPL, without the terminal: `martctl shell` (and `martctl` alone
// on a terminal) reads command lines, splits each into words (words.h) and
// runs it through RunCommandLine, the one path of one-shot commands. The
// global flags given to `martctl shell` apply to every line that does not give
// the same flag itself. Built-ins: `help` (the root help), `help GROUP [VERB]`
// (that command's --help page), `exit` and `quit`.
//
// Interactive editing lives in line_editor.h; this part is what tests drive
// with the fakes of tests/unit/martctl/test_io.h. Not thread safe.

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "martctl/command.h"
#include "martctl/complete.h"
#include "martctl/io.h"
#include "martctl/settings.h"

namespace mart::cli {

// What the prompt shows.
struct ConnectionState {
  std::string profile = "default";
  std::string user = {};  // the saved login's email; "" when none
  bool up = false;        // martd answered the last probe
};

// "mart(default:ann@example.com)> ", "mart(default)> ", and ", down" before
// the ')' when martd does not answer: "mart(default, down)> ".
std::string PromptText(const ConnectionState& state);

class Shell {
 public:
  struct Outcome {
    int exit_code = 0;
    bool quit = false;  // exit, quit
  };

  // `base`: the global flags given to `martctl shell`. `io` must outlive the shell.
  Shell(GlobalFlags base, Io& io);

  // Runs one line. A line that does not split (unbalanced quote) prints
  // "martctl: … [INVALID_ARGUMENT]" and gives exit code 2; a blank line 0.
  Outcome Execute(std::string_view line);
  // The same, its errors starting with `where` in place of "martctl"
  // (Io::where).
  Outcome Execute(std::string_view line, const std::string& where);

  // The words RunCommandLine gets for a line's words: the shell's global
  // flags the line does not override, then the line's words.
  std::vector<std::string> LineArgs(const std::vector<std::string>& words) const;

  // Candidates for the last of `words` (the line up to the cursor), as
  // `martctl __complete` gives them, ids included.
  std::vector<Candidate> CompleteWords(const std::vector<std::string>& words);

  // The argument hint for a line whose words (all complete) name a command:
  // "product get ID [OPTIONS]  (show one product)"; "" otherwise. Global
  // flags before the command words are skipped.
  std::string Hint(const std::vector<std::string>& words) const;

  // Asks martd for daemon.status (200 ms, no retry) and reads the profile's
  // saved login. Cheap enough to run before each prompt.
  ConnectionState Probe();

  Io& io() { return io_; }

 private:
  Outcome Run(std::string_view line, Io& io);

  GlobalFlags base_;
  Io& io_;
};

// Script mode: runs `in` line by line. Without keep_going it stops at the
// first failing line and returns its exit code; with it, runs every line and
// returns the exit code of the last failure; 0 when all succeed. `exit`
// stops reading. A failing line's error names where it was, as compilers
// do: "<source>:3: product get ID: product … not found [NOT_FOUND]".
int RunScript(Shell& shell, std::istream& in, bool keep_going, const std::string& source);

// `martctl shell [--keep-going]`.
std::vector<CommandEntry> ShellCommands();
int RunShell(const Invocation& invocation, const Settings& settings, Io& io);

}  // namespace mart::cli
