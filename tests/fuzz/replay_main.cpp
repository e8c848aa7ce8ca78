// The main of the <name>_replay tests: runs a fuzz target's
// LLVMFuzzerTestOneInput once on every regular file of the directories (or
// files) given, in name order, so that the seed corpus and every committed
// crash reproducer run in the normal build, with any compiler. A target
// signals a failure by aborting, exactly as under libFuzzer; a missing
// directory counts as empty (a target may have no regressions yet).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

std::vector<std::filesystem::path> InputsIn(const std::filesystem::path& where) {
  std::vector<std::filesystem::path> inputs;
  std::error_code error;
  if (std::filesystem::is_regular_file(where, error)) return {where};
  for (const auto& entry : std::filesystem::directory_iterator(where, error)) {
    if (entry.is_regular_file()) inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& path : InputsIn(argv[i])) {
      std::ifstream file(path, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      if (!file.good() && !file.eof()) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
        return 1;
      }
      // A fresh copy, so that a read past the end is caught by ASan as under libFuzzer.
      std::vector<uint8_t> data(bytes.begin(), bytes.end());
      std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), data.size());
      LLVMFuzzerTestOneInput(data.data(), data.size());
      ++count;
    }
  }
  std::fprintf(stderr, "replay: %zu inputs, no failure\n", count);
  return 0;
}
