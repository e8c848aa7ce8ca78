#pragma once
// An incremental HTTP/1.1 request parser with hard limits, for bytes that come
// from anyone. Feed() takes whatever arrived and consumes bytes up to the end
// of one request, so pipelined requests stay in the caller's buffer for the
// next parser. Memory is bounded by the limits: the head by max_head_bytes,
// the body (Content-Length or chunked, after decoding) by max_body_bytes;
// nothing else grows. One parser per request; not thread safe.
//
// Errors carry the HTTP status to answer with, after which the connection
// cannot be trusted to be in step and must be closed:
//   400 a malformed request line, header, chunk or Content-Length; both
//       Content-Length and Transfer-Encoding (a request-smuggling shape)
//   413 a body over max_body_bytes (declared, or as the chunks add up)
//   414 a request line over max_request_line_bytes
//   431 more than max_headers header fields, or a head over max_head_bytes
//   501 a Transfer-Encoding other than chunked
//   505 an HTTP version other than 1.0 and 1.1

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mart::rest {

struct HttpLimits {
  size_t max_request_line_bytes = 8 * 1024;
  size_t max_head_bytes = 32 * 1024;  // request line, headers and chunked trailers
  size_t max_headers = 100;           // header fields, trailers included
  size_t max_body_bytes = 1 << 20;
};

struct ParsedRequest {
  std::string method;
  std::string target;  // as sent: "/api/v1/products/?limit=5"
  int minor_version = 1;  // HTTP/1.<minor>
  // In arrival order; names as sent (compare with Header(), case-insensitive).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // decoded when chunked
  bool keep_alive = true;  // HTTP/1.1 unless "Connection: close"; 1.0 only with keep-alive

  // The first header of that name (case-insensitive), or "" when absent.
  std::string_view Header(std::string_view name) const;
};

class RequestParser {
 public:
  enum class State { kHead, kBody, kDone, kError };

  explicit RequestParser(HttpLimits limits = {});

  // Consumes bytes from the front of `data` and returns how many: all of
  // them while the request is incomplete, fewer once it is (the rest belongs
  // to the next request), none in kDone or kError.
  size_t Feed(std::string_view data);

  State state() const { return state_; }
  // True once the head is complete (state kBody or kDone).
  bool head_complete() const { return state_ == State::kBody || state_ == State::kDone; }
  // The head asked for "Expect: 100-continue" and a body is still to come.
  bool wants_continue() const { return expect_continue_ && state_ == State::kBody; }
  // True when nothing at all has been consumed yet.
  bool empty() const { return consumed_ == 0; }

  // In kError: the status to answer (400, 413, 414, 431, 501, 505) and why.
  int error_status() const { return error_status_; }
  const std::string& error_detail() const { return error_detail_; }

  // The request so far: complete in kDone; in kError, whatever the head gave
  // (the method and target, when the request line was read, for the log).
  const ParsedRequest& request() const { return request_; }
  ParsedRequest TakeRequest() { return std::move(request_); }

 private:
  enum class Body { kNone, kLength, kChunkSize, kChunkData, kChunkEnd, kTrailer };

  // Each consumes from the front of `data`, at most one line or one run of
  // body bytes, and returns how many bytes it used.
  size_t FeedHead(std::string_view data);
  size_t FeedBody(std::string_view data);
  size_t FeedChunkLine(std::string_view data);
  void OnHeadLine(std::string_view line);
  void OnRequestLine(std::string_view line);
  void OnHeaderLine(std::string_view line);
  void OnHeadEnd();
  void OnChunkSizeLine(std::string_view line);
  void OnTrailerLine(std::string_view line);
  void BodyTooLarge();
  void Fail(int status, std::string detail);

  HttpLimits limits_;
  State state_ = State::kHead;
  Body body_ = Body::kNone;
  ParsedRequest request_;
  std::string line_;  // the current line, without its end, while it is incomplete
  size_t head_bytes_ = 0;  // head and trailers, against max_head_bytes
  size_t fields_ = 0;      // headers and trailers, against max_headers
  bool seen_request_line_ = false;
  uint64_t remaining_ = 0;  // body bytes (kLength) or chunk bytes (kChunkData) still to come
  bool expect_continue_ = false;
  size_t consumed_ = 0;
  int error_status_ = 0;
  std::string error_detail_;
};

}  // namespace mart::rest
