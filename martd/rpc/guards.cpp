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

std::string Fingerprint(const CommandSpec& spec, const nlohmann::json& params) {
  nlohmann::json kept = params.is_object() ? params : nlohmann::json::object();
  for (const ArgSpec& arg : spec.args) {
    if (arg.type == ArgType::kSecret) kept.erase(std::string(arg.name));
  }
  // nlohmann::json objects are ordered maps: dump() is canonical.
  std::string text = std::string(spec.method) + "\n" + kept.dump();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

}  // namespace mart::rpc
