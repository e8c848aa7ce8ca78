#include "notify/mailer.h"

#include <algorithm>
#include <chrono>

#include "mart/log.h"

namespace mart::notify {

Mailer::Mailer(const NotificationService& notifications, MailTransport& transport,
               StoreCall store, const Clock& clock, std::string from)
    : notifications_(notifications),
      transport_(transport),
      store_(std::move(store)),
      clock_(clock),
      from_(std::move(from)) {}

Mailer::~Mailer() { Stop(); }

void Mailer::Start() { thread_ = std::thread([this] { Run(); }); }

void Mailer::Poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_one();
}

void Mailer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Result<std::vector<store::Outgoing>> Mailer::Claim() {
  std::vector<store::Outgoing> claimed;
  Status status = store_([&](Tx& tx) {
    auto rows = notifications_.Claim(tx, kBatch);
    if (rows.ok()) claimed = std::move(*rows);
    return rows.status();
  });
  if (!status.ok()) return status;
  return claimed;
}

Status Mailer::Release(const std::vector<store::Outgoing>& rows) {
  return store_([&](Tx& tx) {
    Status status;
    for (size_t i = 0; i < rows.size() && status.ok(); ++i) {
      status = notifications_.Release(tx, rows[i].id);
    }
    return status;
  });
}

Result<std::optional<int64_t>> Mailer::NextDue() {
  std::optional<int64_t> next;
  Status status = store_([&](Tx& tx) {
    auto due = notifications_.NextDue(tx);
    if (due.ok()) next = *due;
    return due.status();
  });
  if (!status.ok()) return status;
  return next;
}

Result<std::optional<int64_t>> Mailer::RunOnce() {
  MART_ASSIGN_OR_RETURN(std::vector<store::Outgoing> claimed, Claim());
  size_t sent = 0;
  for (; sent < claimed.size() && !stopping_; ++sent) {
    MART_RETURN_IF_ERROR(Deliver(claimed[sent]));
  }
  if (sent < claimed.size()) {
    // Stopping: what was claimed but not sent is due again at the next start.
    MART_RETURN_IF_ERROR(Release({claimed.begin() + static_cast<ptrdiff_t>(sent), claimed.end()}));
  }
  if (claimed.size() == static_cast<size_t>(kBatch)) {
    return std::optional<int64_t>(clock_.NowMicros());  // there may be more
  }
  return NextDue();
}

Status Mailer::Deliver(const store::Outgoing& mail) {
  MailMessage message{.from = from_, .to = mail.to, .subject = mail.subject, .body = mail.body,
                      .message_id = NotificationMessageId(mail.id, from_),
                      .date = clock_.NowMicros()};
  Status sent = transport_.Send(message);
  const std::string what = "notification " + std::to_string(mail.id) + " to " + mail.to;
  if (sent.ok()) {
    LogInfo("mailed " + what);
  } else {
    LogWarn("mailing " + what + " failed (attempt " + std::to_string(mail.attempts) +
            "): " + sent.message());
  }
  return store_([&](Tx& tx) {
    return sent.ok() ? notifications_.RecordSent(tx, mail.id)
                     : notifications_.RecordFailure(tx, mail, sent.message());
  });
}

void Mailer::Wait(std::optional<int64_t> next) {
  int64_t wait = next ? *next - clock_.NowMicros() : kMaxIdleMicros;
  wait = std::clamp<int64_t>(wait, 0, kMaxIdleMicros);
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::microseconds(wait), [this] { return poked_ || stopping_; });
  poked_ = false;
}

void Mailer::Run() {
  while (!stopping_) {
    auto next = RunOnce();
    if (!next.ok()) {
      // The store is failing or stopping; look again in a second.
      LogWarn("mailer: " + next.status().ToString());
      Wait(clock_.NowMicros() + 1'000'000);
      continue;
    }
    Wait(*next);
  }
}

}  // namespace mart::notify
