#include "martctl/repl/history_filter.h"

#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace mart::cli {
namespace {

constexpr std::array<std::string_view, 4> kSecretFlags = {"--token", "--password", "--card-number",
                                                          "--cvc"};
// Shorter runs are ids, names and numbers; tokens and keys are longer.
constexpr size_t kLongRun = 32;
constexpr size_t kJwtPart = 8;

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '+' ||
         c == '/' || c == '=';
}

// A word of token characters and dots: three dotted parts of at least
// kJwtPart characters each (a JWT), or one long run.
bool LooksLikeToken(std::string_view word) {
  size_t parts = 1;
  size_t part = 0;
  size_t shortest = std::string_view::npos;
  for (char c : word) {
    if (c == '.') {
      shortest = std::min(shortest, part);
      part = 0;
      ++parts;
    } else if (IsTokenChar(c)) {
      ++part;
    } else {
      return false;
    }
  }
  shortest = std::min(shortest, part);
  if (parts == 1) return word.size() >= kLongRun && word.find('/') == std::string_view::npos;
  return parts == 3 && shortest >= kJwtPart;
}

// The line cut at blanks and quotes; a --flag=value word gives its value.
std::vector<std::string_view> RoughWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    size_t start = line.find_first_not_of(" \t\"'", i);
    if (start == std::string_view::npos) break;
    size_t end = line.find_first_of(" \t\"'", start);
    if (end == std::string_view::npos) end = line.size();
    words.push_back(line.substr(start, end - start));
    i = end;
  }
  return words;
}

bool IsSecretFlag(std::string_view word) {
  for (std::string_view flag : kSecretFlags) {
    if (word == flag || word.rfind(std::string(flag) + "=", 0) == 0) return true;
  }
  return false;
}

}  // namespace

bool CarriesSecret(std::string_view line) {
  std::vector<std::string_view> words = RoughWords(line);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    // A login never goes to history (DESIGN.md §5), even with the password prompted.
    if (word == "login" && i > 0 && words[i - 1] == "auth") return true;
    if (IsSecretFlag(word)) return true;
    size_t eq = word.find('=');
    if (word.rfind("--", 0) == 0 && eq != std::string_view::npos) word = word.substr(eq + 1);
    if (LooksLikeToken(word)) return true;
  }
  return false;
}

}  // namespace mart::cli
