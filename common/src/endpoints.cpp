#include "mart/client/endpoints.h"

#include "mart/text.h"

namespace mart {

std::string_view EndpointPolicyName(EndpointPolicy policy) {
  switch (policy) {
    case EndpointPolicy::kFailover:
      return "failover";
    case EndpointPolicy::kRandom:
      return "random";
  }
  return "failover";
}

const std::vector<std::string>& EndpointPolicyNames() {
  static const std::vector<std::string> kNames = {"failover", "random"};
  return kNames;
}

Result<EndpointPolicy> ParseEndpointPolicy(std::string_view text, std::string_view what) {
  for (EndpointPolicy policy : {EndpointPolicy::kFailover, EndpointPolicy::kRandom}) {
    if (text == EndpointPolicyName(policy)) return policy;
  }
  return InvalidArgument(std::string(what) + " must be failover or random, not '" +
                         std::string(text) + "'");
}

Result<std::vector<std::string>> SplitEndpoints(std::string_view text, std::string_view what) {
  std::vector<std::string> endpoints;
  while (true) {
    const size_t comma = text.find(',');
    std::string_view entry = Trim(text.substr(0, comma));
    if (entry.empty()) {
      return InvalidArgument(std::string(what) + " has an empty endpoint: give one endpoint, " +
                             "or several separated by commas");
    }
    endpoints.emplace_back(entry);
    if (comma == std::string_view::npos) return endpoints;
    text.remove_prefix(comma + 1);
  }
}

std::string JoinEndpoints(const std::vector<std::string>& endpoints) {
  std::string joined;
  for (const std::string& endpoint : endpoints) joined += (joined.empty() ? "" : ",") + endpoint;
  return joined;
}

}  // namespace mart
