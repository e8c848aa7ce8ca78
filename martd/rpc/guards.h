#pragma once
// The guard chain that runs before every handler, in a fixed order
// (STYLE.md rule 5): the method exists, the daemon is ready, the caller is
// authenticated and allowed, the params are valid. These are its pieces.

#include <string>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "services/context.h"
#include "services/jwt.h"

namespace mart::rpc {

// UNAUTHENTICATED for anonymous callers of non-public methods, PERMISSION_DENIED
// for non-admins calling admin methods.
Status CheckAccess(const CommandSpec& spec, const Principal& principal);

// HMAC-SHA256 (hex), under the daemon's idempotency key, of the method and
// its params: what an idempotency key is bound to. Secrets (passwords) count,
// so a reused key with another password is refused, but only keyed: without
// the key no fingerprint can be tested against password guesses.
std::string Fingerprint(const CommandSpec& spec, const nlohmann::json& params,
                        const SigningKey& key);

}  // namespace mart::rpc
