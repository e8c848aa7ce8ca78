#include "notify/mail_message.h"

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace mart::notify {
namespace {

std::string HeaderValue(std::string_view value) {
  std::string clean(value);
  for (char& c : clean) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return clean;
}

bool IsAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::string Base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t chunk = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) chunk |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (i + 2 < data.size()) chunk |= static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

// RFC 2047 for a subject that is not plain ASCII.
std::string EncodeSubject(std::string_view subject) {
  std::string clean = HeaderValue(subject);
  if (IsAscii(clean)) return clean;
  return "=?UTF-8?B?" + Base64(clean) + "?=";
}

std::string CrlfLines(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') continue;
    if (body[i] == '\n') {
      out += "\r\n";
    } else {
      out += body[i];
    }
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

}  // namespace

std::string FormatMailDate(int64_t unix_micros) {
  std::time_t seconds = static_cast<std::time_t>(unix_micros / 1000000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return text;
}

std::string NotificationMessageId(int64_t notification_id, std::string_view from) {
  size_t at = from.rfind('@');
  std::string domain = at == std::string_view::npos || at + 1 == from.size()
                           ? "localhost"
                           : HeaderValue(from.substr(at + 1));
  return "mart-notification-" + std::to_string(notification_id) + "@" + domain;
}

std::string FormatMessage(const MailMessage& m) {
  std::string text;
  text += "From: " + HeaderValue(m.from) + "\r\n";
  text += "To: " + HeaderValue(m.to) + "\r\n";
  text += "Subject: " + EncodeSubject(m.subject) + "\r\n";
  text += "Date: " + FormatMailDate(m.date) + "\r\n";
  text += "Message-ID: <" + HeaderValue(m.message_id) + ">\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=utf-8\r\n";
  text += "Content-Transfer-Encoding: 8bit\r\n";
  text += "\r\n";
  text += CrlfLines(m.body);
  return text;
}

}  // namespace mart::notify
