#include "services/jwt.h"

#include <sodium.h>

#include <vector>

namespace mart {
namespace {

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool FromBase64Url(std::string_view text, std::string* out) {
  std::vector<unsigned char> bytes(text.size() + 1);
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                        &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return false;
  }
  out->assign(reinterpret_cast<char*>(bytes.data()), length);
  return true;
}

std::array<unsigned char, crypto_auth_hmacsha256_BYTES> Mac(std::string_view signed_part,
                                                            const SigningKey& key) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256(mac.data(), reinterpret_cast<const unsigned char*>(signed_part.data()),
                         signed_part.size(), key.data());
  return mac;
}

}  // namespace

SigningKey DeriveKey(const SigningKey& key, std::string_view purpose) {
  SigningKey derived{};
  crypto_generichash(derived.data(), derived.size(),
                     reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(),
                     key.data(), key.size());
  return derived;
}

std::string SignJwt(const nlohmann::json& claims, const SigningKey& key) {
  std::string signed_part = Base64Url(kHeader) + "." + Base64Url(claims.dump());
  auto mac = Mac(signed_part, key);
  return signed_part + "." +
         Base64Url(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

Result<nlohmann::json> VerifyJwt(std::string_view token, const SigningKey& key,
                                 int64_t now_seconds) {
  const Status malformed = Unauthenticated("token is malformed");
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return malformed;
  }
  std::string header, payload, signature;
  if (!FromBase64Url(token.substr(0, first), &header) ||
      !FromBase64Url(token.substr(first + 1, second - first - 1), &payload) ||
      !FromBase64Url(token.substr(second + 1), &signature)) {
    return malformed;
  }
  nlohmann::json header_json = nlohmann::json::parse(header, nullptr, false);
  // find(), not value(): value() throws when "alg" is there but not a string.
  auto alg = header_json.is_object() ? header_json.find("alg") : header_json.end();
  if (alg == header_json.end() || !alg->is_string() || *alg != "HS256") return malformed;
  auto mac = Mac(token.substr(0, second), key);
  if (signature.size() != mac.size() ||
      sodium_memcmp(signature.data(), mac.data(), mac.size()) != 0) {
    return Unauthenticated("token signature is invalid");
  }
  nlohmann::json claims = nlohmann::json::parse(payload, nullptr, false);
  if (!claims.is_object()) return malformed;
  auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number_integer()) return malformed;
  if (exp->get<int64_t>() <= now_seconds) return Unauthenticated("token has expired");
  return claims;
}

}  // namespace mart
