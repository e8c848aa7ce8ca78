#include "rest/listener.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mart::rest {
namespace {

int BindAndListen(const addrinfo& address) {
  const int type = address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC;
  const int fd = ::socket(address.ai_family, type, 0);
  if (fd < 0) return -1;
  int yes = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0 &&
      ::bind(fd, address.ai_addr, address.ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
    return fd;
  }
  ::close(fd);
  return -1;
}

}  // namespace

Result<Listener> OpenListener(const std::string& host, int port) {
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) found = nullptr;
  Listener listener;
  for (addrinfo* at = found; at != nullptr && listener.fd < 0; at = at->ai_next) {
    listener.fd = BindAndListen(*at);
  }
  if (found != nullptr) ::freeaddrinfo(found);
  sockaddr_storage bound = {};
  socklen_t length = sizeof bound;
  if (listener.fd >= 0 &&
      ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&bound);
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&bound);
    listener.port = ntohs(bound.ss_family == AF_INET6 ? in6->sin6_port : in->sin_port);
    return listener;
  }
  if (listener.fd >= 0) ::close(listener.fd);
  return Unavailable("cannot listen on " + host + ":" + service);
}

}  // namespace mart::rest
