#include "rest/client_pool.h"

namespace mart::rest {

ClientPool::ClientPool(ClientOptions options) : options_(std::move(options)) {}

Result<nlohmann::json> ClientPool::Call(std::string_view method, const nlohmann::json& params,
                                        const CallOptions& options) {
  std::unique_ptr<Client> client = Acquire();
  Result<nlohmann::json> result = client->Call(method, params, options);
  if (result.ok() || result.status().code() != Code::kUnavailable) Release(std::move(client));
  return result;
}

std::unique_ptr<Client> ClientPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Client> client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  return std::make_unique<Client>(options_);
}

void ClientPool::Release(std::unique_ptr<Client> client) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(client));
}

}  // namespace mart::rest
