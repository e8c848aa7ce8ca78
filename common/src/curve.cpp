#include "mart/wire/curve.h"

#include <array>
#include <cstdint>

#include <zmq.h>

namespace mart {

bool CurveAvailable() { return zmq_has("curve") == 1; }

bool IsTcpEndpoint(std::string_view endpoint) { return endpoint.rfind("tcp://", 0) == 0; }

Status CheckCurveKey(std::string_view key, std::string_view what) {
  std::array<uint8_t, 32> raw{};
  const std::string text(key);
  if (text.size() != kCurveKeyTextSize || zmq_z85_decode(raw.data(), text.c_str()) == nullptr) {
    return InvalidArgument(std::string(what) +
                           " must be 40 Z85 characters (martd's data dir has it in curve.pub)");
  }
  return Status::Ok();
}

Result<CurveKeys> NewCurveKeys() {
  std::array<char, kCurveKeyTextSize + 1> public_key{};
  std::array<char, kCurveKeyTextSize + 1> secret_key{};
  if (!CurveAvailable() || zmq_curve_keypair(public_key.data(), secret_key.data()) != 0) {
    return Unavailable("this libzmq has no CURVE support");
  }
  return CurveKeys{public_key.data(), secret_key.data()};
}

Status MissingServerKey(const std::string& endpoint) {
  return InvalidArgument("endpoint " + endpoint +
                         " is tcp:// and needs martd's public key: pass --server-key KEY, set "
                         "MART_SERVER_KEY, or save both with 'martctl config add-remote'");
}

}  // namespace mart
