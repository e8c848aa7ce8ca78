#include "events/export_target.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace mart::events {
namespace {

// The URL as an error may show it: a password someone put in it anyway
// (user:PASSWORD@, password=…) becomes ***.
std::string Redacted(std::string url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  const size_t end = url.find_first_of("/?", scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos && (end == std::string::npos || at < end)) {
    const size_t colon = url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "***");
  }
  for (const char* key : {"password=", "pass="}) {
    for (size_t from = 0; (from = url.find(key, from)) != std::string::npos;) {
      const bool starts = from > 0 && (url[from - 1] == '?' || url[from - 1] == '&');
      const size_t value = from + std::string_view(key).size();
      if (starts) url.replace(value, url.find('&', value) - value, "***");
      from = value;
    }
  }
  return url;
}

Status Bad(const std::string& url, const std::string& why) {
  return InvalidArgument("--export " + Redacted(url) + ": " + why, {{"field", "export"}});
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

// "host[:port]" with a port from 1 to 65535; false when malformed.
bool SplitHostPort(std::string_view text, int default_port, std::string* host, int* port) {
  std::string_view h = text;
  *port = default_port;
  if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    h = text.substr(0, colon);
    std::string_view p = text.substr(colon + 1);
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    *port = std::stoi(std::string(p));
    if (*port < 1 || *port > 65535) return false;
  }
  if (h.empty() || h.find_first_of("/?#@ ") != std::string_view::npos) return false;
  *host = std::string(h);
  return true;
}

Result<std::string> ReadPasswordFile(const std::string& url, const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return Bad(url, "password-file " + path + ": not a readable file");
  }
  if ((info.st_mode & 077) != 0) {
    return Bad(url, "password-file " + path + ": group or others may read it; chmod 600 it first");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Bad(url, "password-file " + path + ": cannot read it");
  std::string password = text.str();
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  return password;
}

std::string PasswordVariable(const std::string& name) {
  std::string variable = "MART_EXPORT_PASSWORD_";
  for (char c : name) {
    variable += std::isalnum(static_cast<unsigned char>(c))
                    ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                    : '_';
  }
  return variable;
}

bool ValidName(const std::string& name) {
  return !name.empty() && name.size() <= 40 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         });
}

}  // namespace

std::string ExportTarget::Describe() const {
  if (kind == ExportKind::kKafka) return "kafka://" + brokers + " topics " + topic_prefix + "<topic>";
  std::string encoded_vhost;
  for (char c : vhost) encoded_vhost += c == '/' ? std::string("%2F") : std::string(1, c);
  return "amqp://" + user + "@" + host + ":" + std::to_string(port) + "/" + encoded_vhost +
         " exchange " + exchange;
}

Result<ExportMap> ParseExportMap(const std::string& value) {
  if (value == "none" || value.empty()) return ExportMap::kNone;
  if (value == "seeds") return ExportMap::kSeeds;
  return InvalidArgument("--export-map " + value + ": give none or seeds", {{"field", "export-map"}});
}

Result<ExportTarget> ParseExportTarget(const std::string& url, const std::vector<std::string>& taken) {
  ExportTarget target;
  target.url = url;
  std::string_view rest = url;
  if (rest.rfind("amqp://", 0) == 0) {
    target.kind = ExportKind::kAmqp;
    rest.remove_prefix(7);
  } else if (rest.rfind("kafka://", 0) == 0) {
    target.kind = ExportKind::kKafka;
    rest.remove_prefix(8);
  } else if (rest.rfind("amqps://", 0) == 0) {
    return Bad(url, "amqps:// (TLS) is not supported yet; use amqp:// on a trusted network or "
                    "through a local TLS tunnel");
  } else {
    return Bad(url, "give amqp://[USER@]HOST[:PORT][/VHOST] or kafka://HOST[:PORT][,HOST…]");
  }
  std::map<std::string, std::string> params;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) return Bad(url, "'" + std::string(pair) + "' is not KEY=VALUE");
      auto value = PercentDecode(pair.substr(eq + 1));
      if (!value) return Bad(url, "bad %-escape in '" + std::string(pair) + "'");
      params[std::string(pair.substr(0, eq))] = *value;
    }
  }
  const std::vector<std::string> known =
      target.kind == ExportKind::kAmqp
          ? std::vector<std::string>{"exchange", "queue", "name", "password-file", "from",
                                     "timeout-s"}
          : std::vector<std::string>{"topic-prefix", "name", "from", "timeout-s"};
  for (const auto& [key, value] : params) {
    if (key == "password" || key == "pass") {
      return Bad(url, "a password must not be in the URL (others can read argv and config "
                      "files): use password-file=FILE or $MART_EXPORT_PASSWORD_<NAME>");
    }
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return Bad(url, "unknown parameter '" + key + "' (known: " + list + ")");
    }
  }
  if (auto from = params.find("from"); from != params.end()) {
    if (from->second != "beginning" && from->second != "end") {
      return Bad(url, "from=" + from->second + ": give from=beginning (the whole log, the "
                      "default) or from=end (only events after the sink is first started)");
    }
    target.from_end = from->second == "end";
  }
  if (auto timeout = params.find("timeout-s"); timeout != params.end()) {
    const std::string& t = timeout->second;
    if (t.empty() || t.size() > 3 || t.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(t) < 1 || std::stoi(t) > 300) {
      return Bad(url, "timeout-s=" + t + ": give whole seconds from 1 to 300");
    }
    target.timeout_s = std::stoi(t);
  }

  if (target.kind == ExportKind::kAmqp) {
    std::string_view authority = rest.substr(0, rest.find('/'));
    std::string_view path =
        rest.find('/') == std::string_view::npos ? std::string_view() : rest.substr(rest.find('/') + 1);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      std::string_view userinfo = authority.substr(0, at);
      authority.remove_prefix(at + 1);
      if (userinfo.find(':') != std::string_view::npos) {
        return Bad(url, "a password must not be in the URL (others can read argv and config "
                        "files): use password-file=FILE or $MART_EXPORT_PASSWORD_<NAME>");
      }
      auto user = PercentDecode(userinfo);
      if (!user || user->empty()) return Bad(url, "bad user name");
      target.user = *user;
    } else {
      target.user = "guest";
    }
    if (!SplitHostPort(authority, 5672, &target.host, &target.port)) {
      return Bad(url, "give HOST[:PORT] with a port from 1 to 65535 after amqp://");
    }
    if (!path.empty()) {
      auto vhost = PercentDecode(path);
      if (!vhost || vhost->empty()) return Bad(url, "bad virtual host '" + std::string(path) + "'");
      target.vhost = *vhost;
    }
    if (auto exchange = params.find("exchange"); exchange != params.end()) {
      if (exchange->second.empty() || exchange->second.size() > 127 ||
          exchange->second.rfind("amq.", 0) == 0) {
        return Bad(url, "exchange=" + exchange->second + ": give a name of 1 to 127 characters, "
                        "not starting with amq. (RabbitMQ reserves those)");
      }
      target.exchange = exchange->second;
    }
    if (auto queue = params.find("queue"); queue != params.end()) {
      if (queue->second.empty() || queue->second.size() > 127 ||
          queue->second.rfind("amq.", 0) == 0) {
        return Bad(url, "queue=" + queue->second + ": give a name of 1 to 127 characters, not "
                        "starting with amq.");
      }
      target.queue = queue->second;
    }
  } else {
    if (rest.find('@') != std::string_view::npos) {
      return Bad(url, "Kafka credentials (SASL) are not supported yet: point it at a listener "
                      "without authentication on a trusted network");
    }
    if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
      if (slash + 1 != rest.size()) return Bad(url, "a Kafka URL has no path; name topics with topic-prefix=");
      rest = rest.substr(0, slash);
    }
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string host;
      int port = 0;
      if (!SplitHostPort(rest.substr(0, comma), 9092, &host, &port)) {
        return Bad(url, "give HOST[:PORT][,HOST[:PORT]…] with ports from 1 to 65535 after kafka://");
      }
      target.brokers += (target.brokers.empty() ? "" : ",") + host + ":" + std::to_string(port);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (target.brokers.empty()) return Bad(url, "give at least one HOST[:PORT] after kafka://");
    if (auto prefix = params.find("topic-prefix"); prefix != params.end()) {
      const std::string& p = prefix->second;
      if (p.size() > 100 || p.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789._-") != std::string::npos) {
        return Bad(url, "topic-prefix=" + p + ": Kafka topic names take letters, digits, '.', "
                        "'_' and '-'");
      }
      target.topic_prefix = p;
    }
  }

  const std::string scheme = target.kind == ExportKind::kAmqp ? "amqp" : "kafka";
  if (auto name = params.find("name"); name != params.end()) {
    if (!ValidName(name->second)) {
      return Bad(url, "name=" + name->second + ": use 1 to 40 of a-z, 0-9, '-' and '_'");
    }
    if (std::find(taken.begin(), taken.end(), name->second) != taken.end()) {
      return Bad(url, "name=" + name->second + " is already a worker's or another sink's name");
    }
    target.name = name->second;
  } else {
    target.name = scheme;
    for (int n = 2; std::find(taken.begin(), taken.end(), target.name) != taken.end(); ++n) {
      target.name = scheme + "-" + std::to_string(n);
    }
  }

  if (auto file = params.find("password-file"); file != params.end()) {
    MART_ASSIGN_OR_RETURN(target.password, ReadPasswordFile(url, file->second));
  } else if (const char* env = std::getenv(PasswordVariable(target.name).c_str())) {
    target.password = env;
  } else if (target.kind == ExportKind::kAmqp) {
    target.password = target.user == "guest" ? "guest" : "";
    if (target.password.empty()) {
      return Bad(url, "no password for " + target.user + ": add password-file=FILE (mode 0600) "
                      "or set $" + PasswordVariable(target.name));
    }
  }
  return target;
}

}  // namespace mart::events
