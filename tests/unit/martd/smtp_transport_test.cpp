#include "notify/smtp_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mart::notify {
namespace {

// A clear-text SMTP server that offers AUTH PLAIN but no STARTTLS, as a
// misconfigured or hostile relay would. It serves one connection and keeps
// the verbs it received.
class PlainSmtpServer {
 public:
  PlainSmtpServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 1);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~PlainSmtpServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // ends a pending accept
    thread_.join();
    ::close(listen_fd_);
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> verbs() {
    std::lock_guard lock(mutex_);
    return verbs_;
  }
  bool Got(const std::string& verb) {
    auto all = verbs();
    return std::find(all.begin(), all.end(), verb) != all.end();
  }

 private:
  void Serve() {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    Send(fd, "220 fake ESMTP\r\n");
    bool in_data = false;
    for (std::string line; ReadLine(fd, &line);) {
      if (in_data) {
        if (line == ".") {
          in_data = false;
          Send(fd, "250 queued\r\n");
        }
        continue;
      }
      std::string verb = line.substr(0, line.find(' '));
      std::transform(verb.begin(), verb.end(), verb.begin(), ::toupper);
      {
        std::lock_guard lock(mutex_);
        verbs_.push_back(verb);
      }
      if (verb == "EHLO") {
        Send(fd, "250-fake\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
      } else if (verb == "AUTH") {
        if (line == "AUTH PLAIN") {  // no initial response: ask for it
          Send(fd, "334 \r\n");
          ReadLine(fd, &line);
        }
        Send(fd, "235 2.7.0 accepted\r\n");
      } else if (verb == "DATA") {
        in_data = true;
        Send(fd, "354 go on\r\n");
      } else if (verb == "QUIT") {
        Send(fd, "221 bye\r\n");
        break;
      } else {
        Send(fd, "250 ok\r\n");
      }
    }
    ::close(fd);
  }

  static void Send(int fd, const std::string& text) {
    (void)!::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  }

  bool ReadLine(int fd, std::string* line) {
    while (true) {
      size_t end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        *line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return true;
      }
      char chunk[1024];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::string buffer_;
  std::mutex mutex_;
  std::vector<std::string> verbs_;
  std::thread thread_;
};

MailMessage Message() {
  return MailMessage{.from = "shop@example.org", .to = "ann@example.com", .subject = "Hello",
                     .body = "Hi Ann", .message_id = "m1@example.org", .date = 0};
}

constexpr const char* kPassword = "S3cret-smtp-Passw0rd";

// The issue: with a user configured, the password went in clear text to a
// server that offered no STARTTLS.
TEST(SmtpTransportTest, WithAUserThePasswordIsNeverSentWithoutTls) {
  PlainSmtpServer server;
  SmtpTransport smtp({.url = server.url(), .from = "shop@example.org", .user = "shop",
                      .password = kPassword});
  Status sent = smtp.Send(Message());
  ASSERT_EQ(sent.code(), Code::kUnavailable) << sent.ToString();
  EXPECT_NE(sent.message().find("offers no STARTTLS"), std::string::npos) << sent.message();
  EXPECT_NE(sent.message().find("--smtp-allow-plaintext-auth"), std::string::npos);
  EXPECT_EQ(sent.message().find(kPassword), std::string::npos);
  EXPECT_TRUE(server.Got("EHLO"));
  EXPECT_FALSE(server.Got("AUTH")) << "the password reached a server without TLS";
  EXPECT_FALSE(server.Got("MAIL"));
}

TEST(SmtpTransportTest, PlaintextAuthIsSentWhenTheOperatorAllowsIt) {
  PlainSmtpServer server;
  SmtpTransport smtp({.url = server.url(), .from = "shop@example.org", .user = "shop",
                      .password = kPassword, .allow_plaintext_auth = true});
  Status sent = smtp.Send(Message());
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  EXPECT_TRUE(server.Got("AUTH"));
  EXPECT_TRUE(server.Got("MAIL"));
}

TEST(SmtpTransportTest, WithoutAUserNothingSecretIsSentAndTlsIsNotRequired) {
  PlainSmtpServer server;
  SmtpTransport smtp({.url = server.url(), .from = "shop@example.org"});
  Status sent = smtp.Send(Message());
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  EXPECT_FALSE(server.Got("AUTH"));
  EXPECT_TRUE(server.Got("MAIL"));
}

TEST(SmtpTransportTest, OptionsThatCannotWorkAreNamed) {
  EXPECT_EQ(SmtpOptionsProblem({.url = "smtp://h:25", .user = "shop", .password = "p"}), "");
  EXPECT_EQ(SmtpOptionsProblem({.url = "smtp://h:25"}), "");
  EXPECT_NE(SmtpOptionsProblem({.url = "smtp://h:25", .user = "shop"}).find("no password"),
            std::string::npos);
  EXPECT_NE(SmtpOptionsProblem({.url = "smtp://h:25", .allow_plaintext_auth = true}), "");
  EXPECT_NE(SmtpOptionsProblem({.url = "smtps://h:465", .user = "shop", .password = "p",
                                .allow_plaintext_auth = true}),
            "");
  EXPECT_EQ(SmtpAuthSummary({.url = "smtp://h:25"}), "");
  EXPECT_EQ(SmtpAuthSummary({.url = "smtp://h:25", .user = "shop", .password = "p"}),
            "AUTH as shop after STARTTLS only");
}

}  // namespace
}  // namespace mart::notify
