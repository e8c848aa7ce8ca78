#include "mart/client/client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sodium.h>
#include <zmq.hpp>

#include "mart/commands/spec.h"
#include "mart/text.h"
#include "mart/wire/curve_socket.h"
#include "mart/wire/envelope.h"

namespace mart {
namespace {

// A ZeroMQ ipc connect never fails: it retries in the background, and the
// request would wait out every timeout. Probing the Unix socket first turns
// "no daemon" into an immediate, specific error.
Status ProbeIpc(const std::string& endpoint) {
  const std::string kScheme = "ipc://";
  if (endpoint.rfind(kScheme, 0) != 0) return Status::Ok();
  std::string path = endpoint.substr(kScheme.size());
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) {
    return InvalidArgument("ipc path " + path + " is too long for a Unix socket");
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Unavailable("cannot create a socket: " + std::string(std::strerror(errno)));
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  int saved = errno;
  ::close(fd);
  if (rc == 0) return Status::Ok();
  if (saved == ENOENT || saved == ECONNREFUSED) {
    return Unavailable("daemon unavailable: martd is not running at " + endpoint);
  }
  return Unavailable("daemon unavailable at " + endpoint + ": " + std::strerror(saved));
}

// How often a call waiting for its reply checks that the daemon is still there.
constexpr std::chrono::milliseconds kProbeEvery{250};

}  // namespace

struct Client::Impl {
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::dealer};
  bool connected = false;
  uint64_t next_id = 1;
  std::string id_prefix = NewRandomKey().substr(0, 8);
};

Client::Client(ClientOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  impl_->socket.set(zmq::sockopt::linger, 0);
  impl_->socket.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kHardMaxMessageBytes));
}

Client::~Client() = default;

Result<nlohmann::json> Client::Call(std::string_view method, const nlohmann::json& params,
                                    const CallOptions& call) {
  if (!impl_->connected) {
    MART_RETURN_IF_ERROR(ProbeIpc(options_.endpoint));
    if (IsTcpEndpoint(options_.endpoint)) {
      if (options_.server_key.empty()) return MissingServerKey(options_.endpoint);
      MART_RETURN_IF_ERROR(UseCurveClient(impl_->socket, options_.server_key));
    }
    try {
      impl_->socket.connect(options_.endpoint);
    } catch (const zmq::error_t& e) {
      return InvalidArgument("bad endpoint '" + options_.endpoint + "': " + e.what());
    }
    impl_->connected = true;
  }
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
  // (they carry tokens) are sent once.
  const int retries = spec != nullptr && spec->mutating && !spec->replay_reply ? 0 : options_.retries;

  for (int attempt = 0; attempt <= retries; ++attempt) {
    try {
      if (!impl_->socket.send(zmq::buffer(frame), zmq::send_flags::dontwait)) {
        return Unavailable("daemon unavailable at " + options_.endpoint + ": send queue full");
      }
      auto deadline = std::chrono::steady_clock::now() + options_.timeout;
      while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        zmq::pollitem_t item{impl_->socket.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, std::min(left, kProbeEvery)) == 0) {
          // A daemon that stopped after we connected would cost the whole
          // timeout, per retry: look whether its socket is still served.
          MART_RETURN_IF_ERROR(ProbeIpc(options_.endpoint));
          continue;
        }
        zmq::message_t message;
        if (!impl_->socket.recv(message, zmq::recv_flags::dontwait)) continue;
        Reply reply;
        Status decoded = DecodeReply(message.to_string_view(), &reply);
        // Replies to earlier, timed-out calls share the socket: skip them. An
        // empty id is the daemon's answer to a frame it could not read at all,
        // which can only be the call in flight.
        if (decoded.ok() && reply.id != request.id && !(reply.id.empty() && !reply.status.ok())) {
          continue;
        }
        if (!decoded.ok()) return Internal("malformed reply from daemon: " + decoded.message());
        if (!reply.status.ok()) return reply.status;
        return std::move(reply.result);
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return Status(Code::kUnavailable, "interrupted");
      return Unavailable("daemon unavailable at " + options_.endpoint + ": " + e.what());
    }
  }
  char waited[32];
  std::snprintf(waited, sizeof waited, "%.1f",
                static_cast<double>(options_.timeout.count()) * (retries + 1) / 1000.0);
  // A CURVE handshake with the wrong server key fails silently: say so.
  const std::string curve_hint =
      IsTcpEndpoint(options_.endpoint)
          ? " (martd is not listening there, or its key differs from the pinned server key)"
          : "";
  return Unavailable("daemon unavailable: no reply from " + options_.endpoint + " within " +
                     waited + " s" + curve_hint);
}

std::string NewRandomKey() {
  if (sodium_init() < 0) std::abort();  // no usable randomness: nothing can be safe
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return HexEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

}  // namespace mart
