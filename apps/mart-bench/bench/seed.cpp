#include "bench/seed.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <ostream>
#include <random>

#include "mart/client/client.h"

namespace mart::bench {
namespace {

using nlohmann::json;

constexpr int64_t kImportBatch = 2000;  // rows per product.import: ~300 KiB, well under 1 MiB
constexpr int64_t kStock = 1000000000;  // the largest quantity product.create takes
constexpr const char* kPassword = "Bench-Passw0rd";

std::string Money(int64_t cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return text;
}

Status ImportProducts(Client& client, const std::string& auth, const SeedSpec& spec,
                      Fixture* fixture, std::ostream& log) {
  std::mt19937_64 random(spec.seed);
  std::uniform_int_distribution<int64_t> cents(100, 100000);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < spec.products;) {
    json rows = json::array();
    for (; done < spec.products && static_cast<int64_t>(rows.size()) < kImportBatch; ++done) {
      rows.push_back(
          {{"name", "bench product " + std::to_string(done)},
           {"description", "a product seeded by mart-bench for the list and get workloads"},
           {"category", fixture->categories[done % fixture->categories.size()]},
           {"price", Money(cents(random))},
           {"quantity", kStock}});
    }
    auto result = client.Call("product.import", {{"products", std::move(rows)}},
                              {.auth = auth, .idempotency_key = ""});
    if (!result.ok()) return result.status();
    for (const auto& id : (*result)["ids"]) fixture->product_ids.push_back(id.get<std::string>());
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  log << "mart-bench: seeded " << spec.products << " products in " << took.count() << " s\n";
  return Status::Ok();
}

Status AddUser(Client& client, const Fixture& fixture, int index, BenchUser* user) {
  user->email = fixture.tag + "-user" + std::to_string(index) + "@bench.example";
  user->password = kPassword;
  auto registered = client.Call("auth.register", {{"email", user->email},
                                                  {"password", kPassword},
                                                  {"first_name", "Bench"},
                                                  {"last_name", "User"}});
  if (!registered.ok()) return registered.status();
  user->id = (*registered)["id"].get<int64_t>();
  auto login = client.Call("auth.login", {{"email", user->email}, {"password", kPassword}});
  if (!login.ok()) return login.status();
  user->token = (*login)["access_token"].get<std::string>();
  auto address = client.Call("address.add",
                             {{"line1", "1 Bench Street"},
                              {"city", "Loadville"},
                              {"postal_code", "12345"},
                              {"country", "US"}},
                             {.auth = user->token, .idempotency_key = ""});
  return address.ok() ? Status::Ok() : address.status();
}

Result<std::string> EventsEndpoint(Client& client) {
  auto status = client.Call("daemon.status", json::object());
  if (!status.ok()) return status.status();
  return (*status)["events_endpoint"].get<std::string>();
}

Result<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read " + path + " (write it with --seed-only)");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) return InvalidArgument(path + " is empty");
  return lines;
}

Status WriteAll(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// mkstemp makes the file 0600 whatever the umask, before any byte is in it.
Status WritePrivateLines(const std::string& path, const std::vector<std::string>& lines) {
  std::string temp = path + ".XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return Unavailable("cannot write " + path + ": " + std::strerror(errno));
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  Status status = WriteAll(fd, text);
  if (::close(fd) != 0 && status.ok()) status = Unavailable(std::strerror(errno));
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = Unavailable(std::strerror(errno));
  }
  if (status.ok()) return status;
  ::unlink(temp.c_str());
  return Unavailable("cannot write " + path + ": " + status.message());
}

}  // namespace

Result<Fixture> LoadFixture(const std::vector<std::string>& endpoints, const std::string& operator_auth,
                            const std::string& dir) {
  Fixture fixture;
  fixture.endpoints = endpoints;
  fixture.operator_auth = operator_auth;
  fixture.tag = "fixture";
  // As the operator: its cookie is the first endpoint's (--data-dir), and goes nowhere else.
  Client client({.endpoints = {endpoints.front()},
                 .timeout = std::chrono::milliseconds(60000),
                 .retries = 1});
  MART_ASSIGN_OR_RETURN(fixture.events_endpoint, EventsEndpoint(client));
  MART_ASSIGN_OR_RETURN(fixture.product_ids, ReadLines(dir + "/products.txt"));
  MART_ASSIGN_OR_RETURN(fixture.categories, ReadLines(dir + "/categories.txt"));
  MART_ASSIGN_OR_RETURN(auto tokens, ReadLines(dir + "/tokens.txt"));
  for (std::string& token : tokens) {
    BenchUser user;
    user.token = std::move(token);
    fixture.users.push_back(std::move(user));
  }
  return fixture;
}

Status WriteFixture(const Fixture& fixture, const std::string& dir) {
  std::vector<std::string> tokens;
  for (const BenchUser& user : fixture.users) tokens.push_back(user.token);
  const std::pair<const char*, const std::vector<std::string>*> files[] = {
      {"products.txt", &fixture.product_ids},
      {"categories.txt", &fixture.categories},
      {"tokens.txt", &tokens}};
  for (const auto& [name, lines] : files) {
    MART_RETURN_IF_ERROR(WritePrivateLines(dir + "/" + name, *lines));
  }
  return Status::Ok();
}

Result<Fixture> SeedFixture(const std::vector<std::string>& endpoints, const std::string& operator_auth,
                            const SeedSpec& spec, std::ostream& log) {
  Fixture fixture;
  fixture.endpoints = endpoints;
  fixture.operator_auth = operator_auth;
  fixture.tag = "b" + NewRandomKey().substr(0, 8);
  // As the operator: its cookie is the first endpoint's (--data-dir), and goes nowhere else.
  Client client({.endpoints = {endpoints.front()},
                 .timeout = std::chrono::milliseconds(60000),
                 .retries = 1});
  MART_ASSIGN_OR_RETURN(fixture.events_endpoint, EventsEndpoint(client));
  for (int c = 0; c < spec.categories; ++c) {
    char name[64];
    std::snprintf(name, sizeof name, "%s-cat-%02d", fixture.tag.c_str(), c);
    fixture.categories.push_back(name);
  }
  MART_RETURN_IF_ERROR(ImportProducts(client, operator_auth, spec, &fixture, log));
  fixture.users.resize(spec.users);
  for (int u = 0; u < spec.users; ++u) {
    MART_RETURN_IF_ERROR(AddUser(client, fixture, u, &fixture.users[u]));
  }
  log << "mart-bench: seeded " << spec.users << " users\n";
  return fixture;
}

}  // namespace mart::bench
