#include "martctl/local/interrupt.h"

namespace mart::cli {
namespace {

volatile std::sig_atomic_t caught_signal = 0;

extern "C" void RecordSignal(int signal_number) { caught_signal = signal_number; }

}  // namespace

InterruptGuard::InterruptGuard() {
  caught_signal = 0;
  struct sigaction action {};
  action.sa_handler = RecordSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR at once
  ::sigaction(SIGINT, &action, &old_int_);
  ::sigaction(SIGTERM, &action, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
}

int InterruptGuard::caught() const { return caught_signal; }

}  // namespace mart::cli
