#pragma once
// Which REPL lines must never reach the history file: lines that carry a
// secret. Pure; thread safe.

#include <string_view>

namespace mart::cli {

// True when `line` names a secret flag (--token, --password, --card-number,
// --cvc, with or without =value) or holds a word that looks like a token: a
// JWT-like a.b.c of base64url parts, or a long (≥ 32) run of base64 or hex
// characters; or an `auth login` line (logins are never recorded). Errs on
// the side of leaving a line out.
bool CarriesSecret(std::string_view line);

}  // namespace mart::cli
