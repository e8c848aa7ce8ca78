#include "mart/wire/curve.h"

#include <array>
#include <cstdint>
#include <string>

#include <zmq.h>

namespace mart {

bool CurveAvailable() { return zmq_has("curve") == 1; }

bool IsTcpEndpoint(std::string_view endpoint) { return endpoint.rfind("tcp://", 0) == 0; }

Status CheckCurveKey(std::string_view key, std::string_view what) {
  std::array<uint8_t, 32> raw{};
  const std::string text(key);
  if (text.size() != kCurveKeyTextSize || zmq_z85_decode(raw.data(), text.c_str()) == nullptr) {
    return InvalidArgument(std::string(what) +
                           " must be 40 Z85 characters or 64 hex digits (martd's data dir has it "
                           "in curve.pub)");
  }
  return Status::Ok();
}

Result<std::string> NormalizeCurveKey(std::string_view key, std::string_view what) {
  if (key.size() == 2 * 32 && key.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
    std::array<uint8_t, 32> raw{};
    for (size_t i = 0; i < raw.size(); ++i) {
      raw[i] = static_cast<uint8_t>(std::stoi(std::string(key.substr(2 * i, 2)), nullptr, 16));
    }
    std::array<char, kCurveKeyTextSize + 1> text{};
    zmq_z85_encode(text.data(), raw.data(), raw.size());
    return std::string(text.data());
  }
  MART_RETURN_IF_ERROR(CheckCurveKey(key, what));
  return std::string(key);
}

std::string CurveKeyHex(std::string_view z85) {
  std::array<uint8_t, 32> raw{};
  const std::string text(z85);
  if (text.size() != kCurveKeyTextSize || zmq_z85_decode(raw.data(), text.c_str()) == nullptr) {
    return "";
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t byte : raw) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xF];
  }
  return hex;
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
