#pragma once
// mart::Client: one DEALER connection to martd. Not thread safe: use one per
// thread. Sockets have linger 0, so destroying a Client never blocks.
//
// Call() sends one request and waits up to `timeout` for its reply; with no
// reply it resends the same request (same id, same idempotency key) up to
// `retries` times, then returns UNAVAILABLE. A mutating call without a key
// gets a fresh one, reused across those retries, so a retry after a lost
// reply never applies a change twice. Calls whose replies are never replayed
// (login, refresh: they carry tokens) are not resent. On an ipc endpoint a
// missing daemon is UNAVAILABLE at once, also when it stops while a call
// waits (its socket is checked every 250 ms), rather than after the timeouts.
//
// On ipc:// the Client first checks who serves the socket (SO_PEERCRED) and
// refuses, PERMISSION_DENIED, to send anything to a process of another user
// (root excepted): martd's sockets admit only its own user, so any other is
// someone posing as martd, e.g. in a shared sticky directory. It never lets
// ZeroMQ reconnect on its own; after martd restarts, the next call (or the
// retry of the current one) connects anew, checked again.
//
// Events: after an events.subscribe call on this Client, martd pushes the live
// feed to this connection as three-frame messages [topic][json][seq];
// NextEvent() returns them, also those that arrived while a Call waited.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "mart/wire/envelope.h"

namespace mart {

struct ClientOptions {
  std::string endpoint;  // ipc://… or tcp://…
  std::chrono::milliseconds timeout{5000};
  int retries = 2;
  // martd's CURVE public key (Z85); required for tcp:// (wire/curve.h).
  std::string server_key = {};
};

struct CallOptions {
  std::string auth = {};             // token or "cookie:<hex>"
  std::string idempotency_key = {};  // empty: generated for mutating methods
  // For a forwarding program (mart-rest): the address of the client it
  // serves (Request::forwarded_for). Empty for everyone else.
  std::string forwarded_for = {};
  // Where to put the reply's `next` (a paged list's cursor, "" when no rows
  // follow); nullptr when the caller does not page.
  std::string* next = nullptr;
};

// One event of the live feed, as martd sent it.
struct FeedFrames {
  std::string topic;
  std::string body;  // {"seq", "topic", "created_at", "data"}
  std::string seq;   // decimal
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The result object, the daemon's error, or UNAVAILABLE ("daemon unavailable at …").
  Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params,
                              const CallOptions& options = {});

  // The next pushed event, waiting up to `timeout`; nullopt when none came
  // (also when not connected yet) or a signal interrupted the wait. At most
  // kMaxQueuedEvents wait here; past that new ones are dropped (the reader
  // sees a gap in seq and reads the log).
  std::optional<FeedFrames> NextEvent(std::chrono::milliseconds timeout);
  static constexpr size_t kMaxQueuedEvents = 100000;

  const ClientOptions& options() const { return options_; }

 private:
  // Connects when not connected, or anew when the ipc connection ended.
  Status Connect();
  // The reply to `id`; nullopt to send again (timeout, or the connection ended).
  Result<std::optional<Reply>> AwaitReply(const std::string& id);

  struct Impl;
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

// 128 random bits as 32 hex characters (libsodium's CSPRNG).
std::string NewRandomKey();

}  // namespace mart
