#include "martctl/repl/line_editor.h"

#include <editline/readline.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

#include "martctl/local/credentials.h"
#include "martctl/local/interrupt.h"
#include "martctl/repl/history_filter.h"
#include "martctl/repl/shell.h"
#include "martctl/repl/words.h"

namespace mart::cli {
namespace {

// libedit's completion callbacks take no context: the one running editor.
Shell* g_shell = nullptr;
std::vector<std::string> g_matches;

char* NextMatch(const char*, int state) {
  static size_t next = 0;
  if (state == 0) next = 0;
  if (next >= g_matches.size()) return nullptr;
  return strdup(g_matches[next++].c_str());
}

// The words before the cursor's word, then the word being completed.
char** CompleteAtCursor(const char* text, int start, int) {
  rl_attempted_completion_over = 1;
  g_matches.clear();
  Result<std::vector<std::string>> words =
      SplitWords(std::string_view(rl_line_buffer, static_cast<size_t>(start)));
  if (!words.ok() || g_shell == nullptr) return nullptr;
  // A complete command and a blank after it: show what it takes.
  std::string hint = text[0] == '\0' ? g_shell->Hint(*words) : "";
  if (!hint.empty()) {
    fprintf(rl_outstream, "\n%s\n", hint.c_str());
    rl_forced_update_display();
  }
  words->push_back(text);
  for (const Candidate& candidate : g_shell->CompleteWords(*words)) {
    g_matches.push_back(candidate.word);
  }
  if (g_matches.empty()) return nullptr;
  return rl_completion_matches(text, NextMatch);
}

// Makes the file private before libedit writes it (libedit uses 0666 & umask).
void WriteHistory(const std::string& path) {
  if (path.empty()) return;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  ::fchmod(fd, 0600);
  ::close(fd);
  write_history(path.c_str());
}

std::string PrepareHistory(Io& io) {
  std::string path = HistoryPath(io);
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!dir.empty() && !MakePrivateDirectories(dir).ok()) {
    io.err << "martctl: history not kept: cannot create " << dir << "\n";
    return "";
  }
  read_history(path.c_str());
  return path;
}

struct Typed {
  std::optional<std::string> line;  // nullopt: Ctrl-D, or SIGTERM
  int exit_code = 0;                // 143 after SIGTERM
};

// One prompt. Ctrl-C gives an empty line; SIGTERM ends the session.
Typed ReadLine(const std::string& prompt) {
  InterruptGuard guard;
  char* raw = readline(prompt.c_str());
  std::optional<std::string> line;
  if (raw != nullptr) line = std::string(raw);
  std::free(raw);
  if (guard.caught() == SIGTERM) return {.line = std::nullopt, .exit_code = guard.exit_code()};
  if (guard.interrupted()) {
    fputc('\n', stdout);
    return {.line = std::string(), .exit_code = 0};
  }
  return {.line = std::move(line), .exit_code = 0};
}

}  // namespace

std::string HistoryPath(const Io& io) {
  for (const char* name : {"MART_HISTFILE", "MARTCTL_HISTFILE"}) {
    std::string path = io.getenv(name);
    if (!path.empty()) return path;
  }
  std::string state = io.getenv("XDG_STATE_HOME");
  if (state.empty()) state = io.getenv("HOME") + "/.local/state";
  return state + "/mart/history";
}

int RunLineEditor(Shell& shell) {
  Io& io = shell.io();
  g_shell = &shell;
  rl_readline_name = "martctl";
  // libedit's own handlers re-send a signal to the whole process group (kill(0, …));
  // ours (InterruptGuard) only record it, and read() returns EINTR.
  rl_catch_signals = 0;
  rl_attempted_completion_function = CompleteAtCursor;
  static char kBreaks[] = " \t\n";
  rl_basic_word_break_characters = kBreaks;
  rl_completer_word_break_characters = kBreaks;
  std::string history = PrepareHistory(io);
  int exit_code = 0;
  ConnectionState state = shell.Probe();
  for (;;) {
    Typed typed = ReadLine(PromptText(state));
    const std::optional<std::string>& line = typed.line;
    if (!line) {
      if (typed.exit_code != 0) exit_code = typed.exit_code;
      break;
    }
    if (line->find_first_not_of(" \t") == std::string::npos) continue;
    if (!CarriesSecret(*line)) {
      add_history(line->c_str());
      WriteHistory(history);
    }
    Shell::Outcome outcome = shell.Execute(*line);
    if (outcome.quit) break;
    exit_code = outcome.exit_code;
    state = shell.Probe();
  }
  fputc('\n', stdout);
  g_shell = nullptr;
  return exit_code;
}

}  // namespace mart::cli
