#pragma once
// Splits one REPL or script line into words, like a POSIX shell without
// expansions: blanks separate words; '…' keeps everything literally; "…"
// keeps everything but lets a backslash escape " and \ ; outside quotes a
// backslash escapes the next character; an unquoted # starting a word begins
// a comment to the end of the line. Pure; thread safe.

#include <string>
#include <string_view>
#include <vector>

#include "mart/status.h"

namespace mart::cli {

// The words of `line` (none for a blank or comment line). INVALID_ARGUMENT
// (exit 2) for an unbalanced quote or a trailing backslash.
Result<std::vector<std::string>> SplitWords(std::string_view line);

}  // namespace mart::cli
