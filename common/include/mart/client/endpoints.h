#pragma once
// Endpoint lists: several martd instances serving one store (a cluster) are
// addressed as one comma-separated list, "ipc:///run/a.sock,tcp://b:7000",
// by martctl (--endpoint, $MART_ENDPOINT, the config file), mart-rest and
// mart-bench. mart::Client takes the list and a policy (client.h). An
// endpoint in a list cannot contain a comma. Pure functions: thread safe.

#include <string>
#include <string_view>
#include <vector>

#include "mart/status.h"

namespace mart {

// Which endpoint of a list a Client tries first.
enum class EndpointPolicy {
  // The first in list order; the Client stays on the one that answers until
  // it fails, then tries the next.
  kFailover,
  // A random one per Client (spreads many clients over the instances), then
  // round the list from there.
  kRandom,
};

// "failover", "random".
std::string_view EndpointPolicyName(EndpointPolicy policy);
const std::vector<std::string>& EndpointPolicyNames();
// INVALID_ARGUMENT "<what> must be failover or random, not '…'".
Result<EndpointPolicy> ParseEndpointPolicy(std::string_view text, std::string_view what);

// "ipc:///a.sock, tcp://b:7000" -> {"ipc:///a.sock", "tcp://b:7000"}: split at
// commas, blanks around each entry dropped. INVALID_ARGUMENT naming `what`
// for an empty list or an empty entry ("a,,b", "a,"). Entries are not
// otherwise checked: the Client reports a bad one when it connects.
Result<std::vector<std::string>> SplitEndpoints(std::string_view text, std::string_view what);

// The list as SplitEndpoints reads it: entries joined by ",".
std::string JoinEndpoints(const std::vector<std::string>& endpoints);

}  // namespace mart
