#pragma once
// A pool of mart::Client connections for the HTTP worker threads. A Client is
// not thread safe, so each call borrows one for its duration (creating one
// when none is idle) and gives it back. A client whose call ended UNAVAILABLE
// is dropped rather than reused, so a late reply can never reach the next
// caller, and the next call connects afresh: the bridge recovers by itself
// when martd comes back. Thread safe.

#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/client/client.h"
#include "mart/status.h"

namespace mart::rest {

class ClientPool {
 public:
  explicit ClientPool(ClientOptions options);

  // Client::Call on a borrowed client: the result, the daemon's error, or UNAVAILABLE.
  Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params,
                              const CallOptions& options);

 private:
  std::unique_ptr<Client> Acquire();
  void Release(std::unique_ptr<Client> client);

  const ClientOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Client>> idle_;
};

}  // namespace mart::rest
