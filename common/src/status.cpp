#include "mart/status.h"

#include <vector>

namespace mart {

const std::vector<CodeInfo>& AllCodes() {
  static const std::vector<CodeInfo> kCodes = {
      {Code::kOk, "OK", 200, 0, "success"},
      {Code::kInvalidArgument, "INVALID_ARGUMENT", 422, 2, "bad input: a missing, malformed or out-of-range value"},
      {Code::kUnauthenticated, "UNAUTHENTICATED", 401, 4, "no valid credentials: log in again"},
      {Code::kPermissionDenied, "PERMISSION_DENIED", 403, 4, "authenticated, but not allowed"},
      {Code::kNotFound, "NOT_FOUND", 404, 3, "the object does not exist (or is not yours)"},
      {Code::kAlreadyExists, "ALREADY_EXISTS", 409, 5, "the object exists already"},
      {Code::kFailedPrecondition, "FAILED_PRECONDITION", 409, 5, "the state does not allow it now"},
      {Code::kRateLimited, "RATE_LIMITED", 429, 6, "too many attempts: wait and retry"},
      {Code::kUnavailable, "UNAVAILABLE", 503, 6, "the daemon is not reachable or not ready"},
      {Code::kInternal, "INTERNAL", 500, 1, "a bug or an unexpected failure"},
  };
  return kCodes;
}

const CodeInfo& InfoFor(Code code) {
  return AllCodes()[static_cast<size_t>(code)];
}

std::optional<Code> CodeFromWire(std::string_view wire) {
  for (const CodeInfo& info : AllCodes()) {
    if (info.wire == wire) return info.code;
  }
  return std::nullopt;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return message_ + " [" + std::string(wire_code()) + "]";
}

Status InvalidArgument(std::string m, nlohmann::json d) { return {Code::kInvalidArgument, std::move(m), std::move(d)}; }
Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
Status AlreadyExists(std::string m, nlohmann::json d) { return {Code::kAlreadyExists, std::move(m), std::move(d)}; }
Status FailedPrecondition(std::string m, nlohmann::json d) { return {Code::kFailedPrecondition, std::move(m), std::move(d)}; }
Status RateLimited(std::string m, nlohmann::json d) { return {Code::kRateLimited, std::move(m), std::move(d)}; }
Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

}  // namespace mart
