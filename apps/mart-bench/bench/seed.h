#pragma once
// Seeds a benchmark's data through the protocol, as the local operator:
// products (product.import in batches of 2000, the bulk path martctl uses)
// spread over categories with random prices and stock that cannot run out,
// and customers (auth.register, auth.login, address.add) whose access tokens
// the workloads use. Names and emails carry a run tag, so seeding an existing
// daemon never collides with what is there.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "mart/status.h"

namespace mart::bench {

struct BenchUser {
  int64_t id = 0;
  std::string email;
  std::string password;
  std::string token;  // access token
};

struct Fixture {
  // One martd, or several serving one store; the operator cookie is the first's.
  std::vector<std::string> endpoints;
  std::string events_endpoint;         // the first one's
  std::string operator_auth;  // "cookie:<hex>"
  std::string tag;
  std::vector<std::string> product_ids;
  std::vector<std::string> categories;
  std::vector<BenchUser> users;
};

struct SeedSpec {
  int64_t products = 100000;
  int categories = 20;
  int users = 16;
  uint64_t seed = 1;
};

// Prints progress lines to `log`. Prices are uniform in 1.00–1000.00.
// Reads what WriteFixture wrote (--seed-only) for a martd already seeded:
// products, categories and customer tokens (no emails or passwords).
Result<Fixture> LoadFixture(const std::vector<std::string>& endpoints, const std::string& operator_auth,
                            const std::string& dir);
Result<Fixture> SeedFixture(const std::vector<std::string>& endpoints, const std::string& operator_auth,
                            const SeedSpec& spec, std::ostream& log);

// --seed-only: products.txt, categories.txt and tokens.txt in `dir`, one item
// per line (what LoadFixture and the wrk scripts read). tokens.txt holds live
// access tokens, so every file is created mode 0600 (whatever the umask) and
// renamed into place: never readable by others, not even while it is written,
// and an older file of another mode is replaced, not rewritten.
// UNAVAILABLE naming the file when it cannot be written.
Status WriteFixture(const Fixture& fixture, const std::string& dir);

}  // namespace mart::bench
