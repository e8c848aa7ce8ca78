#pragma once
// One e-mail as mart sends it: plain UTF-8 text with the RFC 5322 headers
// From, To, Subject, Date and Message-ID. Pure functions, thread safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace mart::notify {

struct MailMessage {
  std::string from;        // bare address: mart@example.org
  std::string to;          // bare address
  std::string subject;     // UTF-8; encoded (RFC 2047) when not ASCII
  std::string body;        // UTF-8 text; line ends become CRLF
  std::string message_id;  // without angle brackets: mart-notification-12@example.org
  int64_t date = 0;        // Unix microseconds
};

// The message text: headers, a blank line, the body, all lines ending CRLF.
// CR and LF inside header values are replaced by spaces (no header injection).
std::string FormatMessage(const MailMessage& message);
// "Sat, 21 Nov 2026 23:36:24 +0000".
std::string FormatMailDate(int64_t unix_micros);
// A stable id per notification, so a duplicate sent after a crash carries the
// same Message-ID: "mart-notification-<id>@<domain of from, or localhost>".
std::string NotificationMessageId(int64_t notification_id, std::string_view from);

}  // namespace mart::notify
