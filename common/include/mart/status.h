#pragma once
// Errors as values. A Status is a code from the one error table (below) plus a
// lowercase message naming the object and value, and optional machine-readable
// details. Result<T> carries either a T or a non-OK Status.
//
// The code table is the single place that maps a code to its wire string, its
// HTTP status (REST bridge) and its martctl exit code (DESIGN.md §3).

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mart {

enum class Code {
  kOk,
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kRateLimited,
  kUnavailable,
  kInternal,
};

struct CodeInfo {
  Code code;
  std::string_view wire;  // "INVALID_ARGUMENT"
  int http_status;        // 422
  int exit_code;          // 2
  std::string_view meaning;
};

// The whole table, in declaration order of Code.
const std::vector<CodeInfo>& AllCodes();
const CodeInfo& InfoFor(Code code);
// Returns nullopt for an unknown wire string.
std::optional<Code> CodeFromWire(std::string_view wire);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message, nlohmann::json details = nullptr)
      : code_(code), message_(std::move(message)), details_(std::move(details)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const nlohmann::json& details() const { return details_; }
  std::string_view wire_code() const { return InfoFor(code_).wire; }
  int exit_code() const { return InfoFor(code_).exit_code; }

  // "message [CODE]", the form martctl prints.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  nlohmann::json details_;
};

Status InvalidArgument(std::string message, nlohmann::json details = nullptr);
Status Unauthenticated(std::string message);
Status PermissionDenied(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message, nlohmann::json details = nullptr);
Status FailedPrecondition(std::string message, nlohmann::json details = nullptr);
Status RateLimited(std::string message, nlohmann::json details = nullptr);
Status Unavailable(std::string message);
Status Internal(std::string message);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an OK status has no value");
    if (status_.ok()) status_ = Internal("result without value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mart

#define MART_CONCAT_INNER_(a, b) a##b
#define MART_CONCAT_(a, b) MART_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define MART_RETURN_IF_ERROR(expr)                 \
  do {                                             \
    ::mart::Status mart_status_ = (expr);          \
    if (!mart_status_.ok()) return mart_status_;   \
  } while (0)

// `auto x = MART_TRY(expr)` is not portable; this declares `lhs` from a Result.
#define MART_ASSIGN_OR_RETURN(lhs, expr) \
  MART_ASSIGN_OR_RETURN_IMPL_(MART_CONCAT_(mart_result_, __LINE__), lhs, expr)
#define MART_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
