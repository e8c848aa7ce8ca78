#pragma once
// Password policy and argon2id hashing (libsodium). Hashing is deliberately
// slow: call it off the store thread. Thread safe.

#include <string>
#include <string_view>

#include "mart/status.h"

namespace mart {

// How much work one hash costs. kMinimum is for tests only.
enum class PasswordCost { kInteractive, kModerate, kMinimum };

// At least 8 characters with an upper-case letter, a lower-case letter and a
// digit. INVALID_ARGUMENT naming the first rule broken, details {"field": field}.
Status CheckPasswordPolicy(std::string_view password, std::string_view field = "password");

// An argon2id string with its own salt and parameters; INTERNAL when out of memory.
Result<std::string> HashPassword(std::string_view password, PasswordCost cost);
// True when the password matches; never throws or logs.
bool VerifyPassword(std::string_view password, const std::string& hash);

}  // namespace mart
