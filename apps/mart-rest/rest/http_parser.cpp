#include "rest/http_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mart::rest {
namespace {

// A chunk-size line ("1a2b;name=value") or the CRLF after a chunk's data.
constexpr size_t kMaxChunkLineBytes = 1024;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// RFC 9110's tchar: the characters of a method or a header name.
bool IsToken(std::string_view text) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSymbols.find(c) != kSymbols.npos;
  });
}

// Visible ASCII and anything past it (obs-text); no controls, no space.
bool IsTarget(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
  });
}

// A field value may hold tabs and obs-text, but no other control character:
// a bare CR or a NUL in a header is a smuggling or log-forging attempt.
bool IsFieldValue(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
  });
}

std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view WithoutEol(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// True when the comma-separated list `value` holds `token` (case-insensitive).
bool ListHas(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (EqualsIgnoreCase(TrimOws(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string_view ParsedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

RequestParser::RequestParser(HttpLimits limits) : limits_(limits) {}

size_t RequestParser::Feed(std::string_view data) {
  size_t used = 0;
  while (used < data.size() && (state_ == State::kHead || state_ == State::kBody)) {
    used += state_ == State::kHead ? FeedHead(data.substr(used)) : FeedBody(data.substr(used));
  }
  consumed_ += used;
  return used;
}

void RequestParser::Fail(int status, std::string detail) {
  state_ = State::kError;
  error_status_ = status;
  error_detail_ = std::move(detail);
}

// The head is read line by line; every byte of it counts against the limits
// before it is kept, so a head without an end stops there. When one piece of
// input crosses both limits, the one it crosses first decides, so that the
// outcome does not depend on how the bytes were split into reads.
size_t RequestParser::FeedHead(std::string_view data) {
  const size_t end = data.find('\n');
  const size_t take = end == std::string_view::npos ? data.size() : end + 1;
  const size_t head_room = limits_.max_head_bytes - head_bytes_;
  const size_t line_room =
      seen_request_line_ ? head_room : limits_.max_request_line_bytes - line_.size();
  head_bytes_ += take;
  if (take > line_room && line_room < head_room) {
    Fail(414, "request line is longer than " + std::to_string(limits_.max_request_line_bytes) +
                  " bytes");
  } else if (take > head_room) {
    Fail(431, "request header fields are larger than " +
                  std::to_string(limits_.max_head_bytes) + " bytes");
  } else {
    line_.append(data.substr(0, take));
    if (end != std::string_view::npos) {
      const std::string line = std::move(line_);
      line_.clear();
      OnHeadLine(WithoutEol(line));
    }
  }
  return take;
}

void RequestParser::OnHeadLine(std::string_view line) {
  if (!seen_request_line_) {
    if (!line.empty()) OnRequestLine(line);  // empty lines before a request are ignored
  } else if (line.empty()) {
    OnHeadEnd();
  } else {
    OnHeaderLine(line);
  }
}

void RequestParser::OnRequestLine(std::string_view line) {
  seen_request_line_ = true;
  const size_t first = line.find(' ');
  const size_t second = first == line.npos ? line.npos : line.find(' ', first + 1);
  if (second == line.npos || line.find(' ', second + 1) != line.npos) {
    return Fail(400, "request line is not METHOD TARGET HTTP-VERSION");
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  if (!IsToken(method) || !IsTarget(target)) {
    return Fail(400, "request line is not METHOD TARGET HTTP-VERSION");
  }
  request_.method = std::string(method);
  request_.target = std::string(target);
  const bool shaped = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                      std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
                      std::isdigit(static_cast<unsigned char>(version[7]));
  if (!shaped) return Fail(400, "request line is not METHOD TARGET HTTP-VERSION");
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    return Fail(505, "HTTP version not supported: use HTTP/1.1");
  }
  request_.minor_version = version[7] - '0';
}

void RequestParser::OnHeaderLine(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    return Fail(400, "header lines may not be folded");
  }
  const size_t colon = line.find(':');
  if (colon == line.npos || !IsToken(line.substr(0, colon))) {
    return Fail(400, "malformed header line");
  }
  const std::string_view value = TrimOws(line.substr(colon + 1));
  if (!IsFieldValue(value)) return Fail(400, "header value holds a control character");
  if (++fields_ > limits_.max_headers) {
    return Fail(431, "more than " + std::to_string(limits_.max_headers) + " header fields");
  }
  request_.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
}

void RequestParser::OnHeadEnd() {
  const std::string_view connection = request_.Header("Connection");
  request_.keep_alive = request_.minor_version == 1 ? !ListHas(connection, "close")
                                                    : ListHas(connection, "keep-alive");
  bool has_length = false;
  bool chunked = false;
  uint64_t length = 0;
  for (const auto& [name, value] : request_.headers) {
    if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      if (!EqualsIgnoreCase(value, "chunked") || chunked) {
        return Fail(501, "only the chunked transfer encoding is supported");
      }
      chunked = true;
    } else if (EqualsIgnoreCase(name, "Content-Length")) {
      uint64_t parsed = 0;
      const char* last = value.data() + value.size();
      const auto [end, error] = std::from_chars(value.data(), last, parsed);
      if (error == std::errc::result_out_of_range) parsed = UINT64_MAX;  // over any limit
      if (end != last || value.empty()) return Fail(400, "Content-Length is not a number");
      if (has_length && parsed != length) return Fail(400, "conflicting Content-Length headers");
      has_length = true;
      length = parsed;
    }
  }
  if (chunked && has_length) {
    return Fail(400, "a request may not have both Content-Length and Transfer-Encoding");
  }
  if (length > limits_.max_body_bytes) return BodyTooLarge();
  expect_continue_ = request_.minor_version == 1 &&
                     EqualsIgnoreCase(request_.Header("Expect"), "100-continue");
  remaining_ = length;
  body_ = chunked ? Body::kChunkSize : Body::kLength;
  state_ = chunked || length > 0 ? State::kBody : State::kDone;
}

void RequestParser::BodyTooLarge() {
  Fail(413, "request body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
}

size_t RequestParser::FeedBody(std::string_view data) {
  if (body_ == Body::kLength || body_ == Body::kChunkData) {
    const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
    request_.body.append(data.substr(0, take));
    remaining_ -= take;
    if (remaining_ == 0 && body_ == Body::kLength) state_ = State::kDone;
    if (remaining_ == 0 && body_ == Body::kChunkData) body_ = Body::kChunkEnd;
    return take;
  }
  return FeedChunkLine(data);
}

// The lines of a chunked body: chunk sizes, the CRLF after each chunk's data,
// and the trailer fields (counted like headers, then dropped).
size_t RequestParser::FeedChunkLine(std::string_view data) {
  const size_t end = data.find('\n');
  const size_t take = end == std::string_view::npos ? data.size() : end + 1;
  if (body_ == Body::kTrailer) {
    head_bytes_ += take;
    if (head_bytes_ > limits_.max_head_bytes) {
      Fail(431, "request header fields are larger than " +
                    std::to_string(limits_.max_head_bytes) + " bytes");
      return take;
    }
  } else if (line_.size() + take > kMaxChunkLineBytes) {
    Fail(400, "malformed chunked body");
    return take;
  }
  line_.append(data.substr(0, take));
  if (end == std::string_view::npos) return take;
  const std::string line = std::move(line_);
  line_.clear();
  const std::string_view text = WithoutEol(line);
  if (body_ == Body::kChunkSize) {
    OnChunkSizeLine(text);
  } else if (body_ == Body::kChunkEnd) {
    if (!text.empty()) Fail(400, "malformed chunked body");
    body_ = Body::kChunkSize;
  } else {
    OnTrailerLine(text);
  }
  return take;
}

void RequestParser::OnChunkSizeLine(std::string_view line) {
  uint64_t size = 0;
  const auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
  if (error == std::errc::result_out_of_range) return BodyTooLarge();
  const std::string_view rest = TrimOws(line.substr(static_cast<size_t>(end - line.data())));
  if (error != std::errc() || (!rest.empty() && rest.front() != ';')) {
    return Fail(400, "malformed chunked body");
  }
  if (size > limits_.max_body_bytes - request_.body.size()) return BodyTooLarge();
  remaining_ = size;
  body_ = size == 0 ? Body::kTrailer : Body::kChunkData;
}

void RequestParser::OnTrailerLine(std::string_view line) {
  if (line.empty()) {
    state_ = State::kDone;
    return;
  }
  if (++fields_ > limits_.max_headers) {
    Fail(431, "more than " + std::to_string(limits_.max_headers) + " header fields");
  }
}

}  // namespace mart::rest
