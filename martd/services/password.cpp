#include "services/password.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace mart {

Status CheckPasswordPolicy(std::string_view password, std::string_view field) {
  const std::string name(field);
  auto fail = [&](const std::string& rule) {
    return InvalidArgument(name + " must " + rule, {{"field", name}});
  };
  auto has = [&](int (*predicate)(int)) {
    return std::any_of(password.begin(), password.end(),
                       [&](char c) { return predicate(static_cast<unsigned char>(c)) != 0; });
  };
  if (password.size() < 8) return fail("be at least 8 characters long");
  if (!has(std::isupper)) return fail("contain at least one uppercase letter");
  if (!has(std::islower)) return fail("contain at least one lowercase letter");
  if (!has(std::isdigit)) return fail("contain at least one digit");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t memory = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (cost == PasswordCost::kModerate) {
    ops = crypto_pwhash_OPSLIMIT_MODERATE;
    memory = crypto_pwhash_MEMLIMIT_MODERATE;
  } else if (cost == PasswordCost::kMinimum) {
    ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    memory = crypto_pwhash_argon2id_MEMLIMIT_MIN;
  }
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), ops, memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("password hashing ran out of memory");
  }
  return std::string(hash);
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace mart
