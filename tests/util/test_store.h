#pragma once
// Layered fixtures for martd tests (STYLE.md rule 10), header-only so unit and
// integration tests share them:
//   StoreHarness   — an in-memory store at the latest schema, an outbox over
//                    its event log, and a FakeClock; NewTx() is one request.
//   ServiceHarness — the daemon's Services over that store, with the cheapest
//                    password cost and a fixed signing key and cookie, plus
//                    shortcuts to register, log in and authenticate users.
// Fixtures throw std::runtime_error when the setup itself fails; GoogleTest
// reports that as a failure of the test. Not thread safe.

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "events/outbox.h"
#include "mart/status.h"
#include "mart/wire/envelope.h"
#include "services/clock.h"
#include "services/services.h"
#include "stores/store.h"

namespace mart::test {

inline constexpr std::string_view kTestPassword = "Password123";
// 64 hex characters, the shape DataDir::WriteCookie produces.
inline constexpr std::string_view kTestCookie =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

inline SigningKey TestSigningKey() {
  SigningKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
  return key;
}

// The daemon's defaults, with the cheapest argon2id cost so tests stay fast.
inline AuthOptions TestAuthOptions() {
  AuthOptions options;
  options.password_cost = PasswordCost::kMinimum;
  return options;
}

// Unwraps a Result in fixture code, where a failure means the setup is broken.
template <typename T>
T Must(Result<T> result, std::string_view what) {
  if (!result.ok()) {
    throw std::runtime_error(std::string(what) + ": " + result.status().ToString());
  }
  return std::move(result).value();
}

inline void Must(const Status& status, std::string_view what) {
  if (!status.ok()) throw std::runtime_error(std::string(what) + ": " + status.ToString());
}

// The store tests' database: private and in memory, or, when the environment
// has MART_TEST_STORE=postgresql://…, a fresh schema of that PostgreSQL
// database (tests/pg/pg-cluster.sh starts a throwaway server; the schemas go
// with it).
// FreshTestStore() is that schema's location, "" without MART_TEST_STORE.
inline std::string FreshTestStore() {
  const char* postgres = std::getenv("MART_TEST_STORE");
  if (postgres == nullptr || *postgres == '\0') return "";
  static std::atomic<int> next{0};
  const std::string schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(++next) +
                             "_" + std::to_string(std::random_device{}() % 1000000);
  {
    auto admin = Must(store::Database::Open(postgres, store::OpenMode::kReadWrite), "connect");
    Must(admin->Execute("CREATE SCHEMA " + schema), "create schema");
  }
  std::string location = postgres;
  location += location.find('?') == std::string::npos ? "?" : "&";
  location += "options=-csearch_path%3D" + schema;
  return location;
}

inline std::unique_ptr<store::Store> OpenMemoryStore() {
  const std::string postgres = FreshTestStore();
  if (postgres.empty()) {
    return Must(store::Store::Open("", store::OpenMode::kMemory), "open in-memory store");
  }
  return Must(store::Store::Open(postgres, store::OpenMode::kReadWrite), "open test schema");
}

// The largest id of `table` (tests that insert rows with raw SQL).
inline int64_t LastId(store::Database& db, const std::string& table) {
  auto q = Must(db.PrepareText("SELECT max(id) FROM " + table), "last id");
  Must(q.Next(), "last id row");
  return q.Int(0);
}

class StoreHarness {
 public:
  StoreHarness() : store_(OpenMemoryStore()), outbox_(store_->events(), clock_) {}
  StoreHarness(const StoreHarness&) = delete;
  StoreHarness& operator=(const StoreHarness&) = delete;

  FakeClock& clock() { return clock_; }
  store::Store& store() { return *store_; }
  Outbox& outbox() { return outbox_; }
  // One request's view of the store, stamped with the clock's time now.
  Tx NewTx() { return Tx{*store_, outbox_, clock_.NowMicros()}; }

 protected:
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  Outbox outbox_;
};

// A logged-in user: the registered account, the login reply and the
// principal its access token authenticates as.
struct TestLogin {
  User user;
  nlohmann::json tokens;
  Principal principal;
  std::string access_token() const { return tokens.at("access_token").get<std::string>(); }
  std::string refresh_token() const { return tokens.at("refresh_token").get<std::string>(); }
};

class ServiceHarness : public StoreHarness {
 public:
  explicit ServiceHarness(AuthOptions options = TestAuthOptions(), PaymentOptions payments = {})
      : services_(clock_, TestSigningKey(), std::string(kTestCookie), options, Info(&ready_),
                  payments) {}

  Services& services() { return services_; }
  AuthService& auth() { return services_.auth; }
  AccountService& accounts() { return services_.accounts; }
  std::atomic<bool>& ready() { return ready_; }

  // The policy check and hash as the register handler's prepare step does
  // them, then AuthService::Register in its own Tx.
  Result<User> Register(std::string_view email, std::string_view password = kTestPassword,
                        std::string first_name = "Ann", std::string last_name = "Lee") {
    MART_ASSIGN_OR_RETURN(std::string hash, services_.auth.HashNewPassword(password));
    Tx tx = NewTx();
    return services_.auth.Register(
        tx, NewUser{std::string(email), std::move(first_name), std::move(last_name), {}}, hash);
  }

  // VerifyLogin (the prepare step) then Login in its own Tx: the token reply.
  Result<nlohmann::json> Login(std::string_view email, std::string_view password = kTestPassword) {
    MART_ASSIGN_OR_RETURN(VerifiedLogin verified,
                          services_.auth.VerifyLogin(*store_, email, password));
    Tx tx = NewTx();
    return services_.auth.Login(tx, verified);
  }

  // What the dispatcher does with a request's auth field: Authenticate, then
  // Confirm against the database.
  Result<Principal> Authorize(std::string_view auth) {
    MART_ASSIGN_OR_RETURN(Principal principal, services_.auth.Authenticate(auth));
    Tx tx = NewTx();
    MART_RETURN_IF_ERROR(services_.auth.Confirm(tx.store, &principal));
    return principal;
  }

  // Registers and logs in; throws when either fails.
  TestLogin SignUp(std::string_view email, std::string first_name = "Ann") {
    TestLogin login;
    login.user = Must(Register(email, kTestPassword, std::move(first_name)), "register");
    login.tokens = Must(Login(email), "login");
    login.principal = Must(Authorize(login.access_token()), "authorize");
    return login;
  }

  static Principal Operator() {
    Principal principal;
    principal.kind = Principal::Kind::kOperator;
    principal.role = kRoleAdmin;
    return principal;
  }

  static std::string CookieAuth() {
    // Appending, not operator+ of two temporaries: GCC 12 reports a false
    // -Warray-bounds in the inlined string move of the latter.
    std::string auth(kCookieAuthPrefix);
    auth += kTestCookie;
    return auth;
  }

 private:
  static DaemonInfo Info(const std::atomic<bool>* ready) {
    DaemonInfo info;
    info.pid = 4242;
    info.started_at = FakeClock().NowMicros();
    info.ready = ready;
    return info;
  }

  std::atomic<bool> ready_{true};
  Services services_;
};

// A fault injected under the stores, on either backend: every `when` (e.g.
// "BEFORE INSERT", "BEFORE UPDATE OF stock") on `table` fails with `message`
// until FixTriggerFault(name); with a `condition` (SQL on NEW), only the rows
// that meet it.
inline void InjectTriggerFault(store::Database& db, const std::string& name,
                               const std::string& when, const std::string& table,
                               const std::string& message = "disk trouble",
                               const std::string& condition = "") {
  const std::string only = condition.empty() ? "" : " WHEN (" + condition + ")";
  auto sql = [&db](const std::string& text) { Must(db.Execute(text), text); };
  if (db.backend() == store::Backend::kPostgres) {
    sql("CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS "
        "'BEGIN RAISE EXCEPTION ''" + message + "''; END'");
    sql("CREATE TRIGGER " + name + " " + when + " ON " + table + " FOR EACH ROW" + only +
        " EXECUTE FUNCTION " + name + "()");
  } else {
    sql("CREATE TRIGGER " + name + " " + when + " ON " + table + " FOR EACH ROW" + only +
        " BEGIN SELECT RAISE(ABORT, '" + message + "'); END");
  }
}
inline void FixTriggerFault(store::Database& db, const std::string& name,
                            const std::string& table) {
  auto sql = [&db](const std::string& text) { Must(db.Execute(text), text); };
  if (db.backend() == store::Backend::kPostgres) {
    sql("DROP TRIGGER " + name + " ON " + table);
    sql("DROP FUNCTION " + name + "()");
  } else {
    sql("DROP TRIGGER " + name);
  }
}

}  // namespace mart::test
