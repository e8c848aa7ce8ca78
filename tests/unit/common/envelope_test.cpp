#include "mart/wire/envelope.h"

#include <gtest/gtest.h>

#include <string>

namespace mart {
namespace {

using nlohmann::json;

Status Decode(const std::string& frame, Request* out) { return DecodeRequest(frame, out); }

Request SampleRequest() {
  Request request;
  request.id = "c1-42";
  request.method = "address.add";
  request.auth = "eyJ.token.sig";
  request.idempotency_key = "k-123";
  request.params = {{"line1", "123 Example St"}, {"is_default", true}, {"n", 7}};
  return request;
}

TEST(EnvelopeTest, RequestRoundTrips) {
  Request sent = SampleRequest();
  Request received;
  ASSERT_TRUE(DecodeRequest(EncodeRequest(sent), &received).ok());
  EXPECT_EQ(received.id, sent.id);
  EXPECT_EQ(received.method, sent.method);
  EXPECT_EQ(received.auth, sent.auth);
  EXPECT_EQ(received.idempotency_key, sent.idempotency_key);
  EXPECT_EQ(received.params, sent.params);
}

TEST(EnvelopeTest, EncodeRequestOmitsEmptyOptionalFields) {
  Request request;
  request.id = "1";
  request.method = "daemon.status";
  request.params = nullptr;
  json frame = json::parse(EncodeRequest(request));
  EXPECT_EQ(frame,
            (json{{"v", 1}, {"id", "1"}, {"method", "daemon.status"}, {"params", json::object()}}));
}

TEST(EnvelopeTest, AbsentOrNullParamsDecodeAsEmptyObject) {
  Request a;
  ASSERT_TRUE(Decode(R"({"v":1,"id":"1","method":"auth.whoami"})", &a).ok());
  EXPECT_EQ(a.params, json::object());
  Request b;
  ASSERT_TRUE(Decode(R"({"v":1,"id":"1","method":"auth.whoami","params":null})", &b).ok());
  EXPECT_EQ(b.params, json::object());
  EXPECT_TRUE(b.auth.empty());
  EXPECT_TRUE(b.idempotency_key.empty());
}

struct BadFrame {
  std::string name;
  std::string frame;
  std::string message;
};

class DecodeRequestErrorTest : public ::testing::TestWithParam<BadFrame> {};

TEST_P(DecodeRequestErrorTest, IsInvalidArgumentWithMessage) {
  Request request;
  Status status = DecodeRequest(GetParam().frame, &request);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(), GetParam().message);
}

const std::string kWrongVersion = "unsupported protocol version (want \"v\":1)";

INSTANTIATE_TEST_SUITE_P(
    Frames, DecodeRequestErrorTest,
    ::testing::Values(
        BadFrame{"NotJson", "{\"v\":1,", "request is not valid JSON"},
        BadFrame{"Empty", "", "request is not valid JSON"},
        BadFrame{"Binary", std::string("\x00\x01\x02", 3), "request is not valid JSON"},
        BadFrame{"Array", R"([1,2])", "request must be a JSON object"},
        BadFrame{"String", R"("hello")", "request must be a JSON object"},
        BadFrame{"MissingVersion", R"({"id":"1","method":"a.b"})", kWrongVersion},
        BadFrame{"VersionTwo", R"({"v":2,"id":"1","method":"a.b"})", kWrongVersion},
        BadFrame{"VersionString", R"({"v":"1","id":"1","method":"a.b"})", kWrongVersion},
        BadFrame{"VersionFloat", R"({"v":1.5,"id":"1","method":"a.b"})", kWrongVersion},
        BadFrame{"MethodNumber", R"({"v":1,"id":"1","method":5})", "method must be a string"},
        BadFrame{"MethodMissing", R"({"v":1,"id":"1"})", "method is required"},
        BadFrame{"MethodEmpty", R"({"v":1,"id":"1","method":""})", "method is required"},
        BadFrame{"IdNumber", R"({"v":1,"id":7,"method":"a.b"})", "id must be a string"},
        BadFrame{"AuthObject", R"({"v":1,"id":"1","method":"a.b","auth":{}})",
                 "auth must be a string"},
        BadFrame{"ParamsArray", R"({"v":1,"id":"1","method":"a.b","params":[1]})",
                 "params must be a JSON object"},
        BadFrame{"ParamsString", R"({"v":1,"id":"1","method":"a.b","params":"x"})",
                 "params must be a JSON object"},
        BadFrame{"InvalidUtf8",
                 "{\"v\":1,\"id\":\"1\",\"method\":\"a.b\",\"params\":{\"x\":\"\xff\"}}",
                 "request is not valid UTF-8"},
        BadFrame{"Surrogate", "{\"v\":1,\"id\":\"1\",\"method\":\"\xed\xa0\x80\"}",
                 "request is not valid UTF-8"},
        BadFrame{"LongId", R"({"v":1,"method":"a.b","id":")" + std::string(129, 'i') + "\"}",
                 "id is longer than 128 bytes"},
        BadFrame{
            "LongKey",
            R"({"v":1,"id":"1","method":"a.b","idempotency_key":")" + std::string(129, 'k') + "\"}",
            "idempotency_key is longer than 128 bytes"},
        BadFrame{"DeepNesting",
                 R"({"v":1,"id":"1","method":"a.b","params":{"x":)" + std::string(40, '[') +
                     std::string(40, ']') + "}}",
                 "request nests JSON deeper than 32 levels"}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(EnvelopeTest, BracketsInsideStringsDoNotCountAsNesting) {
  Request request;
  std::string brackets = std::string(100, '[') + "\\\"" + std::string(100, '{');
  std::string frame = R"({"v":1,"id":"1","method":"a.b","params":{"x":")" + brackets + "\"}}";
  EXPECT_TRUE(DecodeRequest(frame, &request).ok());
  EXPECT_EQ(request.params["x"].get<std::string>().size(), 201u);
}

// A frame of exactly `size` bytes: a valid request padded inside params.
std::string FrameOfSize(size_t size) {
  std::string head = R"({"v":1,"id":"big","method":"a.b","params":{"pad":")";
  std::string tail = "\"}}";
  return head + std::string(size - head.size() - tail.size(), 'x') + tail;
}

TEST(EnvelopeTest, FrameAtTheLimitDecodes) {
  Request request;
  std::string frame = FrameOfSize(kMaxMessageBytes);
  ASSERT_EQ(frame.size(), kMaxMessageBytes);
  EXPECT_TRUE(DecodeRequest(frame, &request).ok());
  EXPECT_EQ(request.id, "big");
}

TEST(EnvelopeTest, FrameOverTheLimitIsRefusedWithTheLimitInDetails) {
  Request request;
  Status status = DecodeRequest(FrameOfSize(kMaxMessageBytes + 1), &request);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "request of 1048577 bytes exceeds the 1048576-byte limit");
  EXPECT_EQ(status.details(), (json{{"limit", kMaxMessageBytes}}));
  EXPECT_TRUE(request.id.empty());  // nothing is parsed from an oversized frame
}

TEST(EnvelopeTest, IdIsSalvagedForErrorsAfterItWasRead) {
  Request wrong_version;
  EXPECT_FALSE(Decode(R"({"v":9,"id":"abc","method":"a.b"})", &wrong_version).ok());
  EXPECT_EQ(wrong_version.id, "abc");

  Request bad_method;
  EXPECT_FALSE(Decode(R"({"v":1,"id":"def","method":[]})", &bad_method).ok());
  EXPECT_EQ(bad_method.id, "def");

  Request bad_params;
  EXPECT_FALSE(Decode(R"({"v":1,"id":"ghi","method":"a.b","params":3})", &bad_params).ok());
  EXPECT_EQ(bad_params.id, "ghi");
}

TEST(EnvelopeTest, IdIsNotSalvagedWhenTheFrameCannotBeParsed) {
  Request request;
  EXPECT_FALSE(Decode("{\"id\":\"abc\",\"v\":1", &request).ok());
  EXPECT_TRUE(request.id.empty());
}

TEST(EnvelopeTest, EncodersNeverThrowOnInvalidUtf8) {
  Request request;
  request.id = "1";
  request.method = "a.\xff";
  std::string frame;
  ASSERT_NO_THROW(frame = EncodeRequest(request));
  EXPECT_TRUE(DecodeRequest(frame, &request).ok());  // replaced by U+FFFD, valid again

  Reply reply{"1", InvalidArgument("unknown method 'a.\xff'"), nullptr};
  Reply decoded;
  ASSERT_NO_THROW(frame = EncodeReply(reply));
  EXPECT_TRUE(DecodeReply(frame, &decoded).ok());
  EXPECT_EQ(decoded.status.code(), Code::kInvalidArgument);
}

TEST(EnvelopeTest, OkReplyRoundTrips) {
  Reply sent{"r1", Status::Ok(), json{{"id", 3}, {"email", "ann@example.com"}}};
  Reply received;
  ASSERT_TRUE(DecodeReply(EncodeReply(sent), &received).ok());
  EXPECT_EQ(received.id, "r1");
  EXPECT_TRUE(received.status.ok());
  EXPECT_EQ(received.result, sent.result);
}

// An OK reply is written as text around its result: the bytes are those of
// the frame object nlohmann::json would write, with and without `next`.
TEST(EnvelopeTest, OkReplyTextIsTheFrameObjectsText) {
  for (const std::string& next : {std::string(), std::string("65f0a1b2c3d4e5f601234567")}) {
    Reply sent{"r\"1\xff", Status::Ok(), json{{"items", {1, 2.5, "\u00e9"}}, {"a", nullptr}}, next};
    json frame = {{"v", kProtocolVersion}, {"id", sent.id}, {"ok", true}, {"result", sent.result}};
    if (!next.empty()) frame["next"] = next;
    EXPECT_EQ(EncodeReply(sent), frame.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

TEST(EnvelopeTest, ErrorReplyRoundTripsCodeMessageAndDetails) {
  Reply sent{"r2", FailedPrecondition("insufficient stock", {{"available", 2}}), nullptr};
  json frame = json::parse(EncodeReply(sent));
  EXPECT_EQ(frame["ok"], false);
  EXPECT_FALSE(frame.contains("result"));
  EXPECT_EQ(frame["error"]["code"], "FAILED_PRECONDITION");

  Reply received;
  ASSERT_TRUE(DecodeReply(frame.dump(), &received).ok());
  EXPECT_EQ(received.id, "r2");
  EXPECT_EQ(received.status.code(), Code::kFailedPrecondition);
  EXPECT_EQ(received.status.message(), "insufficient stock");
  EXPECT_EQ(received.status.details(), (json{{"available", 2}}));
}

TEST(EnvelopeTest, ErrorReplyWithoutDetailsOmitsThem) {
  json frame = json::parse(EncodeReply(Reply{"r3", NotFound("user 9 not found"), nullptr}));
  EXPECT_FALSE(frame["error"].contains("details"));
  Reply received;
  ASSERT_TRUE(DecodeReply(frame.dump(), &received).ok());
  EXPECT_TRUE(received.status.details().is_null());
}

TEST(EnvelopeTest, ReplyWithUnknownErrorCodeBecomesInternal) {
  Reply received;
  ASSERT_TRUE(
      DecodeReply(
          R"({"v":1,"id":"x","ok":false,"error":{"code":"TEAPOT","message":"short and stout"}})",
          &received)
          .ok());
  EXPECT_EQ(received.status.code(), Code::kInternal);
  EXPECT_EQ(received.status.message(),
            "daemon answered with unknown error code 'TEAPOT': short and stout");
}

TEST(EnvelopeTest, ReplyWithOkAsErrorCodeBecomesInternal) {
  Reply received;
  ASSERT_TRUE(
      DecodeReply(R"({"v":1,"id":"x","ok":false,"error":{"code":"OK","message":"m"}})", &received)
          .ok());
  EXPECT_EQ(received.status.code(), Code::kInternal);
}

TEST(EnvelopeTest, MalformedRepliesAreInvalidArgument) {
  const std::string frames[] = {
      "not json",
      "[]",
      R"({"v":2,"id":"x","ok":true})",
      R"({"v":1,"id":"x"})",
      R"({"v":1,"id":"x","ok":"yes"})",
      R"({"v":1,"id":"x","ok":false})",
      R"({"v":1,"id":"x","ok":false,"error":"boom"})",
      R"({"v":1,"id":5,"ok":true})",
  };
  for (const std::string& frame : frames) {
    Reply reply;
    EXPECT_EQ(DecodeReply(frame, &reply).code(), Code::kInvalidArgument) << frame;
    Reply as_text;
    EXPECT_EQ(DecodeReply(frame, &as_text, ReplyResult::kText).code(), Code::kInvalidArgument)
        << frame;
  }
  Reply huge;
  EXPECT_EQ(DecodeReply(std::string(kHardMaxMessageBytes + 1, ' '), &huge).code(),
            Code::kInvalidArgument);
}

// Found with the envelope fuzz target (tests/fuzz/regressions/envelope): a
// reply nested 100000 deep overflowed the client's stack when the result was
// copied out.
TEST(EnvelopeTest, DeeplyNestedReplyIsInvalidArgument) {
  auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  Reply reply;
  EXPECT_EQ(DecodeReply(R"({"v":1,"id":"x","ok":true,"result":)" + nested(100000) + "}", &reply)
                .code(),
            Code::kInvalidArgument);
  // Event data a request could carry still comes back.
  ASSERT_TRUE(
      DecodeReply(R"({"v":1,"id":"x","ok":true,"result":)" + nested(kMaxJsonDepth) + "}", &reply)
          .ok());
  EXPECT_TRUE(reply.result.is_array());
}

TEST(EnvelopeTest, OkReplyWithoutResultHasNullResult) {
  Reply received;
  ASSERT_TRUE(DecodeReply(R"({"v":1,"id":"x","ok":true})", &received).ok());
  EXPECT_TRUE(received.status.ok());
  EXPECT_TRUE(received.result.is_null());
  Reply as_text;
  ASSERT_TRUE(DecodeReply(R"({"v":1,"id":"x","ok":true})", &as_text, ReplyResult::kText).ok());
  EXPECT_EQ(as_text.result_text, "null");
}

// mart-rest passes a page of products on without parsing it: the decoder
// hands over the result's bytes as the daemon wrote them, and reads the
// envelope around it as the value decoder does.
TEST(EnvelopeTest, TextDecodingKeepsTheResultsBytes) {
  Reply sent;
  sent.id = "r-1";
  sent.next = "cursor";
  sent.result_text = R"([{"id":"p","name":"a \"b\" }]"}])";
  const std::string frame = EncodeReply(sent);
  Reply received;
  ASSERT_TRUE(DecodeReply(frame, &received, ReplyResult::kText).ok());
  EXPECT_EQ(received.id, "r-1");
  EXPECT_EQ(received.next, "cursor");
  EXPECT_EQ(received.result_text, sent.result_text);
  EXPECT_TRUE(received.result.is_null());
  Reply parsed;
  ASSERT_TRUE(DecodeReply(frame, &parsed).ok());
  EXPECT_EQ(parsed.result, nlohmann::json::parse(sent.result_text));

  Reply failed;
  failed.id = "r-2";
  failed.status = Status(Code::kNotFound, "no such product", {{"id", "p"}});
  Reply error;
  ASSERT_TRUE(DecodeReply(EncodeReply(failed), &error, ReplyResult::kText).ok());
  EXPECT_EQ(error.status.code(), Code::kNotFound);
  EXPECT_EQ(error.status.message(), "no such product");
  EXPECT_EQ(error.status.details(), nlohmann::json({{"id", "p"}}));
  EXPECT_TRUE(error.result_text.empty());
}

}  // namespace
}  // namespace mart
