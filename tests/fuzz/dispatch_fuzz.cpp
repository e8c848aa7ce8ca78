// Fuzz target: request frames through martd's real request path (Admit, the
// prepare step, Execute: the envelope decoder, the guards, every method's
// params validation and handler) on an in-memory store, without sockets.
//
// Input: up to kMaxFrames requests, one per line (a frame as martd's clients
// send it has no raw newline). A line is a whole request frame when it starts
// with '{'; otherwise it is the shorthand "METHOD AUTH PARAMS" (AUTH "-" for
// none), which the target wraps into a frame, so that mutations reach the
// guards and handlers without first having to keep an envelope intact.
// Each input runs in one transaction that is rolled back afterwards, as a
// batch that never commits: inputs are independent of each other (a crash
// reproduces from its input alone; only the in-memory login limiter carries
// over) and the store stays the fixture's size. Frames of one input see each
// other's effects.
//
// To reach handlers past the guards, the fixture (committed once, at start)
// is one product, one user with a saved address and an order of it; these
// placeholders in the input are replaced before decoding:
//   @C  the local operator's auth ("cookie:…", an admin without a login)
//   @U  the user's access token
//   @P  the product's id         @O  the order's id
// admin.backup and admin.verify are left out: they read and write files at
// paths from the params, which a fuzzer must not do to the machine it runs on.
//
// After the frames, the queue workers run on what they caused, as the store
// thread runs them after each batch.
//
// Properties: nothing throws or crashes; every frame gets a reply that goes
// over the wire and decodes again; no reply is INTERNAL (INTERNAL means a
// handler threw or a store failed: a bug, whatever the input); the workers
// run without a store error.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "mart/log.h"
#include "util/test_dispatch.h"

namespace {

using mart::test::DispatchHarness;
using nlohmann::json;

constexpr size_t kMaxFrames = 8;
constexpr int64_t kPumpBudget = 1000;

struct Fixture {
  std::unique_ptr<DispatchHarness> harness;
  std::string user_token;
  std::string product_id;
  std::string order_id;
};

mart::rpc::HandlerTable FuzzHandlers() {
  mart::rpc::HandlerTable handlers = mart::handlers::AllHandlers();
  handlers.erase("admin.backup");
  handlers.erase("admin.verify");
  return handlers;
}

// The result of a fixture call; throws (a crash at start) when it fails.
json Must(const mart::Reply& reply, std::string_view what) {
  return mart::test::Must(reply.status.ok() ? mart::Result<json>(reply.result)
                                            : mart::Result<json>(reply.status),
                          what);
}

Fixture& TheFixture() {
  static Fixture fixture = [] {
    Fixture f;
    f.harness = std::make_unique<DispatchHarness>(FuzzHandlers());
    DispatchHarness& h = *f.harness;
    const std::string op = DispatchHarness::CookieAuth();
    f.product_id = Must(h.Call("product.create", {{"name", "Lamp"}, {"category", "Home"},
                                                  {"price", "19.99"}, {"quantity", 50}},
                               op),
                        "create the product")["id"];
    f.user_token = h.SignUp("fuzz@example.com").access_token();
    Must(h.Call("address.add",
                {{"line1", "1 Main St"}, {"city", "Springfield"}, {"postal_code", "12345"},
                 {"country", "US"}},
                f.user_token),
         "add the address");
    f.order_id = Must(h.Call("order.place",
                             {{"items", json::array({{{"product_id", f.product_id},
                                                      {"quantity", 2}}})}},
                             f.user_token),
                      "place the order")["id"];
    // Its stock reserved: the order is processing when every input starts.
    mart::test::Must(h.services().queues.Pump(h.store(), h.outbox(), kPumpBudget), "pump");
    h.outbox().TakePending();
    return f;
  }();
  return fixture;
}

void ReplaceAll(std::string* text, std::string_view from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos;
       at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

// "METHOD AUTH PARAMS" -> a request frame; a line starting with '{' as is.
std::string FrameOf(std::string_view line) {
  if (line.empty() || line.front() == '{') return std::string(line);
  auto text = [](std::string_view value) {
    return json(std::string(value)).dump(-1, ' ', false, json::error_handler_t::replace);
  };
  size_t space = line.find(' ');
  std::string frame = R"({"v":1,"id":"s","method":)" + text(line.substr(0, space));
  std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
  space = rest.find(' ');
  std::string_view auth = rest.substr(0, space);
  if (auth != "-") frame += R"(,"auth":)" + text(auth);
  if (space != std::string_view::npos) {
    frame += R"(,"params":)" + std::string(rest.substr(space + 1));
  }
  return frame + "}";
}

std::string Expand(std::string frame, const Fixture& f) {
  ReplaceAll(&frame, "@C", DispatchHarness::CookieAuth());
  ReplaceAll(&frame, "@U", f.user_token);
  ReplaceAll(&frame, "@P", f.product_id);
  ReplaceAll(&frame, "@O", f.order_id);
  return frame;
}

// What the server, the worker pool and the store thread do with one frame,
// inside the batch transaction the caller holds open.
mart::Reply Serve(DispatchHarness& h, std::string_view frame) {
  mart::rpc::Dispatcher& dispatcher = h.dispatcher();
  mart::rpc::Job job;
  mart::Status admitted = dispatcher.Admit(frame, &job);
  if (!admitted.ok()) return mart::Reply{job.request.id, admitted, nullptr};
  if (job.handler->prepare != nullptr) {
    auto replayed = dispatcher.Replay(job, h.store());
    if (!replayed.ok()) return mart::Reply{job.request.id, replayed.status(), nullptr};
    if (*replayed) return mart::Reply{job.request.id, mart::Status::Ok(), std::move(**replayed)};
    mart::Status prepared = dispatcher.Prepare(job, h.store());
    if (!prepared.ok()) return mart::Reply{job.request.id, prepared, nullptr};
  }
  return dispatcher.Execute(job, h.store(), h.outbox());
}

// MART_FUZZ_VERBOSE=1 prints each frame's outcome: to see what seeds reach.
bool Verbose() {
  static const bool verbose = std::getenv("MART_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

void CheckReply(const mart::Reply& reply) {
  FUZZ_CHECK(reply.status.code() != mart::Code::kInternal,
             "no input makes martd fail internally: " + reply.status.ToString());
  mart::Reply decoded;
  mart::Status status = mart::DecodeReply(mart::EncodeReply(reply), &decoded);
  FUZZ_CHECK(status.ok(), "the reply decodes: " + status.ToString());
  FUZZ_CHECK(decoded.status.code() == reply.status.code(), "the reply keeps its code");
  FUZZ_CHECK(reply.status.ok() || !reply.status.message().empty(), "an error has a message");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  mart::SetLogLevel(mart::LogLevel::kError);  // refused requests are the normal case here
  TheFixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fixture& f = TheFixture();
  DispatchHarness& h = *f.harness;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  {
    mart::store::Transaction batch(h.store().db());
    FUZZ_CHECK(batch.status().ok(), "the batch transaction opens: " + batch.status().ToString());
    size_t start = 0;
    for (size_t frames = 0; frames < kMaxFrames && start <= input.size(); ++frames) {
      size_t end = input.find('\n', start);
      if (end == std::string_view::npos) end = input.size();
      mart::Reply reply = Serve(h, Expand(FrameOf(input.substr(start, end - start)), f));
      if (Verbose()) {
        std::fprintf(stderr, "  frame %zu: %s\n", frames + 1,
                     reply.status.ok() ? "ok" : reply.status.ToString().c_str());
      }
      CheckReply(reply);
      start = end + 1;
    }
    // The store thread runs the queue workers after the batch's requests, in
    // the same transaction: they take what the frames caused.
    auto pumped = h.services().queues.Pump(h.store(), h.outbox(), kPumpBudget);
    FUZZ_CHECK(pumped.ok(), "the queue workers run: " + pumped.status().ToString());
  }  // rolled back
  h.outbox().TakePending();
  return 0;
}
