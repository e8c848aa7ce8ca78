#include "rpc/dispatcher.h"

#include <chrono>
#include <cstdio>

#include "mart/log.h"
#include "rpc/guards.h"

namespace mart::rpc {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Dispatcher::Dispatcher(HandlerTable handlers, Services& services, const std::atomic<bool>& ready)
    : handlers_(std::move(handlers)), services_(services), ready_(ready) {}

Status Dispatcher::CheckComplete() const {
  for (const CommandSpec& spec : AllCommands()) {
    auto it = handlers_.find(spec.method);
    if (it == handlers_.end() || !it->second.run) {
      return Internal("method " + std::string(spec.method) + " has a spec but no handler");
    }
  }
  for (const auto& [method, handler] : handlers_) {
    const CommandSpec* spec = FindCommand(method);
    if (spec == nullptr) {
      return Internal("handler " + method + " has no spec in the command registry");
    }
    if (handler.on_reader && (spec->mutating || handler.prepare != nullptr)) {
      return Internal("handler " + method + " runs on a reader but writes or prepares");
    }
  }
  return Status::Ok();
}

Status Dispatcher::Admit(std::string_view frame, Job* job) const {
  job->received_us = SteadyMicros();
  MART_RETURN_IF_ERROR(DecodeRequest(frame, &job->request));
  const std::string& method = job->request.method;
  job->spec = FindCommand(method);
  auto handler = handlers_.find(method);
  if (job->spec == nullptr || handler == handlers_.end()) {
    std::string suggestion = SuggestCommand(method);
    return InvalidArgument("unknown method '" + method + "'" +
                               (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"),
                           {{"method", method}});
  }
  job->handler = &handler->second;
  NormalizeObjectIds(*job->spec, &job->request.params);
  if (!ready_.load() && !job->spec->serve_while_not_ready) {
    return Unavailable("daemon is not ready (starting or shutting down)");
  }
  MART_ASSIGN_OR_RETURN(job->principal, services_.auth.Authenticate(job->request.auth));
  if (job->principal.kind == Principal::Kind::kAnonymous) {
    MART_RETURN_IF_ERROR(CheckAccess(*job->spec, job->principal));
  }
  // A token's role claim may be stale (roles change), so the role check and,
  // after it, the params check wait for the store thread, which reads the
  // current role. Methods with a prepare step need their guards before the
  // worker runs it: here when the role cannot matter (methods open to every
  // user), else in Prepare, once the caller is confirmed; answering an admin
  // method from the token's role would tell a revoked or deactivated token
  // PERMISSION_DENIED instead of UNAUTHENTICATED.
  // Only valid params are fingerprinted: they are flat, while Fingerprint's
  // dump() of arbitrary nesting recurses per level and can overflow the stack.
  // Invalid params never succeed, so they never need a replay.
  if (job->spec->mutating && job->spec->replay_reply && !job->request.idempotency_key.empty() &&
      ValidateParams(*job->spec, job->request.params).ok()) {
    job->fingerprint = Fingerprint(*job->spec, job->request.params, services_.idempotency_key);
  }
  if (job->handler->prepare != nullptr && job->spec->access != Access::kAdmin) {
    return CheckParams(*job);
  }
  return Status::Ok();
}

Status Dispatcher::CheckParams(Job& job) const {
  MART_RETURN_IF_ERROR(CheckAccess(*job.spec, job.principal));
  MART_RETURN_IF_ERROR(ValidateParams(*job.spec, job.request.params));
  job.params_checked = true;
  return Status::Ok();
}

Result<std::optional<nlohmann::json>> Dispatcher::Replay(Job& job, store::Store& store) const {
  if (job.fingerprint.empty()) return std::optional<nlohmann::json>();
  MART_ASSIGN_OR_RETURN(auto stored, store.idempotency().Find(job.principal.Key(),
                                                               job.request.idempotency_key));
  if (!stored) return std::optional<nlohmann::json>();
  if (stored->method != job.request.method || stored->fingerprint != job.fingerprint) {
    return InvalidArgument("idempotency key " + job.request.idempotency_key +
                           " was used before with different parameters");
  }
  job.fingerprint.clear();  // a replay stores nothing new
  auto reply = nlohmann::json::parse(stored->reply);
  if (job.handler->marks_replay && reply.is_object()) reply["replayed"] = true;
  return std::optional<nlohmann::json>(std::move(reply));
}

Status Dispatcher::Prepare(Job& job, store::Store& reader) const {
  // An ended session must not get the prepare step's answers (e.g. whether a
  // password guess was right); the store thread confirms again under its lock.
  Principal principal = job.principal;
  MART_RETURN_IF_ERROR(services_.auth.Confirm(reader, &principal));
  // Access with the current role, never the token's, which may be stale: an
  // admin demoted since the token was issued must not run an admin prepare
  // step (admin.backup writes a copy of the whole database).
  MART_RETURN_IF_ERROR(CheckAccess(*job.spec, principal));
  if (!job.params_checked) {
    MART_RETURN_IF_ERROR(ValidateParams(*job.spec, job.request.params));
    job.params_checked = true;
  }
  PrepareContext ctx{principal, reader, services_, job.source};
  try {
    MART_ASSIGN_OR_RETURN(job.request.params, job.handler->prepare(ctx, job.request.params));
  } catch (const std::exception& e) {
    LogError("prepare step of " + job.request.method + " threw: " + e.what());
    return Internal("internal error in " + job.request.method);
  }
  return Status::Ok();
}

Reply Dispatcher::Execute(Job& job, store::Store& store, Outbox& outbox) const {
  Reply reply;
  reply.id = job.request.id;
  auto result = RunInSavepoint(job, store, outbox, &reply);
  if (result.ok()) {
    reply.result = std::move(*result);
  } else {
    reply.status = result.status();
  }
  return reply;
}

std::vector<Reply> Dispatcher::ExecuteBatch(std::vector<Job>& batch, store::Store& store,
                                            Outbox& outbox,
                                            store::Transaction& transaction) const {
  std::vector<Reply> replies;
  replies.reserve(batch.size());
  store::Database& db = store.db();
  if (batch.size() < 2 || db.backend() != store::Backend::kPostgres) {
    for (Job& job : batch) replies.push_back(Execute(job, store, outbox));
    return replies;
  }
  // What Execute may change in a job, to run it again as it came.
  struct Admitted {
    Principal principal;
    bool params_checked;
    std::string fingerprint;
  };
  std::vector<Admitted> admitted;
  admitted.reserve(batch.size());
  for (const Job& job : batch) {
    admitted.push_back({job.principal, job.params_checked, job.fingerprint});
  }
  const size_t mark = outbox.Mark();
  (void)db.DeferredRowsLost();
  // What the requests will read, read for all of them at once: one statement
  // per table instead of one per request (Store::ReadAhead).
  Status confirmed = store.ReadAhead(ReadsOf(batch));
  db.ReleaseUnitsBehind();
  if (confirmed.ok()) {
    // The rows the requests only append wait for the batch's end, written
    // set-wise (Store::DeferAppends): one statement for the batch's orders,
    // one for their lines, and so on, instead of one each.
    store.DeferAppends();
    for (Job& job : batch) replies.push_back(Execute(job, store, outbox));
    confirmed = store.WriteDeferred();
  }
  store.StopDeferring();
  if (confirmed.ok() && db.DeferredRowsLost()) {
    // A request wrote the rows of requests before it (it read a table they
    // wait for) and then failed: its rollback took theirs too.
    confirmed = Unavailable("a request that failed undid rows of the requests before it");
  }
  if (Status units = db.ConfirmUnits(); confirmed.ok()) confirmed = units;
  if (confirmed.ok()) return replies;
  store::CountBatchRunAgain();
  LogInfo("a batch of " + std::to_string(batch.size()) +
          " requests failed (" + confirmed.ToString() + "); running them again one at a time");
  outbox.DropAfter(mark);
  replies.clear();
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].principal = std::move(admitted[i].principal);
    batch[i].params_checked = admitted[i].params_checked;
    batch[i].fingerprint = std::move(admitted[i].fingerprint);
  }
  if (Status begun = transaction.Restart(); !begun.ok()) {
    for (const Job& job : batch) replies.push_back(Reply{job.request.id, begun, nullptr});
    return replies;
  }
  for (Job& job : batch) replies.push_back(Execute(job, store, outbox));
  return replies;
}

store::BatchReads Dispatcher::ReadsOf(const std::vector<Job>& batch) {
  store::BatchReads reads;
  for (const Job& job : batch) {
    if (job.principal.IsUser()) reads.sessions.push_back(job.principal.session_id);
    if (!job.fingerprint.empty()) {
      reads.keys.emplace_back(job.principal.Key(), job.request.idempotency_key);
    }
    if (job.handler->read_ahead) {
      try {
        job.handler->read_ahead(job.principal, job.request.params, reads);
      } catch (const std::exception&) {  // a guess from params not yet checked: none then
      }
    }
  }
  return reads;
}

Result<nlohmann::json> Dispatcher::RunInSavepoint(Job& job, store::Store& store,
                                                  Outbox& outbox, Reply* reply) const {
  EffectScope effects(store.db(), outbox);
  MART_RETURN_IF_ERROR(effects.status());
  Tx tx{store, outbox, services_.clock.NowMicros()};
  Principal principal = job.principal;
  bool keep_effects = false;
  auto result = RunHandler(job, principal, tx, &keep_effects, reply);
  if (!result.ok() && !keep_effects) return result;  // its rows and events go
  const std::string& key = job.request.idempotency_key;
  if (result.ok() && !job.fingerprint.empty()) {
    store::IdempotencyRecord record{
        job.request.method, job.fingerprint,
        reply->result_text.empty() ? result->dump() : reply->result_text};
    MART_RETURN_IF_ERROR(store.idempotency().Insert(principal.Key(), key, record, tx.now));
  }
  MART_RETURN_IF_ERROR(effects.Keep());
  return result;
}

Result<nlohmann::json> Dispatcher::RunHandler(Job& job, Principal& principal, Tx& tx,
                                              bool* keep, Reply* reply) const {
  // A replay comes first: the original request may have ended the session
  // (logout) or changed what the checks below would see (a new password).
  // The key's scope comes from a verified token signature.
  MART_ASSIGN_OR_RETURN(auto replayed, Replay(job, tx.store));
  if (replayed) return std::move(*replayed);
  MART_RETURN_IF_ERROR(services_.auth.Confirm(tx.store, &principal));
  if (job.params_checked) {
    MART_RETURN_IF_ERROR(CheckAccess(*job.spec, principal));  // the role may have changed
  } else {
    job.principal = principal;
    MART_RETURN_IF_ERROR(CheckParams(job));
  }
  RequestContext ctx{*job.spec, principal, tx, services_};
  try {
    auto result = job.handler->run(ctx, job.request.params);
    *keep = ctx.keep_effects_on_error;
    reply->next = std::move(ctx.next);
    if (result.ok()) reply->result_text = std::move(ctx.result_text);
    return result;
  } catch (const std::exception& e) {
    LogError("handler of " + job.request.method + " threw: " + e.what());
    return Internal("internal error in " + job.request.method);
  }
}

void Dispatcher::LogOutcome(const Job& job, const Reply& reply) const {
  // Most replies are OK and logged only at debug: build no text for them.
  if (reply.status.ok() && !LogEnabled(LogLevel::kDebug)) return;
  double elapsed_ms = static_cast<double>(SteadyMicros() - job.received_us) / 1000.0;
  char timing[32];
  std::snprintf(timing, sizeof timing, " (%.2f ms)", elapsed_ms);
  std::string who = job.spec != nullptr ? " from " + job.principal.Describe() : "";
  if (!job.source.empty()) who += " at " + job.source;
  std::string method = job.request.method.empty() ? "(undecoded)" : job.request.method;
  if (reply.status.ok()) {
    LogDebug("request " + method + who + " ok" + timing);
    return;
  }
  Code code = reply.status.code();
  std::string line = "request " + method + who + " failed: " + reply.status.ToString() + timing;
  if (code == Code::kInternal || code == Code::kUnavailable) {
    LogWarn(line);
  } else {
    LogInfo(line);
  }
}

}  // namespace mart::rpc
