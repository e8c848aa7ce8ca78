#pragma once
// JSON Web Tokens, HS256 only (RFC 7519 with an HMAC-SHA256 signature over
// base64url(header) "." base64url(claims)). Thread safe.

#include <array>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mart/status.h"

namespace mart {

using SigningKey = std::array<unsigned char, 32>;

// A subkey for another purpose, so one secret never serves two uses.
SigningKey DeriveKey(const SigningKey& key, std::string_view purpose);

std::string SignJwt(const nlohmann::json& claims, const SigningKey& key);

// Checks the shape, the algorithm (exactly HS256), the signature (constant
// time) and `exp` against now_seconds. Returns the claims, or UNAUTHENTICATED:
// "token is malformed", "token signature is invalid", "token has expired".
Result<nlohmann::json> VerifyJwt(std::string_view token, const SigningKey& key,
                                 int64_t now_seconds);

}  // namespace mart
