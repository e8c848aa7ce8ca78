#pragma once
// mart::Client: one DEALER connection to martd, or to one of several martd
// serving the same store. Not thread safe: use one per thread. Sockets have
// linger 0, so destroying a Client never blocks.
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
// Several endpoints (a cluster: endpoints.h): the Client talks to one at a
// time, the first of the list or a random one (EndpointPolicy), and stays on
// it while it answers. When it is UNAVAILABLE (its socket refused or gone, no
// reply within the timeouts of its retries, or martd itself answering
// UNAVAILABLE, e.g. while it stops), the call moves to the next endpoint,
// round the list, and sends the same request again (same id, same
// idempotency key: the keys live in the shared store, so the effect happens
// once). Calls that are never resent (login, refresh) move on only when the
// request surely was not sent (the socket refused before sending). When no
// endpoint answers: UNAVAILABLE "daemon unavailable: tried ipc://a (martd is
// not running), ipc://b (no reply within 5.0 s)", details {"tried": [{"endpoint",
// "reason"}, ...]}; the next call starts again where the Client started. With
// one endpoint nothing of this applies and messages name that endpoint.
// `timeout` and `retries` apply to each endpoint.
//
// Events: after an events.subscribe call on this Client, martd pushes the live
// feed to this connection as three-frame messages [topic][json][seq];
// NextEvent() returns them, also those that arrived while a Call waited. A new
// connection (martd restarted, or another endpoint answers) has no
// subscription: connection() changes, and the caller subscribes again.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/client/endpoints.h"
#include "mart/status.h"
#include "mart/wire/envelope.h"

namespace mart {

struct ClientOptions {
  // ipc://… or tcp://…: one martd, or several serving one store, in the
  // order EndpointPolicy::kFailover prefers them. Empty: INVALID_ARGUMENT at
  // the first call.
  std::vector<std::string> endpoints = {};
  EndpointPolicy policy = EndpointPolicy::kFailover;
  std::chrono::milliseconds timeout{5000};  // per attempt
  int retries = 2;                          // per endpoint
  // martd's CURVE public key (Z85); required for tcp:// (wire/curve.h). One
  // key for every endpoint: the instances of a cluster share one key pair.
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
  // Where to put the endpoint whose martd gave the result (left as it is
  // when the call fails); nullptr when the caller does not ask.
  std::string* answered = nullptr;
  // Where to put the result's JSON text as martd wrote it, unparsed, for a
  // caller that passes it on (mart-rest's product pages); Call then returns
  // null in its place. nullptr: Call parses and returns the result.
  std::string* result_text = nullptr;
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

  // The result object, the daemon's error, or UNAVAILABLE ("daemon unavailable at …"),
  // after trying every endpoint as described above.
  Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params,
                              const CallOptions& options = {});

  // The next pushed event, waiting up to `timeout`; nullopt when none came
  // (also when not connected yet) or a signal interrupted the wait. At most
  // kMaxQueuedEvents wait here; past that new ones are dropped (the reader
  // sees a gap in seq and reads the log).
  std::optional<FeedFrames> NextEvent(std::chrono::milliseconds timeout);
  static constexpr size_t kMaxQueuedEvents = 100000;

  const ClientOptions& options() const { return options_; }
  // The endpoint the last reply came from; before the first, the one the
  // next call tries first.
  const std::string& current_endpoint() const { return options_.endpoints[current_]; }
  // Counts the connections made so far: it changes when the Client connects
  // anew (martd restarted, or another endpoint took over), which ends an
  // events.subscribe made on the previous one.
  uint64_t connection() const;

 private:
  struct Attempt;
  // The call on the current endpoint, with its retries.
  Attempt Send(const std::string& frame, const std::string& id, int retries,
               const CallOptions& call);
  // Connects when not connected, or anew when the ipc connection ended.
  Status Connect();
  // The reply to `id`; nullopt to send again (timeout, or the connection ended).
  Result<std::optional<Reply>> AwaitReply(const std::string& id, ReplyResult as);
  // Makes endpoints[index] the current endpoint, with a fresh socket.
  void Use(size_t index);

  struct Impl;
  ClientOptions options_;
  size_t start_ = 0;    // where calls start after every endpoint failed
  size_t current_ = 0;  // the endpoint in use
  std::unique_ptr<Impl> impl_;
};

// 128 random bits as 32 hex characters (libsodium's CSPRNG).
std::string NewRandomKey();

}  // namespace mart
