#pragma once
// Sending one message: the MailTransport interface the mailer uses, and its
// SMTP implementation over libcurl. Errors are UNAVAILABLE with a message
// that names the server's answer; the password is never part of one.

#include <string>

#include "mart/status.h"
#include "notify/mail_message.h"

namespace mart::notify {

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Blocks until the server accepted the message or refused it. Called from
  // one thread at a time.
  virtual Status Send(const MailMessage& message) = 0;
};

struct SmtpOptions {
  std::string url = {};       // smtp://host:port or smtps://host:port; empty: no delivery
  std::string from = "mart@localhost";
  std::string user = {};      // empty: no AUTH
  std::string password = {};  // from a 0600 file or $MART_SMTP_PASSWORD, never argv
  // With a user, the password goes over TLS only (smtps://, or smtp:// with
  // STARTTLS) unless this is set: then smtp:// without STARTTLS sends it in
  // clear text (--smtp-allow-plaintext-auth).
  bool allow_plaintext_auth = false;
};

// The options' inconsistencies, as a message for martd's start ("" when
// none): a user without a password, --smtp-allow-plaintext-auth without a
// user or with smtps:// (where it means nothing).
std::string SmtpOptionsProblem(const SmtpOptions& options);
// How the password travels, for martd's start line: "" without a user.
std::string SmtpAuthSummary(const SmtpOptions& options);

// libcurl SMTP: one connection per message, connect timeout 10 s, whole
// transfer at most 30 s (so a stopping daemon waits at most that long for a
// send in progress). With a user and smtp://, STARTTLS is required
// (CURLUSESSL_ALL): a server that does not offer it gets no AUTH and the
// send fails, UNAVAILABLE saying so, unless allow_plaintext_auth. Without a
// user nothing secret is sent, and the message goes as the URL says.
// Construct it before starting threads (it initializes libcurl once).
class SmtpTransport : public MailTransport {
 public:
  explicit SmtpTransport(SmtpOptions options);
  Status Send(const MailMessage& message) override;

  static constexpr long kConnectTimeoutSeconds = 10;
  static constexpr long kTimeoutSeconds = 30;

 private:
  // The message without the password, should it ever appear.
  std::string Scrub(std::string text) const;

  SmtpOptions options_;
};

}  // namespace mart::notify
