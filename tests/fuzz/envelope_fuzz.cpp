// Fuzz target: the wire envelope decoders, on any bytes a peer can send.
// DecodeRequest is what martd runs on every frame (the daemon's first line of
// defence); DecodeReply is what every client runs on martd's answers.
// Properties: neither throws nor crashes; a decoded request or reply encodes
// again and decodes to the same values (so what the daemon logs, stores for
// replay and answers is exactly what it was sent).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "mart/wire/envelope.h"

namespace {

void RequestRoundTrip(std::string_view frame) {
  mart::Request request;
  if (!mart::DecodeRequest(frame, &request).ok()) {
    FUZZ_CHECK(request.id.size() <= mart::kMaxIdLength, "the error reply's id is bounded");
    return;
  }
  FUZZ_CHECK(!request.method.empty(), "a decoded request has a method");
  FUZZ_CHECK(request.params.is_object(), "a decoded request's params are an object");
  mart::Request again;
  mart::Status status = mart::DecodeRequest(mart::EncodeRequest(request), &again);
  FUZZ_CHECK(status.ok(), "a decoded request re-encodes: " + status.ToString());
  FUZZ_CHECK(again.id == request.id && again.method == request.method &&
                 again.auth == request.auth && again.idempotency_key == request.idempotency_key &&
                 again.forwarded_for == request.forwarded_for,
             "the request's fields survive a round trip");
  FUZZ_CHECK(again.params == request.params, "the request's params survive a round trip");
}

// The text decoder (mart-rest's) on the same frame: never a crash, and on a
// frame the value decoder reads, the same envelope and the result's own
// text. Left out: escaped keys (the text decoder matches "result" as
// written), a leading byte order mark (nlohmann skips one) and NUL bytes
// (nlohmann ends the input at one, so it reads a frame with bytes after a
// NUL that the text decoder refuses); martd writes none of them.
void ReplyAsText(std::string_view frame, const mart::Reply& reply, bool decoded) {
  mart::Reply as_text;
  const bool ok = mart::DecodeReply(frame, &as_text, mart::ReplyResult::kText).ok();
  const bool left_out = frame.find('\\') != std::string_view::npos ||
                        frame.rfind("\xEF\xBB\xBF", 0) == 0 ||
                        frame.find('\0') != std::string_view::npos;
  if (!decoded || left_out) return;
  FUZZ_CHECK(ok, "a reply the value decoder reads, the text decoder reads");
  FUZZ_CHECK(as_text.id == reply.id && as_text.status.code() == reply.status.code() &&
                 as_text.next == reply.next,
             "both decoders read the same envelope");
  if (reply.status.ok()) {
    FUZZ_CHECK(nlohmann::json::parse(as_text.result_text, nullptr, false) == reply.result,
               "the result's text is the result");
  }
}

void ReplyRoundTrip(std::string_view frame) {
  mart::Reply reply;
  const bool decoded = mart::DecodeReply(frame, &reply).ok();
  ReplyAsText(frame, reply, decoded);
  if (!decoded) return;
  mart::Reply again;
  mart::Status status = mart::DecodeReply(mart::EncodeReply(reply), &again);
  FUZZ_CHECK(status.ok(), "a decoded reply re-encodes: " + status.ToString());
  FUZZ_CHECK(again.id == reply.id && again.status.code() == reply.status.code(),
             "the reply's id and code survive a round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  RequestRoundTrip(frame);
  ReplyRoundTrip(frame);
  return 0;
}
