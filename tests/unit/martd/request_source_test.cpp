#include "rpc/request_source.h"

#include <gtest/gtest.h>

namespace mart::rpc {
namespace {

constexpr uid_t kDaemonUid = 1000;

TEST(RequestSourceTest, TcpPeersAreTheirAddressAndForwardedForIsIgnored) {
  EXPECT_EQ(RequestSource("203.0.113.9", true, "", kDaemonUid), "203.0.113.9");
  // Anyone with the server key may connect over tcp: nothing they claim counts.
  EXPECT_EQ(RequestSource("203.0.113.9", true, "198.51.100.7", kDaemonUid), "203.0.113.9");
  EXPECT_EQ(RequestSource("", true, "", kDaemonUid), "tcp (unknown address)");
}

TEST(RequestSourceTest, IpcPeersAreTheirUnixUser) {
  EXPECT_EQ(RequestSource("localhost:1001:1001:4242", false, "", kDaemonUid), "local uid 1001");
  EXPECT_EQ(RequestSource("localhost:1000:100:77", false, "", kDaemonUid), "local uid 1000");
  EXPECT_EQ(RequestSource("", false, "", kDaemonUid), "local (unknown uid)");
  EXPECT_EQ(RequestSource("x:y:z", false, "", kDaemonUid), "local (unknown uid)");
}

// Only martd's own Unix user (mart-rest as the operator runs it) may name the
// client it serves: that user holds the cookie and key, so it gains nothing
// by lying; anyone else could lock out others or dodge the per-source count.
TEST(RequestSourceTest, ForwardedForIsTrustedFromTheDaemonsOwnUserOnly) {
  EXPECT_EQ(RequestSource("localhost:1000:1000:9", false, "203.0.113.9", kDaemonUid),
            "203.0.113.9 (forwarded)");
  EXPECT_EQ(RequestSource("localhost:1001:1000:9", false, "203.0.113.9", kDaemonUid),
            "local uid 1001");
  EXPECT_EQ(RequestSource("", false, "203.0.113.9", kDaemonUid), "local (unknown uid)");
}

TEST(RequestSourceTest, Ipv6CountsAsItsSlash64AndMappedIpv4AsIpv4) {
  EXPECT_EQ(AddressSource("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressSource("2001:db8:1:2::1"), AddressSource("2001:db8:1:2:ffff::9"));
  EXPECT_EQ(AddressSource("::ffff:192.0.2.5"), "192.0.2.5");
  EXPECT_EQ(AddressSource("192.0.2.5"), "192.0.2.5");
  EXPECT_EQ(AddressSource("fe80::1%eth0"), "fe80::1%eth0");  // not parsed: kept as it is
  EXPECT_EQ(RequestSource("localhost:1000:1000:9", false, "2001:db8::7", kDaemonUid),
            "2001:db8::/64 (forwarded)");
}

}  // namespace
}  // namespace mart::rpc
