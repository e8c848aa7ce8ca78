// martd: the mart daemon. Everything lives in martd_lib; see daemon/run.cpp.
#include <iostream>

#include "daemon/daemon.h"
#include "daemon/options.h"

int main(int argc, char** argv) {
  std::string message;
  int exit_code = 0;
  auto options = mart::daemon::ParseDaemonOptions(argc, argv, &message, &exit_code);
  if (!options) {
    (exit_code == 0 ? std::cout : std::cerr) << message << "\n";
    return exit_code;
  }
  return mart::daemon::RunDaemon(*options);
}
