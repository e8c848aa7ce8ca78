#pragma once
// The mailer: a thread of its own that mails pending notifications, so SMTP
// never runs on the store thread and nothing waits for a mail server. It
// never writes the database itself: it asks the store thread (through a
// StoreCall, rpc::StoreThread::Call in the daemon) to
//   1. claim due rows: each gets an attempt counted and a lease
//      (NotificationService::kLeaseMicros) before anything is sent;
//   2. record each outcome: sent, or failed with the error and a retry after
//      an exponential backoff (failed for good after kMaxAttempts).
// A kill -9 during a send leaves the row claimed; it is sent again when the
// lease ends, so a crash can mail a notification twice (at least once), never
// lose it. Stop() lets the send in progress finish (bounded by the
// transport's timeout), records it, gives back rows claimed but not sent, and
// returns; the daemon stops the mailer before the store thread, so a graceful
// restart never sends twice.
//
// Start/Stop/Poke are thread safe; RunOnce is for tests (not while started).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "notify/smtp_transport.h"
#include "services/clock.h"
#include "services/notification_service.h"

namespace mart::notify {

// Runs `fn` in a committed write transaction on the store thread; its status.
using StoreCall = std::function<Status(std::function<Status(Tx&)>)>;

class Mailer {
 public:
  Mailer(const NotificationService& notifications, MailTransport& transport, StoreCall store,
         const Clock& clock, std::string from);
  ~Mailer();

  void Start();
  // Something may be due now (a notification was created).
  void Poke();
  // Idempotent; see above.
  void Stop();

  // One round: claims what is due, sends it, records the outcomes. Returns
  // when to look again (Unix microseconds), or nullopt when nothing waits.
  Result<std::optional<int64_t>> RunOnce();

  static constexpr int64_t kBatch = 16;
  // The longest sleep between looks (rows whose lease ran out after a crash).
  static constexpr int64_t kMaxIdleMicros = 60LL * 1000000;

 private:
  void Run();
  // The store calls: claim due rows, give unsent ones back, when to look again.
  Result<std::vector<store::Outgoing>> Claim();
  Status Release(const std::vector<store::Outgoing>& rows);
  Result<std::optional<int64_t>> NextDue();
  // Sends one claimed row and records the outcome.
  Status Deliver(const store::Outgoing& mail);
  void Wait(std::optional<int64_t> next);

  const NotificationService& notifications_;
  MailTransport& transport_;
  StoreCall store_;
  const Clock& clock_;
  std::string from_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace mart::notify
