// mart-rest: the REST bridge. Everything lives in mart_rest_lib; see rest/server.cpp.
#include <iostream>

#include "rest/options.h"
#include "rest/server.h"

int main(int argc, char** argv) {
  std::string message;
  int exit_code = 0;
  auto options = mart::rest::ParseRestOptions(argc, argv, &message, &exit_code);
  if (!options) {
    (exit_code == 0 ? std::cout : std::cerr) << message << "\n";
    return exit_code;
  }
  return mart::rest::RunRestServer(*options);
}
