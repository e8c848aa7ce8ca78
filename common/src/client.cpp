#include "mart/client/client.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

#include <sodium.h>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "mart/client/endpoints.h"
#include "mart/commands/spec.h"
#include "mart/text.h"
#include "mart/wire/curve_socket.h"
#include "mart/wire/envelope.h"

namespace mart {
namespace {

// UNAVAILABLE for one endpoint: `message` is what a Client of that endpoint
// alone says; `reason` is what a list's message says after the endpoint.
Status Down(const std::string& endpoint, std::string message, std::string reason) {
  return Status(Code::kUnavailable, std::move(message),
                {{"endpoint", endpoint}, {"reason", std::move(reason)}});
}

// Why an endpoint was UNAVAILABLE, for a list's message.
std::string ReasonOf(const Status& status) {
  const nlohmann::json& details = status.details();
  if (details.is_object() && details.contains("reason") && details["reason"].is_string()) {
    return details["reason"].get<std::string>();
  }
  return status.message();  // martd's own UNAVAILABLE ("daemon is not ready …")
}

// A ZeroMQ ipc connect never fails: it retries in the background, and the
// request would wait out every timeout. Probing the Unix socket first turns
// "no daemon" into an immediate, specific error, and tells who serves it.
// Returns the uid of the process that bound the socket (nullopt for tcp://).
Result<std::optional<uid_t>> ProbeIpc(const std::string& endpoint) {
  const std::string kScheme = "ipc://";
  if (endpoint.rfind(kScheme, 0) != 0) return std::optional<uid_t>();
  std::string path = endpoint.substr(kScheme.size());
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) {
    return InvalidArgument("ipc path " + path + " is too long for a Unix socket");
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const std::string why = "cannot create a socket: " + std::string(std::strerror(errno));
    return Down(endpoint, why, why);
  }
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  int saved = errno;
  ucred peer{};
  socklen_t size = sizeof peer;
  bool known = rc == 0 && ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0;
  ::close(fd);
  if (rc != 0 && (saved == ENOENT || saved == ECONNREFUSED)) {
    return Down(endpoint, "daemon unavailable: martd is not running at " + endpoint,
                "martd is not running");
  }
  if (rc != 0) {
    return Down(endpoint, "daemon unavailable at " + endpoint + ": " + std::strerror(saved),
                std::strerror(saved));
  }
  if (!known) {
    const std::string why = std::strerror(errno);
    return Down(endpoint, "cannot tell who serves " + endpoint + ": " + why,
                "cannot tell who serves it: " + why);
  }
  return std::optional<uid_t>(peer.uid);
}

std::string UserName(uid_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  char buffer[1024];
  if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) != 0 || found == nullptr) {
    return "uid " + std::to_string(uid);
  }
  return std::string(found->pw_name) + " (uid " + std::to_string(uid) + ")";
}

// martd runs with umask 077, so its sockets admit only its own user (and
// root). A socket bound by anyone else is not our martd: another user may have
// taken the path first to collect passwords and tokens. Nothing is sent there.
Status CheckPeer(const std::string& endpoint, std::optional<uid_t> peer) {
  if (!peer || *peer == ::geteuid() || *peer == 0) return Status::Ok();
  return Status(Code::kPermissionDenied,
                "refusing to talk to " + endpoint + ": that socket is served by " +
                    UserName(*peer) + ", not by you (" + UserName(::geteuid()) +
                    "); another user may be posing as martd. Start your own martd, or pick "
                    "another --endpoint",
                {{"endpoint", endpoint}, {"peer_uid", *peer}});
}

// How often a call waiting for its reply checks that the daemon is still there.
constexpr std::chrono::milliseconds kProbeEvery{250};

bool IsIpc(const std::string& endpoint) { return endpoint.rfind("ipc://", 0) == 0; }

}  // namespace

// On ipc:// ZeroMQ would reconnect by itself to whatever process binds the
// path next, and send our queued requests (tokens included) there unchecked.
// So an ipc socket never reconnects (ZMQ_RECONNECT_IVL -1); a monitor reports
// the end of the connection, and the next call makes a new one after the
// probe has checked who serves the path. tcp:// needs no such care: CURVE
// pins the server's key.
struct Client::Impl {
  zmq::context_t context{1};
  std::optional<zmq::socket_t> socket;
  std::optional<zmq::socket_t> monitor;  // ipc only: connection events
  bool connected = false;
  uint64_t connections = 0;  // made so far: Client::connection()
  uint64_t next_id = 1;
  std::string id_prefix = NewRandomKey().substr(0, 8);
  std::deque<FeedFrames> events;

  void Open(const std::string& endpoint) {
    CloseMonitor();
    socket.emplace(context, zmq::socket_type::dealer);
    socket->set(zmq::sockopt::linger, 0);
    socket->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kHardMaxMessageBytes));
    connected = false;
    if (!IsIpc(endpoint)) return;
    socket->set(zmq::sockopt::reconnect_ivl, -1);
    const std::string address = "inproc://mart-client-monitor-" + NewRandomKey();
    zmq_socket_monitor(socket->handle(), address.c_str(), ZMQ_EVENT_DISCONNECTED);
    monitor.emplace(context, zmq::socket_type::pair);
    monitor->set(zmq::sockopt::linger, 0);
    monitor->connect(address);
  }

  void CloseMonitor() {
    if (!monitor) return;
    zmq_socket_monitor(socket->handle(), nullptr, 0);
    monitor.reset();
  }

  // True when the monitor reported the connection's end since the last look.
  bool Lost() {
    if (!monitor) return false;
    bool lost = false;
    zmq::message_t frame;
    while (monitor->recv(frame, zmq::recv_flags::dontwait)) {
      if (!frame.more()) continue;  // the address frame of an event
      uint16_t event = 0;
      if (frame.size() >= sizeof event) std::memcpy(&event, frame.data(), sizeof event);
      lost = lost || event == ZMQ_EVENT_DISCONNECTED;
    }
    return lost;
  }

  void Keep(std::vector<zmq::message_t>& parts) {
    if (events.size() >= Client::kMaxQueuedEvents) return;  // the reader sees a gap
    events.push_back({parts[0].to_string(), parts[1].to_string(), parts[2].to_string()});
  }
};

// What one endpoint made of a call.
struct Client::Attempt {
  Result<nlohmann::json> result;
  bool sent = false;    // the request may have reached martd
  bool missed = false;  // UNAVAILABLE there: another endpoint may answer
};

Client::Client(ClientOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  if (options_.endpoints.empty()) options_.endpoints.emplace_back();  // a bad endpoint at Call
  if (options_.policy == EndpointPolicy::kRandom && options_.endpoints.size() > 1) {
    if (sodium_init() < 0) std::abort();  // no usable randomness: nothing can be safe
    start_ = randombytes_uniform(static_cast<uint32_t>(options_.endpoints.size()));
  }
  current_ = start_;
  impl_->Open(current_endpoint());
}

Client::~Client() { impl_->CloseMonitor(); }

uint64_t Client::connection() const { return impl_->connections; }

void Client::Use(size_t index) {
  current_ = index;
  impl_->Open(current_endpoint());
}

Status Client::Connect() {
  const std::string& endpoint = current_endpoint();
  if (impl_->connected && !impl_->Lost()) return Status::Ok();
  if (impl_->connected) impl_->Open(endpoint);
  MART_ASSIGN_OR_RETURN(std::optional<uid_t> peer, ProbeIpc(endpoint));
  MART_RETURN_IF_ERROR(CheckPeer(endpoint, peer));
  if (IsTcpEndpoint(endpoint)) {
    if (options_.server_key.empty()) return MissingServerKey(endpoint);
    MART_RETURN_IF_ERROR(UseCurveClient(*impl_->socket, options_.server_key));
  }
  try {
    impl_->socket->connect(endpoint);
  } catch (const zmq::error_t& e) {
    return InvalidArgument("bad endpoint '" + endpoint + "': " + e.what());
  }
  impl_->connected = true;
  ++impl_->connections;
  return Status::Ok();
}

Result<nlohmann::json> Client::Call(std::string_view method, const nlohmann::json& params,
                                    const CallOptions& call) {
  Request request;
  request.id = impl_->id_prefix + "-" + std::to_string(impl_->next_id++);
  request.method = std::string(method);
  request.auth = call.auth;
  request.params = params;
  request.idempotency_key = call.idempotency_key;
  request.forwarded_for = call.forwarded_for;
  const CommandSpec* spec = FindCommand(method);
  if (request.idempotency_key.empty() && spec != nullptr && spec->mutating) {
    request.idempotency_key = NewRandomKey();
  }
  const std::string frame = EncodeRequest(request);
  if (frame.size() > kMaxMessageBytes) {
    return InvalidArgument("request of " + std::to_string(frame.size()) + " bytes exceeds the " +
                           std::to_string(kMaxMessageBytes) + "-byte limit");
  }
  // A resent refresh whose first attempt did go through would look like token
  // reuse and end the session: calls whose replies are never replayed
  // (they carry tokens) are sent once, to one endpoint.
  const bool resend = spec == nullptr || !spec->mutating || spec->replay_reply;
  const size_t count = options_.endpoints.size();
  nlohmann::json tried = nlohmann::json::array();
  std::string listed;
  for (size_t n = 0; n < count; ++n) {
    if (n > 0) Use((current_ + 1) % count);
    Attempt attempt = Send(frame, request.id, resend ? options_.retries : 0, call);
    if (!attempt.missed || count == 1) return std::move(attempt.result);
    const std::string reason = ReasonOf(attempt.result.status());
    tried.push_back({{"endpoint", current_endpoint()}, {"reason", reason}});
    listed += (listed.empty() ? "" : ", ") + current_endpoint() + " (" + reason + ")";
    if (attempt.sent && !resend) break;
  }
  Use(start_);
  return Status(Code::kUnavailable, "daemon unavailable: tried " + listed, {{"tried", tried}});
}

Client::Attempt Client::Send(const std::string& frame, const std::string& id, int retries,
                             const CallOptions& call) {
  const std::string& endpoint = current_endpoint();
  bool sent = false;
  auto failed = [&sent](Status status) {
    const bool missed = status.code() == Code::kUnavailable;
    return Attempt{std::move(status), sent, missed};
  };
  for (int attempt = 0; attempt <= retries; ++attempt) {
    try {
      if (Status connected = Connect(); !connected.ok()) return failed(connected);
      bool queued = impl_->socket->send(zmq::buffer(frame), zmq::send_flags::dontwait).has_value();
      if (!queued && IsIpc(endpoint)) {
        // The connection ended before the monitor said so: a new one.
        impl_->Open(endpoint);
        if (Status connected = Connect(); !connected.ok()) return failed(connected);
        queued = impl_->socket->send(zmq::buffer(frame), zmq::send_flags::dontwait).has_value();
      }
      if (!queued) {
        return failed(Down(endpoint, "daemon unavailable at " + endpoint + ": send queue full",
                           "send queue full"));
      }
      sent = true;
      Result<std::optional<Reply>> reply =
          AwaitReply(id, call.result_text != nullptr ? ReplyResult::kText : ReplyResult::kValue);
      if (!reply.ok()) return failed(reply.status());
      if (*reply) {
        if (call.next != nullptr) *call.next = std::move((*reply)->next);
        if (call.answered != nullptr) *call.answered = endpoint;
        if (call.result_text != nullptr) *call.result_text = std::move((*reply)->result_text);
        return Attempt{std::move((*reply)->result), true, false};
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return Attempt{Status(Code::kUnavailable, "interrupted"), sent, false};
      return failed(Down(endpoint, "daemon unavailable at " + endpoint + ": " + e.what(),
                         e.what()));
    }
  }
  char waited[32];
  std::snprintf(waited, sizeof waited, "%.1f",
                static_cast<double>(options_.timeout.count()) * (retries + 1) / 1000.0);
  // A CURVE handshake with the wrong server key fails silently: say so.
  const std::string curve_hint =
      IsTcpEndpoint(endpoint)
          ? " (martd is not listening there, or its key differs from the pinned server key)"
          : "";
  return failed(Down(endpoint,
                     "daemon unavailable: no reply from " + endpoint + " within " + waited +
                         " s" + curve_hint,
                     std::string("no reply within ") + waited + " s" + curve_hint));
}

Result<std::optional<Reply>> Client::AwaitReply(const std::string& id, ReplyResult as) {
  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::optional<Reply>();
    zmq::pollitem_t item{impl_->socket->handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::min(left, kProbeEvery)) == 0) {
      // A daemon that stopped after we connected would cost the whole
      // timeout, per retry: look whether its socket is still served.
      if (IsIpc(current_endpoint())) MART_RETURN_IF_ERROR(ProbeIpc(current_endpoint()).status());
      // The connection ended (martd restarted): send again on a new one.
      if (impl_->Lost()) {
        impl_->Open(current_endpoint());
        return std::optional<Reply>();
      }
      continue;
    }
    std::vector<zmq::message_t> parts;
    if (!zmq::recv_multipart(*impl_->socket, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
      continue;
    }
    if (parts.size() == 3) {
      impl_->Keep(parts);
      continue;
    }
    if (parts.size() != 1) continue;
    Reply reply;
    Status decoded = DecodeReply(parts[0].to_string_view(), &reply, as);
    // Replies to earlier, timed-out calls share the socket: skip them. An
    // empty id is the daemon's answer to a frame it could not read at all,
    // which can only be the call in flight.
    if (decoded.ok() && reply.id != id && !(reply.id.empty() && !reply.status.ok())) continue;
    if (!decoded.ok()) return Internal("malformed reply from daemon: " + decoded.message());
    if (!reply.status.ok()) return reply.status;
    return std::optional<Reply>(std::move(reply));
  }
}

std::optional<FeedFrames> Client::NextEvent(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (impl_->events.empty() && !impl_->connected) {
    std::this_thread::sleep_for(timeout);  // nothing can come: wait as asked, never spin
    return std::nullopt;
  }
  while (impl_->events.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    zmq::pollitem_t item{impl_->socket->handle(), 0, ZMQ_POLLIN, 0};
    try {
      if (zmq::poll(&item, 1, std::max(left, std::chrono::milliseconds(0))) == 0) break;
      std::vector<zmq::message_t> parts;
      if (!zmq::recv_multipart(*impl_->socket, std::back_inserter(parts),
                               zmq::recv_flags::dontwait)) {
        continue;
      }
      // A late reply to a call that gave up waiting is dropped, as in Call.
      if (parts.size() == 3) impl_->Keep(parts);
    } catch (const zmq::error_t&) {
      break;  // EINTR: a signal, and the caller looks at why
    }
  }
  if (impl_->events.empty()) return std::nullopt;
  FeedFrames next = std::move(impl_->events.front());
  impl_->events.pop_front();
  return next;
}

std::string NewRandomKey() {
  if (sodium_init() < 0) std::abort();  // no usable randomness: nothing can be safe
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return HexEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

}  // namespace mart
