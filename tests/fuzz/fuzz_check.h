#pragma once
// FUZZ_CHECK(condition, what): a property a fuzz target asserts about the code
// under test. On failure it prints what broke and aborts, which libFuzzer
// reports as a crash (and saves the input) and a replay test as a failure.
// Unlike assert(), it is on in every build type.

#include <cstdio>
#include <cstdlib>
#include <string>

namespace mart::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              const std::string& what) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s: %s\n", file, line, condition, what.c_str());
  std::abort();
}

}  // namespace mart::fuzz

#define FUZZ_CHECK(condition, what) \
  ((condition) ? (void)0 : ::mart::fuzz::Fail(__FILE__, __LINE__, #condition, (what)))
