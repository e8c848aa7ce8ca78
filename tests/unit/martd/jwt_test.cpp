#include "services/jwt.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

namespace mart {
namespace {

using nlohmann::json;

SigningKey Key(unsigned char fill) {
  SigningKey key;
  key.fill(fill);
  return key;
}

std::string B64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();  // NUL
  return out;
}

std::string Unb64(std::string_view text) {
  std::vector<unsigned char> bytes(text.size() + 1);
  size_t length = 0;
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return "<bad base64>";
  }
  return std::string(reinterpret_cast<char*>(bytes.data()), length);
}

// A token built by hand with a correct HMAC over whatever header and payload
// text it is given, to test what the verifier accepts beyond the signature.
std::string SignRaw(std::string_view header, std::string_view payload, const SigningKey& key) {
  std::string signed_part = B64(header) + "." + B64(payload);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(signed_part.data()),
                         signed_part.size(), key.data());
  return signed_part + "." + B64(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

std::vector<std::string> Split(const std::string& token) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

const json kClaims = {{"sub", "3"}, {"typ", "access"}, {"exp", 1000}, {"sid", 7}};
constexpr std::string_view kHs256 = R"({"alg":"HS256","typ":"JWT"})";

void ExpectUnauthenticated(const Result<json>& result, std::string_view message) {
  EXPECT_EQ(result.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(result.status().message(), message);
}

TEST(JwtTest, SignThenVerifyReturnsTheClaims) {
  std::string token = SignJwt(kClaims, Key(1));
  std::vector<std::string> parts = Split(token);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(json::parse(Unb64(parts[0])), json::parse(kHs256));
  Result<json> claims = VerifyJwt(token, Key(1), 999);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(*claims, kClaims);
}

TEST(JwtTest, HandMadeTokenMatchesSignJwt) {
  // Guards the test helper: the same bytes give the same token.
  EXPECT_EQ(SignRaw(kHs256, kClaims.dump(), Key(1)), SignJwt(kClaims, Key(1)));
}

TEST(JwtTest, ExpiryBoundaryIsExact) {
  std::string token = SignJwt(kClaims, Key(1));  // exp 1000
  EXPECT_TRUE(VerifyJwt(token, Key(1), 0).ok());
  EXPECT_TRUE(VerifyJwt(token, Key(1), 999).ok());
  ExpectUnauthenticated(VerifyJwt(token, Key(1), 1000), "token has expired");
  ExpectUnauthenticated(VerifyJwt(token, Key(1), 1001), "token has expired");
}

TEST(JwtTest, TamperedPayloadHasAnInvalidSignature) {
  std::vector<std::string> parts = Split(SignJwt(kClaims, Key(1)));
  json elevated = kClaims;
  elevated["sub"] = "1";
  std::string forged = parts[0] + "." + B64(elevated.dump()) + "." + parts[2];
  ExpectUnauthenticated(VerifyJwt(forged, Key(1), 0), "token signature is invalid");
}

TEST(JwtTest, TamperedOrForeignSignatureIsInvalid) {
  std::string token = SignJwt(kClaims, Key(1));
  std::vector<std::string> parts = Split(token);
  std::string zeros(32, '\0');
  ExpectUnauthenticated(VerifyJwt(parts[0] + "." + parts[1] + "." + B64(zeros), Key(1), 0),
                        "token signature is invalid");
  ExpectUnauthenticated(VerifyJwt(parts[0] + "." + parts[1] + "." + B64("short"), Key(1), 0),
                        "token signature is invalid");
  ExpectUnauthenticated(VerifyJwt(parts[0] + "." + parts[1] + ".", Key(1), 0),
                        "token signature is invalid");
  ExpectUnauthenticated(VerifyJwt(token, Key(2), 0), "token signature is invalid");
}

TEST(JwtTest, OnlyHs256IsAccepted) {
  const std::string payload = kClaims.dump();
  // Even with a correct MAC, a header that names another algorithm is refused.
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"HS512","typ":"JWT"})",
                             R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"hs256"})",
                             R"({"typ":"JWT"})", R"(["HS256"])", "not json"}) {
    ExpectUnauthenticated(VerifyJwt(SignRaw(header, payload, Key(1)), Key(1), 0),
                          "token is malformed");
  }
  // The classic "alg":"none" token has no signature at all.
  std::string unsigned_token = B64(R"({"alg":"none"})") + "." + B64(payload) + ".";
  ExpectUnauthenticated(VerifyJwt(unsigned_token, Key(1), 0), "token is malformed");
}

// Regression: a header whose "alg" is not a string made VerifyJwt throw
// nlohmann::type_error, which escaped Dispatcher::Admit on the socket thread
// and terminated martd: one unauthenticated frame stopped the daemon.
TEST(JwtTest, NonStringAlgIsMalformedNotAnException) {
  const std::string payload = kClaims.dump();
  for (const char* header : {R"({"alg":256})", R"({"alg":null})", R"({"alg":["HS256"]})",
                             R"({"alg":{"name":"HS256"}})", R"({"alg":true})"}) {
    Result<json> result = Unauthenticated("not run");
    ASSERT_NO_THROW(result = VerifyJwt(SignRaw(header, payload, Key(1)), Key(1), 0)) << header;
    ExpectUnauthenticated(result, "token is malformed");
    // Forged without the key: refused the same way, before the signature check.
    ASSERT_NO_THROW(result = VerifyJwt(B64(header) + ".e30.AAAA", Key(1), 0)) << header;
    ExpectUnauthenticated(result, "token is malformed");
  }
}

TEST(JwtTest, WrongNumberOfSegmentsIsMalformed) {
  std::vector<std::string> parts = Split(SignJwt(kClaims, Key(1)));
  for (const std::string& token :
       {std::string(), std::string("."), parts[0], parts[0] + "." + parts[1],
        parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[2],
        parts[0] + "." + parts[1] + "." + parts[2] + "."}) {
    ExpectUnauthenticated(VerifyJwt(token, Key(1), 0), "token is malformed");
  }
}

TEST(JwtTest, BadBase64IsMalformed) {
  std::vector<std::string> parts = Split(SignJwt(kClaims, Key(1)));
  for (const std::string& token :
       {"!!!." + parts[1] + "." + parts[2], parts[0] + ".a+b/." + parts[2],
        parts[0] + "." + parts[1] + "." + parts[2] + "==", parts[0] + "." + parts[1] + ".%%"}) {
    ExpectUnauthenticated(VerifyJwt(token, Key(1), 0), "token is malformed");
  }
}

TEST(JwtTest, SignedClaimsMustBeAnObjectWithIntegerExp) {
  for (const char* payload :
       {R"([1,2])", R"("text")", R"({"sub":"3"})", R"({"exp":"1000"})", R"({"exp":1000.5})", "{"}) {
    ExpectUnauthenticated(VerifyJwt(SignRaw(kHs256, payload, Key(1)), Key(1), 0),
                          "token is malformed");
  }
}

}  // namespace
}  // namespace mart
