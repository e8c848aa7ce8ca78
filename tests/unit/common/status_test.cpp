#include "mart/status.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mart {
namespace {

struct ExpectedRow {
  Code code;
  std::string_view wire;
  int http_status;
  int exit_code;
};

// DESIGN.md §3, copied by hand on purpose: the table in status.cpp must agree.
constexpr ExpectedRow kDesignTable[] = {
    {Code::kOk, "OK", 200, 0},
    {Code::kInvalidArgument, "INVALID_ARGUMENT", 422, 2},
    {Code::kUnauthenticated, "UNAUTHENTICATED", 401, 4},
    {Code::kPermissionDenied, "PERMISSION_DENIED", 403, 4},
    {Code::kNotFound, "NOT_FOUND", 404, 3},
    {Code::kAlreadyExists, "ALREADY_EXISTS", 409, 5},
    {Code::kFailedPrecondition, "FAILED_PRECONDITION", 409, 5},
    {Code::kRateLimited, "RATE_LIMITED", 429, 6},
    {Code::kUnavailable, "UNAVAILABLE", 503, 6},
    {Code::kInternal, "INTERNAL", 500, 1},
};

TEST(StatusTest, EveryCodeHasOneRowInDeclarationOrder) {
  // kInternal is the last enumerator; InfoFor indexes the table by the enum value.
  const size_t code_count = static_cast<size_t>(Code::kInternal) + 1;
  ASSERT_EQ(AllCodes().size(), code_count);
  for (size_t i = 0; i < code_count; ++i) {
    EXPECT_EQ(AllCodes()[i].code, static_cast<Code>(i)) << "row " << i;
    EXPECT_FALSE(AllCodes()[i].meaning.empty()) << AllCodes()[i].wire;
  }
}

TEST(StatusTest, WireStringsAreUniqueUpperSnakeCase) {
  std::set<std::string_view> seen;
  for (const CodeInfo& info : AllCodes()) {
    EXPECT_TRUE(seen.insert(info.wire).second) << "duplicate wire string " << info.wire;
    for (char c : info.wire) EXPECT_TRUE((c >= 'A' && c <= 'Z') || c == '_') << info.wire;
  }
}

TEST(StatusTest, HttpStatusAndExitCodeMatchTheDesignTable) {
  for (const ExpectedRow& row : kDesignTable) {
    const CodeInfo& info = InfoFor(row.code);
    EXPECT_EQ(info.wire, row.wire);
    EXPECT_EQ(info.http_status, row.http_status) << row.wire;
    EXPECT_EQ(info.exit_code, row.exit_code) << row.wire;
  }
  EXPECT_EQ(std::size(kDesignTable), AllCodes().size());
}

TEST(StatusTest, CodeFromWireRoundTripsEveryCode) {
  for (const CodeInfo& info : AllCodes()) {
    auto code = CodeFromWire(info.wire);
    ASSERT_TRUE(code.has_value()) << info.wire;
    EXPECT_EQ(*code, info.code);
  }
}

TEST(StatusTest, CodeFromWireRejectsUnknownAndWrongCase) {
  EXPECT_FALSE(CodeFromWire("").has_value());
  EXPECT_FALSE(CodeFromWire("TEAPOT").has_value());
  EXPECT_FALSE(CodeFromWire("not_found").has_value());
  EXPECT_FALSE(CodeFromWire("NOT_FOUND ").has_value());
}

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), Code::kOk);
  EXPECT_EQ(status.wire_code(), "OK");
  EXPECT_EQ(status.exit_code(), 0);
  EXPECT_EQ(status.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, ToStringIsMessageThenCode) {
  Status status = NotFound("product 66f1 not found");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.ToString(), "product 66f1 not found [NOT_FOUND]");
  EXPECT_EQ(status.exit_code(), 3);
}

TEST(StatusTest, HelpersSetTheirCodeAndKeepDetails) {
  EXPECT_EQ(InvalidArgument("x").code(), Code::kInvalidArgument);
  EXPECT_EQ(Unauthenticated("x").code(), Code::kUnauthenticated);
  EXPECT_EQ(PermissionDenied("x").code(), Code::kPermissionDenied);
  EXPECT_EQ(NotFound("x").code(), Code::kNotFound);
  EXPECT_EQ(AlreadyExists("x").code(), Code::kAlreadyExists);
  EXPECT_EQ(FailedPrecondition("x").code(), Code::kFailedPrecondition);
  EXPECT_EQ(RateLimited("x").code(), Code::kRateLimited);
  EXPECT_EQ(Unavailable("x").code(), Code::kUnavailable);
  EXPECT_EQ(Internal("x").code(), Code::kInternal);

  Status limited = RateLimited("slow down", {{"retry_after_s", 30}});
  EXPECT_EQ(limited.message(), "slow down");
  EXPECT_EQ(limited.details(), (nlohmann::json{{"retry_after_s", 30}}));
  EXPECT_TRUE(NotFound("x").details().is_null());
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> value = 42;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 42);
  EXPECT_TRUE(value.status().ok());

  Result<std::string> error = NotFound("gone");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), Code::kNotFound);
  EXPECT_EQ(error.status().message(), "gone");
}

TEST(ResultTest, MovesTheValueOut) {
  Result<std::string> text = std::string("hello");
  std::string moved = std::move(text).value();
  EXPECT_EQ(moved, "hello");
  Result<std::string> other = std::string("abc");
  EXPECT_EQ(other->size(), 3u);
}

#ifdef NDEBUG
TEST(ResultTest, OkStatusWithoutValueBecomesInternalInReleaseBuilds) {
  Result<int> broken = Status::Ok();
  EXPECT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), Code::kInternal);
}
#endif

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument(std::to_string(n) + " is odd");
  return n / 2;
}

Result<int> Quarter(int n, int* reached) {
  MART_ASSIGN_OR_RETURN(int half, Half(n));
  ++*reached;
  MART_ASSIGN_OR_RETURN(int quarter, Half(half));
  ++*reached;
  return quarter;
}

Status CheckEven(int n) {
  MART_RETURN_IF_ERROR(Half(n).status());
  return Status::Ok();
}

TEST(ResultTest, AssignOrReturnDeclaresOrPropagates) {
  int reached = 0;
  Result<int> ok = Quarter(12, &reached);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  EXPECT_EQ(reached, 2);

  reached = 0;
  Result<int> first = Quarter(7, &reached);
  EXPECT_EQ(first.status().message(), "7 is odd");
  EXPECT_EQ(reached, 0);

  reached = 0;
  Result<int> second = Quarter(6, &reached);
  EXPECT_EQ(second.status().message(), "3 is odd");
  EXPECT_EQ(reached, 1);
}

TEST(ResultTest, ReturnIfErrorPropagates) {
  EXPECT_TRUE(CheckEven(4).ok());
  Status odd = CheckEven(5);
  EXPECT_EQ(odd.code(), Code::kInvalidArgument);
  EXPECT_EQ(odd.message(), "5 is odd");
}

}  // namespace
}  // namespace mart
