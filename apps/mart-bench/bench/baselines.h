#pragma once
// The two baselines every run measures beside martd, so that results are
// ratios that hold on a noisy machine:
//
// EchoServer: a bare ZeroMQ ROUTER on its own thread that does the JSON work
// of a request and nothing else: it decodes the envelope with the real
// DecodeRequest, copies a canned result of the same size and shape as
// martd's reply to that method, and encodes it with EncodeReply. No storage,
// no threads hand-offs. The same driver and workload drive it.
//
// SqliteCommitBaseline: SQLite alone, as martd's store thread uses it: one
// writer thread on a WAL database with synchronous=FULL takes every row its
// producers have handed over (up to 512), inserts each under its own
// SAVEPOINT in one BEGIN IMMEDIATE transaction, commits once and then
// releases the producers. `clients` producer threads each hand one row of an
// order's size at a time. This file is the one place outside martd/stores/
// that speaks SQL: it measures SQLite, not mart.

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "bench/driver.h"
#include "mart/status.h"

namespace mart::bench {

class EchoServer {
 public:
  // `results`: method → the result to answer with (others get {}).
  EchoServer(std::string endpoint, std::map<std::string, nlohmann::json> results);
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  // Binds and starts the thread; returns once the socket is bound.
  Status Start();
  void Stop();

 private:
  void Run();

  std::string endpoint_;
  std::map<std::string, nlohmann::json> results_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  Status bind_status_;
};

struct SqliteBaselineSpec {
  std::string db_path;  // created; removed with its -wal and -shm afterwards
  int clients = 1;
  double warmup_s = 1;
  double duration_s = 5;
  int64_t count = 0;
  size_t row_bytes = 600;  // the size of a serialized order
};

Result<LoadResult> RunSqliteCommitBaseline(const SqliteBaselineSpec& spec);

}  // namespace mart::bench
