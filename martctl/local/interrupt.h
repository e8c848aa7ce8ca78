#pragma once
// Lets a command that runs until interrupted (events tail --follow) stop
// between two events and exit cleanly: while an InterruptGuard lives, SIGINT
// and SIGTERM only record the signal (STYLE.md: signal handlers only set a
// flag), and blocking waits return early (the handlers do not restart system
// calls). Other commands keep the default handlers: killed at once, nothing
// half written matters to them.
//
// One guard at a time; not thread safe. The previous handlers come back when
// the guard is destroyed.

#include <signal.h>

#include <csignal>

namespace mart::cli {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // The signal caught since the guard was made (SIGINT or SIGTERM), or 0.
  int caught() const;
  bool interrupted() const { return caught() != 0; }
  // The exit code after a signal: 128 + its number (130 for SIGINT, DESIGN.md §5).
  int exit_code() const { return 128 + caught(); }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace mart::cli
