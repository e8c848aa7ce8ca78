#pragma once
// An in-process martd in a fresh temp data dir, driven by a FakeClock, for
// integration tests. Each test gets its own daemon and endpoint; everything
// is removed afterwards.

#include <gtest/gtest.h>
#include <fstream>
#include <memory>
#include <string>

#include "daemon/daemon.h"
#include "mart/client/client.h"
#include "mart/wire/envelope.h"
#include "services/clock.h"
#include "temp_dir.h"
#include "test_store.h"

namespace mart::testing {

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = temp_.path();
    options_.data_dir = root_ + "/data";
    options_.listen = "ipc://" + root_ + "/data/run/martd.sock";
    options_.auth.password_cost = PasswordCost::kMinimum;
    options_.store = test::FreshTestStore();  // "" (SQLite in the data dir) unless the pg run
    StartDaemon();
  }

  void TearDown() override {
    client_.reset();
    daemon_.reset();
  }

  void StartDaemon() {
    daemon_ = std::make_unique<daemon::Daemon>(options_, &clock_);
    Status started = daemon_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  void RestartDaemon() {
    daemon_.reset();
    StartDaemon();
  }

  std::unique_ptr<Client> NewClient() {
    ClientOptions options;
    options.endpoints = {options_.listen};
    options.timeout = std::chrono::milliseconds(10000);
    options.retries = 0;
    return std::make_unique<Client>(options);
  }

  Result<nlohmann::json> Call(std::string_view method, nlohmann::json params = nlohmann::json::object(),
                              std::string auth = "", std::string key = "") {
    if (!client_) client_ = NewClient();
    return client_->Call(method, params, CallOptions{std::move(auth), std::move(key)});
  }

  // Registers and logs in; returns the access token.
  std::string RegisterAndLogin(const std::string& email, const std::string& password = "Password123") {
    auto registered = Call("auth.register", {{"email", email}, {"password", password},
                                             {"first_name", "Test"}, {"last_name", "User"}});
    EXPECT_TRUE(registered.ok()) << registered.status().ToString();
    return Login(email, password)["access_token"].get<std::string>();
  }

  nlohmann::json Login(const std::string& email, const std::string& password = "Password123") {
    auto tokens = Call("auth.login", {{"email", email}, {"password", password}});
    EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
    return tokens.ok() ? *tokens : nlohmann::json::object();
  }

  std::string Cookie() const {
    std::ifstream in(options_.data_dir + "/cookie");
    std::string cookie;
    std::getline(in, cookie);
    return std::string(kCookieAuthPrefix) + cookie;
  }

  test::TempDir temp_;
  std::string root_;
  daemon::DaemonOptions options_;
  FakeClock clock_;
  std::unique_ptr<daemon::Daemon> daemon_;
  std::unique_ptr<Client> client_;
};

}  // namespace mart::testing
