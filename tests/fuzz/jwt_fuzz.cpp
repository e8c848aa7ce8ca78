// Fuzz target: VerifyJwt, the parser of every bearer token martd is sent.
// The first byte picks what the rest is:
//   even: a whole token, as a caller sends it (shape, base64url, signature);
//   odd:  "<header JSON>\n<claims JSON>", signed here with the daemon's key,
//         so that inputs get past the MAC to the header and claims parsing.
// Properties: VerifyJwt never throws or crashes; it answers OK or
// UNAUTHENTICATED; accepted claims are an object with an integer exp in the
// future; a token signed by SignJwt over accepted claims verifies again.

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "services/jwt.h"

namespace {

constexpr int64_t kNow = 1'800'000'000;

const mart::SigningKey& Key() {
  static const mart::SigningKey key = [] {
    mart::SigningKey k{};
    for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(i * 13 + 5);
    return k;
  }();
  return key;
}

std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);
  return out;
}

// header.claims.signature with a valid signature under Key().
std::string Signed(std::string_view header, std::string_view claims) {
  std::string signed_part = Base64Url(header) + "." + Base64Url(claims);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(signed_part.data()),
                         signed_part.size(), Key().data());
  return signed_part + "." +
         Base64Url(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

void Verify(std::string_view token) {
  auto claims = mart::VerifyJwt(token, Key(), kNow);
  if (!claims.ok()) {
    FUZZ_CHECK(claims.status().code() == mart::Code::kUnauthenticated,
               "a refused token is UNAUTHENTICATED: " + claims.status().ToString());
    return;
  }
  FUZZ_CHECK(claims->is_object(), "accepted claims are an object");
  auto exp = claims->find("exp");
  FUZZ_CHECK(exp != claims->end() && exp->is_number_integer() && exp->get<int64_t>() > kNow,
             "accepted claims have an integer exp in the future");
  auto again = mart::VerifyJwt(mart::SignJwt(*claims, Key()), Key(), kNow);
  FUZZ_CHECK(again.ok() && *again == *claims, "re-signed claims verify to the same claims");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (sodium_init() < 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    Verify(rest);
    return 0;
  }
  size_t newline = rest.find('\n');
  if (newline == std::string_view::npos) return 0;
  Verify(Signed(rest.substr(0, newline), rest.substr(newline + 1)));
  return 0;
}
