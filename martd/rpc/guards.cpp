#include "rpc/guards.h"

#include <sodium.h>

#include "mart/text.h"

namespace mart::rpc {

Status CheckAccess(const CommandSpec& spec, const Principal& principal) {
  if (spec.access == Access::kAnyone) return Status::Ok();
  if (principal.kind == Principal::Kind::kAnonymous) {
    return Unauthenticated(std::string(spec.method) +
                           " needs a login (run 'martctl auth login' or pass a token)");
  }
  if (spec.access == Access::kAdmin && !principal.IsAdmin()) {
    return PermissionDenied(std::string(spec.method) + " is for admins only");
  }
  return Status::Ok();
}

std::string Fingerprint(const CommandSpec& spec, const nlohmann::json& params,
                        const SigningKey& key) {
  // nlohmann::json objects are ordered maps: dump() is canonical.
  std::string text = std::string(spec.method) + "\n" + params.dump();
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                         key.data());
  return HexEncode(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

}  // namespace mart::rpc
