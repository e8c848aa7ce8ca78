#include "rpc/request_source.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <optional>

namespace mart::rpc {
namespace {

// ZeroMQ reports an ipc peer as "<address>:<uid>:<gid>:<pid>".
std::optional<uid_t> PeerUid(std::string_view peer_address) {
  size_t end = peer_address.size();
  for (int field = 0; field < 2; ++field) {  // skip pid, then gid
    end = peer_address.rfind(':', end - 1);
    if (end == std::string_view::npos || end == 0) return std::nullopt;
  }
  size_t begin = peer_address.rfind(':', end - 1);
  if (begin == std::string_view::npos) return std::nullopt;
  uid_t uid = 0;
  const char* first = peer_address.data() + begin + 1;
  const char* last = peer_address.data() + end;
  auto [ptr, error] = std::from_chars(first, last, uid);
  if (error != std::errc() || ptr != last || first == last) return std::nullopt;
  return uid;
}

}  // namespace

std::string AddressSource(std::string_view address) {
  const std::string text(address);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  char shown[INET6_ADDRSTRLEN] = {};
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    return inet_ntop(AF_INET, &v6.s6_addr[12], shown, sizeof shown) ? shown : text;
  }
  std::memset(&v6.s6_addr[8], 0, 8);
  return inet_ntop(AF_INET6, &v6, shown, sizeof shown) ? std::string(shown) + "/64" : text;
}

std::string RequestSource(std::string_view peer_address, bool tcp, std::string_view forwarded_for,
                          uid_t daemon_uid) {
  if (tcp) return peer_address.empty() ? "tcp (unknown address)" : AddressSource(peer_address);
  std::optional<uid_t> uid = PeerUid(peer_address);
  if (!uid) return "local (unknown uid)";
  if (*uid == daemon_uid && !forwarded_for.empty()) {
    return AddressSource(forwarded_for) + " (forwarded)";
  }
  return "local uid " + std::to_string(*uid);
}

}  // namespace mart::rpc
