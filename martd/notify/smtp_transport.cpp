#include "notify/smtp_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace mart::notify {
namespace {

struct Upload {
  std::string text;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t n = std::min(size * count, upload->text.size() - upload->offset);
  std::memcpy(buffer, upload->text.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

bool IsSmtps(const SmtpOptions& options) { return options.url.rfind("smtps://", 0) == 0; }

}  // namespace

std::string SmtpOptionsProblem(const SmtpOptions& options) {
  if (!options.user.empty() && options.password.empty()) {
    return "--smtp-user " + options.user +
           " has no password: give --smtp-password-file or set $MART_SMTP_PASSWORD";
  }
  if (options.allow_plaintext_auth && options.user.empty()) {
    return "--smtp-allow-plaintext-auth is about the password of --smtp-user, and there is none";
  }
  if (options.allow_plaintext_auth && IsSmtps(options)) {
    return "--smtp-allow-plaintext-auth means nothing with smtps:// (always TLS); drop it";
  }
  return "";
}

std::string SmtpAuthSummary(const SmtpOptions& options) {
  if (options.user.empty()) return "";
  if (IsSmtps(options)) return "AUTH as " + options.user + " over TLS (smtps)";
  if (!options.allow_plaintext_auth) return "AUTH as " + options.user + " after STARTTLS only";
  return "AUTH as " + options.user +
         " after STARTTLS, or in clear text when the server offers none "
         "(--smtp-allow-plaintext-auth)";
}

SmtpTransport::SmtpTransport(SmtpOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string SmtpTransport::Scrub(std::string text) const {
  if (options_.password.empty()) return text;
  for (size_t at = text.find(options_.password); at != std::string::npos;
       at = text.find(options_.password, at)) {
    text.replace(at, options_.password.size(), "***");
  }
  return text;
}

Status SmtpTransport::Send(const MailMessage& message) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Unavailable("smtp: cannot create a libcurl handle");
  Upload upload{FormatMessage(message)};
  std::string from = "<" + message.from + ">";
  std::unique_ptr<curl_slist, ListDeleter> rcpt(
      curl_slist_append(nullptr, ("<" + message.to + ">").c_str()));
  char error[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, kTimeoutSeconds);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  if (!options_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
    // CURLUSESSL_ALL: no STARTTLS offered, no AUTH sent (curl stops after EHLO).
    const long tls = options_.allow_plaintext_auth ? CURLUSESSL_TRY : CURLUSESSL_ALL;
    curl_easy_setopt(c, CURLOPT_USE_SSL, tls);
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Status::Ok();
  if (rc == CURLE_USE_SSL_FAILED && !options_.user.empty()) {
    return Unavailable("smtp delivery to " + message.to + " failed: " + options_.url +
                       " offers no STARTTLS, and the password of --smtp-user is sent over TLS "
                       "only; use smtps://, enable STARTTLS on the server, or start martd "
                       "with --smtp-allow-plaintext-auth to send it in clear text");
  }
  long response = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response);
  std::string text = "smtp delivery to " + message.to + " failed: " + curl_easy_strerror(rc);
  if (error[0] != '\0') text += " (" + std::string(error) + ")";
  if (response != 0) text += ", server answered " + std::to_string(response);
  return Unavailable(Scrub(text));
}

}  // namespace mart::notify
