#pragma once
// CURVE encryption for tcp:// endpoints (ZeroMQ's CurveZMQ). martd refuses a
// tcp:// endpoint without it; its long-term key pair lives in the data dir
// (curve.key, 0600; the public half also in curve.pub) and clients pin the
// public key (martctl --server-key, a profile's server-key). A client makes a
// fresh key pair for every connection: the daemon authenticates callers by
// token or cookie, as on ipc://, not by CURVE key.
//
// Keys are Z85 text: 40 characters for 32 bytes. Clients also take them as
// 64 hex digits, the form config files keep them in: Z85 uses '#', which
// CLI11's TOML reader takes for a comment even inside quotes.

#include <string>
#include <string_view>

#include "mart/status.h"

namespace mart {

inline constexpr size_t kCurveKeyTextSize = 40;

// Whether this libzmq was built with CURVE (zmq_has("curve")).
bool CurveAvailable();
bool IsTcpEndpoint(std::string_view endpoint);

// INVALID_ARGUMENT "<what> must be 40 Z85 characters …" unless `key` is a
// well-formed Z85 key.
Status CheckCurveKey(std::string_view key, std::string_view what);

// A client's key as given (Z85 or hex) in Z85; INVALID_ARGUMENT as above.
Result<std::string> NormalizeCurveKey(std::string_view key, std::string_view what);
// A Z85 key as 64 lowercase hex digits ("" for a malformed key).
std::string CurveKeyHex(std::string_view z85);

struct CurveKeys {
  std::string public_key;  // Z85
  std::string secret_key;  // Z85
};
// A new key pair; UNAVAILABLE without CURVE.
Result<CurveKeys> NewCurveKeys();

// For a Client or SUB socket whose endpoint is tcp:// and whose server key
// is missing: INVALID_ARGUMENT naming the ways to give one.
Status MissingServerKey(const std::string& endpoint);

}  // namespace mart
