#include "handlers/handlers.h"
#include "mart/log.h"
#include "services/cluster_service.h"
#include "stores/schema.h"

namespace mart::handlers {
namespace {

Result<nlohmann::json> Status(rpc::RequestContext& ctx, const nlohmann::json&) {
  const DaemonInfo& info = ctx.services.info;
  MART_ASSIGN_OR_RETURN(int schema, ctx.tx.store.db().SchemaVersion());
  nlohmann::json status{
      {"ready", info.ready != nullptr && info.ready->load()},
      {"version", info.version},
      {"pid", info.pid},
      {"uptime_s", (ctx.tx.now - info.started_at) / 1000000},
      {"started_at", FormatTimestamp(info.started_at)},
      {"schema_version", schema},
      {"events_endpoint", info.events_endpoint},
      {"store", {{"backend", ctx.tx.store.db().BackendName()}, {"schema_version", schema}}},
  };
  // Where the data lives and what serves it are for admins (and the operator):
  // anyone may ask daemon.status.
  // Which martd answered: clients that fail over between instances show it.
  status["instance"] = {{"id", info.instance_id}};
  if (ctx.principal.IsAdmin()) {
    status["instance"]["host"] = info.host;
    // Several martd may share a PostgreSQL database: those seen lately.
    if (ctx.tx.store.db().backend() == store::Backend::kPostgres) {
      MART_ASSIGN_OR_RETURN(status["cluster"]["instances"],
                            ClusterService::Instances(ctx.tx.store, info.instance_id, ctx.tx.now));
    }
    status["store"]["location"] = info.store;
    status["store"]["server_version"] = ctx.tx.store.db().ServerVersion();
    status["store"]["statements"] = store::StatementsExecuted();
    if (ctx.tx.store.db().backend() == store::Backend::kPostgres) {
      status["store"]["round_trips"] = store::RoundTrips();
      status["store"]["batches_run_again"] = store::BatchesRunAgain();
    }
  }
  // The CURVE public key clients pin; public by design.
  if (!info.server_key.empty()) status["server_key"] = info.server_key;
  return status;
}

// Stops as SIGTERM does: the main thread takes the signal, refuses new
// requests and finishes those in flight, this one's reply included.
Result<nlohmann::json> Stop(rpc::RequestContext& ctx, const nlohmann::json&) {
  const DaemonInfo& info = ctx.services.info;
  if (!info.request_stop) {
    return FailedPrecondition("this martd runs inside another program and cannot be stopped "
                              "by request");
  }
  LogInfo("daemon.stop from " + ctx.principal.Describe() + ": finishing in-flight requests");
  info.request_stop();
  return nlohmann::json{{"stopping", true}, {"pid", info.pid}};
}

}  // namespace

void AddDaemonHandlers(rpc::HandlerTable& table) {
  table["daemon.status"] = {Status};
  table["daemon.stop"] = {Stop};
}

rpc::HandlerTable AllHandlers() {
  rpc::HandlerTable table;
  AddDaemonHandlers(table);
  AddAuthHandlers(table);
  AddAccountHandlers(table);
  AddAdminUserHandlers(table);
  AddProductHandlers(table);
  AddInventoryHandlers(table);
  AddOrderHandlers(table);
  AddNotificationHandlers(table);
  AddPaymentHandlers(table);
  AddQueueHandlers(table);
  return table;
}

}  // namespace mart::handlers
