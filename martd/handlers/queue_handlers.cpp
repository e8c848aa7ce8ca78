#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/params.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::RequestContext;

Result<json> Queues(RequestContext& ctx, const json&) { return ctx.services.queues.Queues(ctx.tx); }

Result<json> Workers(RequestContext& ctx, const json&) {
  return ctx.services.queues.Workers(ctx.tx);
}

Result<json> Pause(RequestContext& ctx, const json& params) {
  return ctx.services.queues.SetPaused(ctx.tx, String(params, "worker"), true);
}

Result<json> Resume(RequestContext& ctx, const json& params) {
  return ctx.services.queues.SetPaused(ctx.tx, String(params, "worker"), false);
}

Result<json> DeadLetters(RequestContext& ctx, const json& params) {
  const PageParams page = ReadPage(params);
  MART_ASSIGN_OR_RETURN(std::optional<int64_t> after, IntCursor(page));
  MART_ASSIGN_OR_RETURN(json rows, ctx.services.queues.DeadLetters(ctx.tx, String(params, "worker"),
                                                                  page.fetch(), page.offset, after));
  return FinishPage(ctx, page, rows.get<std::vector<json>>(), [](const json& row) { return row; },
                    [](const json& row) { return row.value("id", json()).dump(); });
}

Result<json> DeadLetter(RequestContext& ctx, const json& params) {
  return ctx.services.queues.DeadLetter(ctx.tx, Int(params, "id"));
}

Result<json> Retry(RequestContext& ctx, const json& params) {
  return ctx.services.queues.RetryDeadLetter(ctx.tx, Int(params, "id"));
}

Result<json> Purge(RequestContext& ctx, const json& params) {
  return ctx.services.queues.Purge(ctx.tx, OptInt(params, "id"), String(params, "worker"),
                                   OptBool(params, "all").value_or(false));
}

Result<json> ReadEvents(RequestContext& ctx, const json& params) {
  return ctx.services.events.Read(ctx.tx, OptInt(params, "after").value_or(0),
                                  String(params, "topic"), OptInt(params, "limit").value_or(100));
}

Result<json> Subscribe(RequestContext& ctx, const json& params) {
  return ctx.services.events.Subscribe(ctx.tx, String(params, "topic"), ctx.principal);
}

Result<json> Publish(RequestContext& ctx, const json& params) {
  return ctx.services.events.Publish(ctx.tx, String(params, "topic"),
                                     params.value("data", json::object()), ctx.principal);
}

Result<json> Check(RequestContext& ctx, const json&) { return ctx.services.checks.Run(ctx.tx); }

// Backup and verify do their work in the prepare step (a worker thread and a
// read-only store); the store thread only hands the answer back.
Result<json> PrepareBackup(rpc::PrepareContext& ctx, const json& params) {
  return ctx.services.backups.Backup(ctx.reader, String(params, "file"),
                                     OptBool(params, "force").value_or(false),
                                     ctx.services.clock.NowMicros(), ctx.principal);
}

Result<json> PrepareVerify(rpc::PrepareContext& ctx, const json& params) {
  return ctx.services.backups.Verify(String(params, "file"), ctx.principal);
}

Result<json> Prepared(RequestContext&, const json& prepared) { return prepared; }

}  // namespace

void AddQueueHandlers(rpc::HandlerTable& table) {
  table["queue.list"] = {Queues};
  table["worker.list"] = {Workers};
  table["worker.pause"] = {Pause};
  table["worker.resume"] = {Resume};
  table["dlq.list"] = {DeadLetters};
  table["dlq.show"] = {DeadLetter};
  table["dlq.retry"] = {Retry};
  table["dlq.purge"] = {Purge};
  table["events.read"] = rpc::OnReader(ReadEvents);
  table["events.subscribe"] = rpc::FeedSubscription(Subscribe);
  table["events.publish"] = {Publish};
  table["admin.check"] = {Check};
  table["admin.backup"] = {Prepared, PrepareBackup};
  table["admin.verify"] = {Prepared, PrepareVerify};
}

}  // namespace mart::handlers
