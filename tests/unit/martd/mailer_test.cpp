#include "notify/mailer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "mart/log.h"
#include "notify/mail_message.h"
#include "util/test_store.h"

namespace mart::notify {
namespace {

using test::Must;

// Records what it is asked to send; fails while told to.
class FakeTransport : public MailTransport {
 public:
  Status Send(const MailMessage& message) override {
    sent.push_back(message);
    if (on_send) on_send();
    if (failures_left > 0) {
      --failures_left;
      return Unavailable("smtp delivery to " + message.to + " failed: connection refused");
    }
    return Status::Ok();
  }
  std::vector<MailMessage> sent;
  int failures_left = 0;
  std::function<void()> on_send;
};

// The mailer over an in-memory store: its store calls run in a committed
// transaction right away, as the store thread would run them.
class MailerTest : public ::testing::Test {
 protected:
  MailerTest() {
    service().EnableDelivery([this] { ++pokes_; });
    ann_ = h_.SignUp("ann@example.com", "Ann");
  }

  NotificationService& service() { return h_.services().notifications; }

  StoreCall Call() {
    return [this](std::function<Status(Tx&)> fn) {
      store::Transaction transaction(h_.store().db());
      MART_RETURN_IF_ERROR(transaction.status());
      Tx tx = h_.NewTx();
      MART_RETURN_IF_ERROR(fn(tx));
      return transaction.Commit();
    };
  }

  int64_t Create(int64_t seq, std::string subject = "Order 66f1 placed") {
    Tx tx = h_.NewTx();
    Must(service().Create(tx, {ann_.user.id, "order_placed", subject, "Total: 9.99\n", seq}),
         "create");
    return test::LastId(h_.store().db(), "notifications");
  }

  store::Notification Get(int64_t id) { return Must(h_.store().notifications().Get(id), "get"); }

  std::optional<int64_t> RunOnce(Mailer& mailer) { return Must(mailer.RunOnce(), "run once"); }

  test::ServiceHarness h_;
  test::TestLogin ann_;
  FakeTransport transport_;
  int pokes_ = 0;
};

TEST_F(MailerTest, SendsAPendingNotificationWithItsHeaders) {
  int64_t id = Create(1);
  EXPECT_GE(pokes_, 1);
  EXPECT_EQ(Get(id).status, "pending");
  Mailer mailer(service(), transport_, Call(), h_.clock(), "shop@example.org");
  EXPECT_FALSE(RunOnce(mailer).has_value());  // nothing left waiting
  ASSERT_EQ(transport_.sent.size(), 1u);
  const MailMessage& m = transport_.sent[0];
  EXPECT_EQ(m.to, "ann@example.com");
  EXPECT_EQ(m.from, "shop@example.org");
  EXPECT_EQ(m.subject, "Order 66f1 placed");
  EXPECT_EQ(m.message_id, "mart-notification-" + std::to_string(id) + "@example.org");
  store::Notification row = Get(id);
  EXPECT_EQ(row.status, "sent");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.sent_at, h_.clock().NowMicros());
  EXPECT_FALSE(row.next_attempt_at.has_value());
  EXPECT_FALSE(RunOnce(mailer).has_value());
  EXPECT_EQ(transport_.sent.size(), 1u);  // never twice
}

TEST_F(MailerTest, AFailureIsRetriedWithBackoffUntilItSucceeds) {
  int64_t id = Create(1);
  transport_.failures_left = 2;
  Mailer mailer(service(), transport_, Call(), h_.clock(), "shop@example.org");
  const int64_t start = h_.clock().NowMicros();
  EXPECT_EQ(RunOnce(mailer), start + 1'000'000);
  store::Notification row = Get(id);
  EXPECT_EQ(row.status, "failed");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_NE(row.last_error.value_or("").find("connection refused"), std::string::npos);
  EXPECT_EQ(RunOnce(mailer), start + 1'000'000);  // not due yet: nothing sent
  EXPECT_EQ(transport_.sent.size(), 1u);
  h_.clock().AdvanceSeconds(1);
  EXPECT_EQ(RunOnce(mailer), h_.clock().NowMicros() + 2'000'000);  // second failure: 2 s
  EXPECT_EQ(Get(id).status, "failed");
  h_.clock().AdvanceSeconds(2);
  EXPECT_FALSE(RunOnce(mailer).has_value());
  row = Get(id);
  EXPECT_EQ(row.status, "sent");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(transport_.sent.size(), 3u);
}

TEST_F(MailerTest, GivesUpAfterTheLastAttemptKeepingTheError) {
  int64_t id = Create(1);
  transport_.failures_left = 1000;
  Mailer mailer(service(), transport_, Call(), h_.clock(), "shop@example.org");
  for (int i = 0; i < 20; ++i) {
    RunOnce(mailer);
    h_.clock().AdvanceSeconds(301);
  }
  EXPECT_EQ(transport_.sent.size(), static_cast<size_t>(NotificationService::kMaxAttempts));
  store::Notification row = Get(id);
  EXPECT_EQ(row.status, "failed");
  EXPECT_FALSE(row.next_attempt_at.has_value());
  EXPECT_TRUE(row.last_error.has_value());
}

TEST_F(MailerTest, AClaimHoldsALeaseSoACrashResendsOnlyAfterIt) {
  int64_t id = Create(1);
  // A claim whose outcome is never recorded: martd was killed during the send.
  Must(Call()([&](Tx& tx) { return service().Claim(tx, 10).status(); }), "claim");
  store::Notification row = Get(id);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.next_attempt_at, h_.clock().NowMicros() + NotificationService::kLeaseMicros);
  Mailer mailer(service(), transport_, Call(), h_.clock(), "shop@example.org");
  EXPECT_EQ(RunOnce(mailer), *row.next_attempt_at);
  EXPECT_TRUE(transport_.sent.empty());
  h_.clock().AdvanceSeconds(NotificationService::kLeaseMicros / 1000000);
  RunOnce(mailer);
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(Get(id).status, "sent");
  EXPECT_EQ(Get(id).attempts, 2);
}

TEST_F(MailerTest, StoppingGivesBackWhatWasClaimedButNotSent) {
  int64_t first = Create(1);
  int64_t second = Create(2);
  int64_t third = Create(3);
  Mailer mailer(service(), transport_, Call(), h_.clock(), "shop@example.org");
  transport_.on_send = [&] { mailer.Stop(); };  // SIGTERM arrives during the first send
  RunOnce(mailer);
  EXPECT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(Get(first).status, "sent");  // the send in progress is finished and recorded
  for (int64_t id : {second, third}) {
    EXPECT_EQ(Get(id).status, "pending");
    EXPECT_EQ(Get(id).attempts, 0);
    EXPECT_EQ(Get(id).next_attempt_at, h_.clock().NowMicros());
  }
}

TEST_F(MailerTest, TheThreadMailsWhenPoked) {
  std::mutex mutex;  // the test and the mailer thread share the harness store
  StoreCall locked = [&, call = Call()](std::function<Status(Tx&)> fn) {
    std::lock_guard lock(mutex);
    return call(std::move(fn));
  };
  Mailer mailer(service(), transport_, locked, h_.clock(), "shop@example.org");
  mailer.Start();
  int64_t id;
  {
    std::lock_guard lock(mutex);
    id = Create(1);
  }
  mailer.Poke();
  std::string status;
  for (int i = 0; i < 3000 && status != "sent"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::lock_guard lock(mutex);
    status = Get(id).status;
  }
  mailer.Stop();
  EXPECT_EQ(status, "sent");
}

TEST(MailMessageTest, FormatsRfc5322HeadersAndCrlfBody) {
  MailMessage m{.from = "shop@example.org", .to = "ann@example.com",
                .subject = "Low Stock Alert: Smart\r\nBcc: evil@example.com",
                .body = "line one\n.line two\n", .message_id = "mart-notification-7@example.org",
                .date = 1747308600000000};
  std::string text = FormatMessage(m);
  EXPECT_NE(text.find("From: shop@example.org\r\n"), std::string::npos);
  EXPECT_NE(text.find("To: ann@example.com\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: Low Stock Alert: Smart  Bcc: evil@example.com\r\n"),
            std::string::npos);
  EXPECT_EQ(text.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(text.find("Date: Thu, 15 May 2025 11:30:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(text.find("Message-ID: <mart-notification-7@example.org>\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\n\r\nline one\r\n.line two\r\n"), std::string::npos);
  EXPECT_EQ(text.find("\n\n"), std::string::npos);
}

TEST(MailMessageTest, EncodesANonAsciiSubject) {
  MailMessage m{.from = "a@b", .to = "c@d", .subject = "Caf\xc3\xa9", .body = "x",
                .message_id = "m@b", .date = 0};
  EXPECT_NE(FormatMessage(m).find("Subject: =?UTF-8?B?Q2Fmw6k=?=\r\n"), std::string::npos);
  EXPECT_EQ(NotificationMessageId(3, "no-domain"), "mart-notification-3@localhost");
}

// A port nothing listens on: bound, then closed.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(MailerTest, ThePasswordIsInNoErrorAndNoLogLine) {
  const std::string password = "S3cret-smtp-Passw0rd";
  SmtpTransport smtp({.url = "smtp://127.0.0.1:" + std::to_string(ClosedPort()),
                      .from = "shop@example.org", .user = "shop", .password = password});
  int64_t id = Create(1);
  Mailer mailer(service(), smtp, Call(), h_.clock(), "shop@example.org");
  SetLogLevel(LogLevel::kDebug);
  ::testing::internal::CaptureStderr();
  RunOnce(mailer);
  std::string log = ::testing::internal::GetCapturedStderr();
  SetLogLevel(LogLevel::kInfo);
  store::Notification row = Get(id);
  EXPECT_EQ(row.status, "failed");
  ASSERT_TRUE(row.last_error.has_value());
  EXPECT_NE(row.last_error->find("smtp delivery to ann@example.com failed"), std::string::npos)
      << *row.last_error;
  EXPECT_EQ(row.last_error->find(password), std::string::npos);
  EXPECT_NE(log.find("notification " + std::to_string(id)), std::string::npos) << log;
  EXPECT_EQ(log.find(password), std::string::npos) << log;
}

}  // namespace
}  // namespace mart::notify
