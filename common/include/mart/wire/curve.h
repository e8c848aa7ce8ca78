#pragma once
// CURVE encryption for tcp:// endpoints (ZeroMQ's CurveZMQ). martd refuses a
// tcp:// endpoint without it; its long-term key pair lives in the data dir
// (curve.key, 0600; the public half also in curve.pub) and clients pin the
// public key (martctl --server-key, a profile's server-key). A client makes a
// fresh key pair for every connection: the daemon authenticates callers by
// token or cookie, as on ipc://, not by CURVE key.
//
// Keys are Z85 text: 40 characters for 32 bytes.

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
