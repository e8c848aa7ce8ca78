#pragma once
// Looking up a registry spec in a test: a missing method is a test bug, so it
// throws (GoogleTest reports the exception as a failure).

#include <stdexcept>
#include <string>
#include <string_view>

#include "mart/commands/spec.h"

namespace mart::test {

inline const CommandSpec& Spec(std::string_view method) {
  const CommandSpec* spec = FindCommand(method);
  if (spec == nullptr) throw std::runtime_error("no spec " + std::string(method));
  return *spec;
}

}  // namespace mart::test
