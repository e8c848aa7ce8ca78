#include "mart/wire/json_text.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace mart {
namespace {

constexpr size_t kNone = std::string_view::npos;

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

size_t SkipSpace(std::string_view text, size_t at) {
  while (at < text.size() && IsSpace(text[at])) ++at;
  return at;
}

// One past the closing quote of the string opening at text[at]; kNone when
// it is not closed. Found with memchr: strings are most of the text.
size_t StringEnd(std::string_view text, size_t at) {
  size_t from = at + 1;
  while (from < text.size()) {
    const void* found = std::memchr(text.data() + from, '"', text.size() - from);
    if (found == nullptr) return kNone;
    const size_t quote = static_cast<size_t>(static_cast<const char*>(found) - text.data());
    size_t backslashes = 0;
    while (quote - backslashes > at + 1 && text[quote - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    from = quote + 1;
  }
  return kNone;
}

// One past the array or object opening at text[at], brackets matched by kind.
size_t ContainerEnd(std::string_view text, size_t at) {
  std::string open;  // the closers still owed, innermost last
  for (size_t i = at; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = StringEnd(text, i);
      if (i == kNone) return kNone;
      --i;
    } else if (c == '{' || c == '[') {
      open.push_back(c == '{' ? '}' : ']');
    } else if (c == '}' || c == ']') {
      if (open.empty() || open.back() != c) return kNone;
      open.pop_back();
      if (open.empty()) return i + 1;
    }
  }
  return kNone;
}

bool IsScalarChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' ||
         c == 'E';
}

// One past the value starting at text[at]; kNone when none starts there.
size_t ValueEnd(std::string_view text, size_t at) {
  if (at >= text.size()) return kNone;
  const char c = text[at];
  if (c == '"') return StringEnd(text, at);
  if (c == '{' || c == '[') return ContainerEnd(text, at);
  size_t end = at;
  while (end < text.size() && IsScalarChar(text[end])) ++end;
  return end == at ? kNone : end;
}

// Walks the members (keyed) or elements of the container `text` is, calling
// `take(key, value)` for each; false when `text` is not that container.
template <typename Take>
bool Split(std::string_view text, char opener, char closer, bool keyed, Take take) {
  size_t at = SkipSpace(text, 0);
  if (at >= text.size() || text[at] != opener) return false;
  at = SkipSpace(text, at + 1);
  if (at < text.size() && text[at] == closer) return SkipSpace(text, at + 1) == text.size();
  while (true) {
    std::string_view key;
    if (keyed) {
      if (at >= text.size() || text[at] != '"') return false;
      const size_t key_end = StringEnd(text, at);
      if (key_end == kNone) return false;
      key = text.substr(at + 1, key_end - at - 2);
      at = SkipSpace(text, key_end);
      if (at >= text.size() || text[at] != ':') return false;
      at = SkipSpace(text, at + 1);
    }
    const size_t end = ValueEnd(text, at);
    if (end == kNone) return false;
    take(key, text.substr(at, end - at));
    at = SkipSpace(text, end);
    if (at >= text.size()) return false;
    if (text[at] == closer) return SkipSpace(text, at + 1) == text.size();
    if (text[at] != ',') return false;
    at = SkipSpace(text, at + 1);
  }
}

}  // namespace

size_t JsonNestingDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t end = StringEnd(text, i);
      if (end == kNone) break;  // the rest is inside the string
      i = end - 1;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool SplitJsonObject(std::string_view text, std::vector<JsonMember>* members) {
  members->clear();
  const auto take = [members](std::string_view key, std::string_view value) {
    members->push_back({key, value});
  };
  const bool ok = Split(text, '{', '}', /*keyed=*/true, take);
  if (!ok) members->clear();
  return ok;
}

bool SplitJsonArray(std::string_view text, std::vector<std::string_view>* elements) {
  elements->clear();
  const auto take = [elements](std::string_view, std::string_view value) {
    elements->push_back(value);
  };
  const bool ok = Split(text, '[', ']', /*keyed=*/false, take);
  if (!ok) elements->clear();
  return ok;
}

}  // namespace mart
