#pragma once
// The guard chain that runs before every handler, in a fixed order
// (STYLE.md rule 5): the method exists, the daemon is ready, the caller is
// authenticated and allowed, the params are valid. These are its pieces.

#include <string>

#include <nlohmann/json.hpp>

#include "mart/commands/spec.h"
#include "services/context.h"

namespace mart::rpc {

// UNAUTHENTICATED for anonymous callers of non-public methods, PERMISSION_DENIED
// for non-admins calling admin methods.
Status CheckAccess(const CommandSpec& spec, const Principal& principal);

// SHA-256 (hex) of the method and its params without secret arguments: what an
// idempotency key is bound to. Secrets are left out so that no fast hash of a
// password is ever stored.
std::string Fingerprint(const CommandSpec& spec, const nlohmann::json& params);

}  // namespace mart::rpc
