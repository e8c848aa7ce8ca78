#pragma once
// The daemon's single error boundary. Every request passes through here:
// Admit (socket thread: decode, method exists, ready, authenticate), optionally
// Prepare (worker thread), then Execute (store thread, inside the batch
// transaction: confirm the caller against the database, access with the
// current role, params, idempotency, run). Methods with a prepare step have
// access and params checked in Admit when they are open to every user, and in
// Prepare, after the caller is confirmed, when they are for admins. Whatever happens, the caller gets one
// well-formed reply, and a failed request is logged once, here.

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "events/outbox.h"
#include "rpc/handler.h"
#include "rpc/job.h"
#include "services/services.h"

namespace mart::rpc {

class Dispatcher {
 public:
  Dispatcher(HandlerTable handlers, Services& services, const std::atomic<bool>& ready);

  // OK when every spec has a handler and every handler a spec.
  Status CheckComplete() const;

  // Fills *job; on error job->request.id holds what could be read of the id.
  Status Admit(std::string_view frame, Job* job) const;
  // The stored reply when the job's idempotency key was used before with the
  // same fingerprint; INVALID_ARGUMENT when with different params.
  Result<std::optional<nlohmann::json>> Replay(Job& job, store::Store& store) const;
  // Runs the handler's prepare step with a read-only store.
  Status Prepare(Job& job, store::Store& reader) const;
  // Runs in a savepoint of the open transaction (on a reader, the savepoint
  // is the read transaction); never throws.
  Reply Execute(Job& job, store::Store& store, Outbox& outbox) const;
  // Executes a batch's jobs in order in `transaction`, one reply each. On
  // PostgreSQL their savepoints are released behind (a round trip fewer per
  // request); should a write of any fail, which one is not known, so the
  // transaction and the events the jobs emitted are undone and the jobs run
  // again, each released on its own, as Execute does alone. A handler may so
  // run twice: what it does outside the transaction must bear that (the
  // simulated payment gateway is a pure function; a real one needs the
  // request's key, as it would for a request whose savepoint rolls back).
  std::vector<Reply> ExecuteBatch(std::vector<Job>& batch, store::Store& store, Outbox& outbox,
                                  store::Transaction& transaction) const;

  // One log line for a finished request: failures at INFO (WARN for
  // INTERNAL/UNAVAILABLE), successes at DEBUG.
  void LogOutcome(const Job& job, const Reply& reply) const;

  Services& services() { return services_; }

 private:
  // What a batch's requests will read (Store::ReadAhead).
  static store::BatchReads ReadsOf(const std::vector<Job>& batch);
  // The access guard with the principal's role, then the params guard.
  Status CheckParams(Job& job) const;
  // Besides the result, they set the reply's `next` (a paged list's cursor)
  // and `result_text` (RequestContext).
  Result<nlohmann::json> RunInSavepoint(Job& job, store::Store& store, Outbox& outbox,
                                        Reply* reply) const;
  Result<nlohmann::json> RunHandler(Job& job, Principal& principal, Tx& tx, bool* keep,
                                    Reply* reply) const;

  HandlerTable handlers_;
  Services& services_;
  const std::atomic<bool>& ready_;
};

int64_t SteadyMicros();

}  // namespace mart::rpc
