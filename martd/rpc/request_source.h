#pragma once
// Where a request comes from, for the login limits (services/login_limiter.h,
// PROTOCOL.md §9). The socket thread works it out from what ZeroMQ knows of
// the connection (the message property "Peer-Address") and the request's
// forwarded_for:
//
//   tcp:// (CURVE)       the peer's IP address, "203.0.113.9"; an IPv6 peer
//                        counts as its /64 network, "2001:db8:1:2::/64",
//                        since one host commonly holds a whole /64.
//                        forwarded_for is ignored: anyone holding the server
//                        key may connect, so nothing they say is trusted.
//   ipc://               "local uid 1000", the Unix user of the connecting
//                        process (SO_PEERCRED, which ZeroMQ reports).
//   ipc://, martd's own  the forwarded address, "203.0.113.9 (forwarded)",
//   Unix user, with      when the request carries one (mart-rest sets it
//   forwarded_for        from its HTTP client's peer address), else
//                        "local uid N".
//
// Why forwarded_for is trusted from martd's own Unix user and from nobody
// else: that user can read the data dir (the operator cookie, the signing
// key), so it is the operator already and has nothing to gain by naming a
// source; any other caller could name sources at will, to spread guesses
// over made-up sources or to spend the budget of somebody else's. A process
// of another Unix user (when the operator opened the socket's directory to
// it) counts as that user, whatever it claims.
//
// Pure functions; thread safe.

#include <sys/types.h>

#include <string>
#include <string_view>

namespace mart::rpc {

// `peer_address` is ZeroMQ's "Peer-Address" of the connection ("" when it
// has none): an IP address on tcp, "<…>:<uid>:<gid>:<pid>" on ipc.
std::string RequestSource(std::string_view peer_address, bool tcp, std::string_view forwarded_for,
                          uid_t daemon_uid);

// An IP address as a limiter key: IPv4 as it is, an IPv4-mapped IPv6
// address as IPv4, other IPv6 as its /64 ("2001:db8:1:2::/64"); anything
// else unchanged.
std::string AddressSource(std::string_view address);

}  // namespace mart::rpc
