#include "mart/text.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <nlohmann/json.hpp>

namespace mart {

size_t DecodeUtf8(std::string_view text, size_t at, uint32_t* code_point) {
  auto byte = static_cast<unsigned char>(text[at]);
  size_t length = 0;
  uint32_t value = 0;
  if (byte < 0x80) {
    *code_point = byte;
    return 1;
  } else if ((byte & 0xE0) == 0xC0) {
    length = 2;
    value = byte & 0x1F;
  } else if ((byte & 0xF0) == 0xE0) {
    length = 3;
    value = byte & 0x0F;
  } else if ((byte & 0xF8) == 0xF0) {
    length = 4;
    value = byte & 0x07;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    auto next = static_cast<unsigned char>(text[at + k]);
    if ((next & 0xC0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMinForLength[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  *code_point = value;
  return length;
}

bool IsValidUtf8(std::string_view text) {
  uint32_t ignored = 0;
  for (size_t i = 0; i < text.size();) {
    size_t length = DecodeUtf8(text, i, &ignored);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string ToLowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

std::string_view Trim(std::string_view text) {
  const char* kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xF]);
  }
  return hex;
}

bool IsObjectId(std::string_view id) {
  return id.size() == 24 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates,
                         size_t max_distance) {
  std::string best;
  size_t best_distance = max_distance;
  for (const std::string& candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

namespace {

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// civil_from_days): no libc call, since gmtime_r takes glibc's time zone lock
// and every timestamp of every reply came through here.
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;                                  // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                   // [0, 11]
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

char* PutDigits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace

namespace {

// What dump writes for a byte that needs escaping (a quote, a backslash, a
// control character).
void AppendEscaped(std::string* out, unsigned char byte) {
  switch (byte) {
    case '"': *out += "\\\""; return;
    case '\\': *out += "\\\\"; return;
    case '\b': *out += "\\b"; return;
    case '\f': *out += "\\f"; return;
    case '\n': *out += "\\n"; return;
    case '\r': *out += "\\r"; return;
    case '\t': *out += "\\t"; return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      *out += "\\u00";
      out->push_back(kHex[byte >> 4]);
      out->push_back(kHex[byte & 0xF]);
    }
  }
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view text) {
  const size_t start = out->size();
  out->reserve(start + text.size() + 2);
  out->push_back('"');
  // Runs of bytes written as they are (printable ASCII, and valid UTF-8
  // sequences) are appended whole: most of a product's text is one run.
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\' && byte < 0x80) continue;
    if (byte >= 0x80) {
      uint32_t ignored = 0;
      const size_t length = DecodeUtf8(text, i, &ignored);
      if (length == 0) {
        out->resize(start);
        *out += nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace);
        return;
      }
      i += length - 1;
      continue;
    }
    out->append(text.data() + run, i - run);
    AppendEscaped(out, byte);
    run = i + 1;
  }
  out->append(text.data() + run, text.size() - run);
  out->push_back('"');
}

std::string FormatTimestamp(int64_t unix_micros) {
  int64_t seconds = unix_micros / 1000000;
  int64_t micros = unix_micros % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  int64_t year = 0;
  int month = 0;
  int day = 0;
  CivilFromDays(days, &year, &month, &day);
  if (year < 0 || year > 9999) {
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%06lld+00:00",
                  static_cast<long long>(year), month, day,
                  static_cast<long long>(second_of_day / 3600),
                  static_cast<long long>(second_of_day / 60 % 60),
                  static_cast<long long>(second_of_day % 60), static_cast<long long>(micros));
    return buffer;
  }
  // YYYY-MM-DDTHH:MM:SS.ffffff+00:00
  std::string text(32, '\0');
  char* out = text.data();
  out = PutDigits(out, year, 4);
  *out++ = '-';
  out = PutDigits(out, month, 2);
  *out++ = '-';
  out = PutDigits(out, day, 2);
  *out++ = 'T';
  out = PutDigits(out, second_of_day / 3600, 2);
  *out++ = ':';
  out = PutDigits(out, second_of_day / 60 % 60, 2);
  *out++ = ':';
  out = PutDigits(out, second_of_day % 60, 2);
  *out++ = '.';
  out = PutDigits(out, micros, 6);
  std::memcpy(out, "+00:00", 6);
  return text;
}

namespace {

// Reads exactly `digits` decimal digits at *pos.
std::optional<int> Digits(std::string_view text, size_t* pos, size_t digits) {
  if (*pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  return value;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// "Z", "+HH:MM", "-HH:MM" or nothing (UTC) -> seconds east of UTC.
std::optional<int64_t> Offset(std::string_view text, size_t* pos) {
  if (*pos == text.size()) return 0;
  if (text[*pos] == 'Z' || text[*pos] == 'z') return ++*pos == text.size() ? std::optional<int64_t>(0) : std::nullopt;
  int sign = text[*pos] == '+' ? 1 : text[*pos] == '-' ? -1 : 0;
  if (sign == 0) return std::nullopt;
  ++*pos;
  auto hours = Digits(text, pos, 2);
  if (!hours || !Expect(text, pos, ':')) return std::nullopt;
  auto minutes = Digits(text, pos, 2);
  if (!minutes || *pos != text.size() || *hours > 23 || *minutes > 59) return std::nullopt;
  return sign * (*hours * 3600 + *minutes * 60);
}

}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  size_t pos = 0;
  auto year = Digits(text, &pos, 4);
  if (!year || !Expect(text, &pos, '-')) return std::nullopt;
  auto month = Digits(text, &pos, 2);
  if (!month || !Expect(text, &pos, '-')) return std::nullopt;
  auto day = Digits(text, &pos, 2);
  if (!day || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    auto h = Digits(text, &pos, 2);
    if (!h || !Expect(text, &pos, ':')) return std::nullopt;
    auto m = Digits(text, &pos, 2);
    if (!m) return std::nullopt;
    hour = *h;
    minute = *m;
    if (Expect(text, &pos, ':')) {
      auto s = Digits(text, &pos, 2);
      if (!s) return std::nullopt;
      second = *s;
      if (Expect(text, &pos, '.')) {
        int64_t scale = 100000;
        size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (scale > 0) micros += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  }
  auto offset = Offset(text, &pos);
  if (!offset) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t seconds = timegm(&tm);
  // timegm normalizes 2026-02-31 into March; such a date is not one.
  std::tm check{};
  gmtime_r(&seconds, &check);
  if (check.tm_mday != *day || check.tm_mon != *month - 1) return std::nullopt;
  return (static_cast<int64_t>(seconds) - *offset) * 1000000 + micros;
}

int64_t WallClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace mart
