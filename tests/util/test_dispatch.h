#pragma once
// DispatchHarness: the request path of martd without sockets or threads.
// Call() does what the server, the worker pool and the store thread do for
// one request: Admit; for handlers with a prepare step, Replay and Prepare
// (with the same in-memory store as the reader); then Execute in its own
// committed transaction. It returns the reply as a client would decode it.
// Not thread safe.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/handlers.h"
#include "mart/wire/envelope.h"
#include "rpc/dispatcher.h"
#include "util/test_store.h"

namespace mart::test {

// address.add's params for an address whose first line is `line1`.
inline nlohmann::json NewAddress(std::string line1) {
  return {{"line1", std::move(line1)},
          {"city", "Springfield"},
          {"postal_code", "12345"},
          {"country", "US"}};
}

class DispatchHarness : public ServiceHarness {
 public:
  explicit DispatchHarness(rpc::HandlerTable handlers = handlers::AllHandlers(),
                           AuthOptions options = TestAuthOptions())
      : ServiceHarness(options), dispatcher_(std::move(handlers), services(), ready()) {}

  rpc::Dispatcher& dispatcher() { return dispatcher_; }

  Reply CallFrame(std::string_view frame) {
    last_events_.clear();
    rpc::Job job;
    Status admitted = dispatcher_.Admit(frame, &job);
    if (!admitted.ok()) return OverTheWire(Reply{job.request.id, admitted, nullptr});
    if (job.handler->prepare != nullptr) {
      // The worker pool replays a finished request before its prepare step.
      auto replayed = dispatcher_.Replay(job, *store_);
      if (!replayed.ok()) return OverTheWire(Reply{job.request.id, replayed.status(), nullptr});
      if (*replayed) return OverTheWire(Reply{job.request.id, Status::Ok(), std::move(**replayed)});
      Status prepared = dispatcher_.Prepare(job, *store_);
      if (!prepared.ok()) return OverTheWire(Reply{job.request.id, prepared, nullptr});
    }
    Reply reply;
    {
      store::Transaction transaction(store_->db());
      if (!transaction.status().ok()) {
        return OverTheWire(Reply{job.request.id, transaction.status(), nullptr});
      }
      reply = dispatcher_.Execute(job, *store_, outbox_);
      Status committed = transaction.Commit();
      if (!committed.ok()) reply = Reply{job.request.id, committed, nullptr};
    }
    last_events_ = outbox_.TakePending();
    return OverTheWire(reply);
  }

  Reply Call(std::string_view method, nlohmann::json params = nlohmann::json::object(),
             std::string_view auth = {}, std::string_view idempotency_key = {}) {
    Request request;
    request.id = "req-" + std::to_string(++calls_);
    request.method = std::string(method);
    request.auth = std::string(auth);
    request.idempotency_key = std::string(idempotency_key);
    request.params = std::move(params);
    return CallFrame(EncodeRequest(request));
  }

  // Requests that need no prepare step, executed as the store thread executes
  // a batch: in one transaction (Dispatcher::ExecuteBatch), then committed.
  // The replies in order; last_events() holds the batch's events.
  std::vector<Reply> CallBatch(const std::vector<Request>& requests) {
    last_events_.clear();
    std::vector<rpc::Job> batch(requests.size());
    for (size_t i = 0; i < requests.size(); ++i) {
      Status admitted = dispatcher_.Admit(EncodeRequest(requests[i]), &batch[i]);
      EXPECT_TRUE(admitted.ok()) << admitted.ToString();
      if (!admitted.ok()) return {};
      EXPECT_EQ(batch[i].handler->prepare, nullptr) << requests[i].method;
    }
    std::vector<Reply> replies;
    store::Transaction transaction(store_->db());
    EXPECT_TRUE(transaction.status().ok()) << transaction.status().ToString();
    for (Reply& reply : dispatcher_.ExecuteBatch(batch, *store_, outbox_, transaction)) {
      replies.push_back(OverTheWire(reply));
    }
    // As the store thread: a batch whose transaction could not begin again
    // (ExecuteBatch's replies say so) is not committed.
    if (transaction.status().ok()) {
      Status committed = transaction.Commit();
      EXPECT_TRUE(committed.ok()) << committed.ToString();
    }
    last_events_ = outbox_.TakePending();
    return replies;
  }

  // The events the last executed call left in the outbox for publishing.
  const std::vector<store::EventRow>& last_events() const { return last_events_; }

 private:
  static Reply OverTheWire(const Reply& reply) {
    Reply decoded;
    Status status = DecodeReply(EncodeReply(reply), &decoded);
    if (!status.ok())
      decoded.status = Internal("reply did not survive the wire: " + status.ToString());
    return decoded;
  }

  rpc::Dispatcher dispatcher_;
  std::vector<store::EventRow> last_events_;
  int calls_ = 0;
};

}  // namespace mart::test
