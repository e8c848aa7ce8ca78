#pragma once
// The interactive side of the REPL on a terminal, through libedit: line
// editing, history, TAB completion (Shell::CompleteWords on the words up to
// the cursor) and a prompt refreshed after every command (Shell::Probe).
//
// History: $MART_HISTFILE, else $MARTCTL_HISTFILE, else
// $XDG_STATE_HOME/mart/history (default ~/.local/state/mart/history); the
// directory is made 0700, the file 0600. Lines for which CarriesSecret()
// holds are neither kept in memory nor written.
//
// Ctrl-C drops the line being edited; Ctrl-D on an empty line, `exit` and
// `quit` end the session; SIGTERM at the prompt too (exit code 143). Returns
// the exit code of the last command. While a command runs, signals act as for
// a one-shot command (Ctrl-C ends martctl with 130).
// One editor per process (libedit's readline interface is global state).

#include <string>

#include "martctl/io.h"

namespace mart::cli {

class Shell;

// The history file for the environment of `io` (see above).
std::string HistoryPath(const Io& io);

int RunLineEditor(Shell& shell);

}  // namespace mart::cli
