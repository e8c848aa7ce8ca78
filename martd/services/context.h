#pragma once
// What a service call needs besides its arguments: who is calling, and the
// transaction it runs in (store, event sink, one timestamp for the request).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/event_sink.h"
#include "mart/domain/account.h"
#include "mart/status.h"
#include "stores/store.h"

namespace mart {

struct Principal {
  // kWorker: a queue worker inside the daemon acting on an event.
  enum class Kind { kAnonymous, kUser, kOperator, kWorker };
  Kind kind = Kind::kAnonymous;
  int64_t user_id = 0;
  std::string role;        // from the token, then confirmed from the database
  int64_t session_id = 0;  // the login session (token family)
  int64_t expires_at = 0;  // Unix seconds the access token ends; 0: no end (operator, worker)
  std::string worker = {};  // kWorker: its name, e.g. "inventory"
  // kUser: set by AuthService::Confirm, which the dispatcher runs in the
  // transaction of every request before its handler: the session is live
  // and the user exists and is active, so a service need not read the
  // caller's own row again to know that.
  bool confirmed = false;

  static Principal Worker(std::string_view name) {
    Principal principal;
    principal.kind = Kind::kWorker;
    principal.worker = std::string(name);
    return principal;
  }
  bool IsAdmin() const {
    return kind == Kind::kOperator || kind == Kind::kWorker || role == kRoleAdmin;
  }
  bool IsUser() const { return kind == Kind::kUser; }
  // The scope of idempotency keys: "user:3", "operator", "worker:orders", "anonymous".
  std::string Key() const;
  // For replies, logs and histories: "user 3", "the local operator",
  // "the orders worker", "anonymous".
  std::string Describe() const;
  // Whose objects a list call covers: an admin's `requested` user (none:
  // everyone's), a user's own. PERMISSION_DENIED "only admins may list other
  // users' <what>" when a user asks for someone else's.
  Result<std::optional<int64_t>> ListScope(std::optional<int64_t> requested,
                                           std::string_view what) const;
};

// One request's view of the write transaction. `now` is fixed for the request.
struct Tx {
  store::Store& store;
  EventSink& events;
  int64_t now;  // Unix microseconds
};

}  // namespace mart
