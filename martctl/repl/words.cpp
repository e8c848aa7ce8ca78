#include "martctl/repl/words.h"

namespace mart::cli {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Reads a quoted part starting after its opening quote; returns the index
// after the closing quote, or npos when the quote is never closed.
size_t ReadQuoted(std::string_view line, size_t i, char quote, std::string& word) {
  while (i < line.size() && line[i] != quote) {
    bool escape = quote == '"' && line[i] == '\\' && i + 1 < line.size() &&
                  (line[i + 1] == '"' || line[i + 1] == '\\');
    if (escape) ++i;
    word += line[i++];
  }
  return i < line.size() ? i + 1 : std::string_view::npos;
}

}  // namespace

Result<std::vector<std::string>> SplitWords(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (IsBlank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
    } else if (c == '#' && !in_word) {
      break;
    } else if (c == '\'' || c == '"') {
      in_word = true;
      i = ReadQuoted(line, i + 1, c, word);
      if (i == std::string_view::npos) {
        return InvalidArgument(std::string("unbalanced ") + (c == '"' ? "double" : "single") +
                               " quote");
      }
    } else if (c == '\\') {
      if (i + 1 >= line.size()) return InvalidArgument("trailing backslash");
      in_word = true;
      word += line[i + 1];
      i += 2;
    } else {
      in_word = true;
      word += c;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace mart::cli
