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

void ReplyRoundTrip(std::string_view frame) {
  mart::Reply reply;
  if (!mart::DecodeReply(frame, &reply).ok()) return;
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
