#include "mart/client/endpoints.h"

#include <gtest/gtest.h>

namespace mart {
namespace {

using Endpoints = std::vector<std::string>;

TEST(EndpointsTest, OneEndpointIsAListOfOne) {
  EXPECT_EQ(SplitEndpoints("ipc:///run/martd.sock", "--endpoint").value(),
            Endpoints{"ipc:///run/martd.sock"});
}

TEST(EndpointsTest, CommasSeparateAndBlanksAroundAreDropped) {
  EXPECT_EQ(SplitEndpoints(" ipc:///a.sock ,tcp://b:7000,\ttcp://c:7000 ", "x").value(),
            (Endpoints{"ipc:///a.sock", "tcp://b:7000", "tcp://c:7000"}));
  EXPECT_EQ(JoinEndpoints({"ipc:///a.sock", "tcp://b:7000"}), "ipc:///a.sock,tcp://b:7000");
}

TEST(EndpointsTest, AnEmptyEntryIsInvalidAndNamesItsSource) {
  for (const char* bad : {"", " ", "ipc:///a.sock,", ",ipc:///a.sock", "ipc:///a,,ipc:///b"}) {
    Result<Endpoints> list = SplitEndpoints(bad, "endpoint (env MART_ENDPOINT)");
    ASSERT_FALSE(list.ok()) << bad;
    EXPECT_EQ(list.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(list.status().message().rfind("endpoint (env MART_ENDPOINT) has an empty", 0), 0u)
        << list.status().message();
  }
}

TEST(EndpointsTest, PoliciesByName) {
  EXPECT_EQ(ParseEndpointPolicy("failover", "p").value(), EndpointPolicy::kFailover);
  EXPECT_EQ(ParseEndpointPolicy("random", "p").value(), EndpointPolicy::kRandom);
  for (const std::string& name : EndpointPolicyNames()) {
    EXPECT_EQ(EndpointPolicyName(ParseEndpointPolicy(name, "p").value()), name);
  }
  Result<EndpointPolicy> bad = ParseEndpointPolicy("Random", "--endpoint-policy");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "--endpoint-policy must be failover or random, not 'Random'");
}

}  // namespace
}  // namespace mart
