#include "daemon/daemon.h"

#include <algorithm>

#include <unistd.h>

#include "events/amqp_sink.h"
#include "events/kafka_sink.h"
#include "handlers/handlers.h"
#include "mart/log.h"
#include "mart/paths.h"
#include "mart/wire/curve.h"
#include "services/cluster_service.h"
#include "stores/schema.h"
#include "stores/sqlite_database.h"

namespace mart::daemon {

Daemon::Daemon(DaemonOptions options, const Clock* clock)
    : options_(std::move(options)), clock_(clock != nullptr ? *clock : system_clock_) {}

Daemon::~Daemon() { Stop(); }

Status Daemon::OpenStoreAndServices() {
  MART_ASSIGN_OR_RETURN(store_, store::Store::Open(options_.StoreLocation(),
                                                   store::OpenMode::kReadWrite));
  // SQLite's WAL is copied back by a thread of its own (stores/checkpointer.h).
  if (store::SqliteDatabase* sqlite = store::AsSqlite(store_->db())) {
    MART_ASSIGN_OR_RETURN(checkpointer_,
                          store::Checkpointer::Start(*sqlite, options_.StoreLocation()));
  }
  MART_ASSIGN_OR_RETURN(SigningKey key, data_dir_->LoadOrCreateSigningKey(options_.signing_key));
  MART_ASSIGN_OR_RETURN(std::string instance_id, data_dir_->LoadOrCreateInstanceId());
  DaemonInfo info;
  info.pid = ::getpid();
  info.started_at = clock_.NowMicros();
  info.endpoint = options_.listen;
  info.store = store::RedactLocation(options_.StoreLocation());
  info.instance_id = instance_id;
  char host[256] = {};
  info.host = ::gethostname(host, sizeof host - 1) == 0 ? host : "unknown";
  instance_ = {.id = info.instance_id, .host = info.host, .pid = info.pid,
               .endpoint = info.endpoint, .version = info.version,
               .started_at = info.started_at, .seen_at = info.started_at};
  if (OnPostgres()) MART_RETURN_IF_ERROR(JoinCluster(key));
  MART_ASSIGN_OR_RETURN(std::string cookie, data_dir_->WriteCookie(options_.listen));
  // On tcp:// the feed is only the authenticated one (rpc/feed.h).
  info.events_endpoint = IsTcpEndpoint(options_.listen) ? "" : EventsEndpointFor(options_.listen);
  if (IsTcpEndpoint(options_.listen)) {
    MART_ASSIGN_OR_RETURN(curve_, data_dir_->LoadOrCreateCurveKeys(options_.curve_key));
    info.server_key = curve_.public_key;
  }
  info.ready = &ready_;
  info.request_stop = on_stop_;
  services_ = std::make_unique<Services>(clock_, key, std::move(cookie), options_.auth, info,
                                         options_.payments);
  if (OnPostgres()) {
    // Login limits hold across every instance on the database.
    MART_ASSIGN_OR_RETURN(auto logins, store::Database::Open(options_.StoreLocation(),
                                                             store::OpenMode::kReadWrite));
    MART_ASSIGN_OR_RETURN(auto checks, store::Database::Open(options_.StoreLocation(),
                                                             store::OpenMode::kReadWrite));
    services_->auth.ShareLoginCounts(std::move(logins), std::move(checks));
  }
  // ParseDaemonOptions sets the default; a Daemon built in-process may not.
  const std::string backups =
      options_.backup_dir.empty() ? options_.data_dir + "/backups" : options_.backup_dir;
  MART_RETURN_IF_ERROR(MakeDirs(backups, 0700));
  return services_->backups.Configure({.data_dir = options_.data_dir, .backup_dir = backups});
}

void Daemon::BuildMailer() {
  if (options_.smtp.url.empty()) return;
  transport_ = std::make_unique<notify::SmtpTransport>(options_.smtp);
  auto call = [store_thread = store_thread_.get()](rpc::StoreFn fn) {
    return store_thread->Call(std::move(fn));
  };
  mailer_ = std::make_unique<notify::Mailer>(services_->notifications, *transport_, call, clock_,
                                             options_.smtp.from);
  services_->notifications.EnableDelivery([mailer = mailer_.get()] { mailer->Poke(); });
}

Status Daemon::Start() {
  MART_ASSIGN_OR_RETURN(data_dir_, DataDir::Open(options_.data_dir));
  MART_RETURN_IF_ERROR(data_dir_->PrepareSocketDir(options_.listen));
  MART_RETURN_IF_ERROR(OpenStoreAndServices());
  dispatcher_ = std::make_unique<rpc::Dispatcher>(handlers::AllHandlers(), *services_, ready_);
  MART_RETURN_IF_ERROR(dispatcher_->CheckComplete());
  context_ = std::make_unique<zmq::context_t>(1);
  publisher_ = std::make_unique<Publisher>(*context_);
  if (!services_->info.events_endpoint.empty()) {
    MART_RETURN_IF_ERROR(publisher_->Bind(services_->info.events_endpoint));
  }
  store_thread_ = std::make_unique<rpc::StoreThread>(*store_, *dispatcher_, *context_);
  MART_RETURN_IF_ERROR(BuildExporters());
  if (OnPostgres()) {
    // Other instances commit too: the relay merges their events from the log.
    MART_ASSIGN_OR_RETURN(relay_, FeedRelay::Start(*publisher_, options_.StoreLocation()));
  }
  store_thread_->SetCommitListener([this](const std::vector<store::EventRow>& events) {
    if (relay_) {
      relay_->Committed(events);
    } else {
      publisher_->Publish(events);
    }
    for (auto& exporter : exporters_) exporter->Wake();
  });
  pool_ = std::make_unique<rpc::WorkerPool>(options_.StoreLocation(), options_.worker_threads,
                                            *dispatcher_, *store_thread_, *context_);
  server_ = std::make_unique<rpc::Server>(*context_, *dispatcher_, *store_thread_, *pool_,
                                         options_.StoreLocation());
  MART_RETURN_IF_ERROR(publisher_->ConnectFeed(rpc::kFeedEndpoint, &server_->feed_subscribers()));
  BuildMailer();
  store_thread_->Start();
  for (auto& exporter : exporters_) MART_RETURN_IF_ERROR(exporter->Start());
  if (mailer_) mailer_->Start();
  MART_RETURN_IF_ERROR(pool_->Start());
  MART_RETURN_IF_ERROR(server_->Start(options_.listen, curve_.secret_key));
  if (OnPostgres()) StartHeartbeat();
  ready_ = true;
  serving_ = true;
  StartIntegrityCheck();
  std::string mail = "; notifications are stored, not mailed (no --smtp-url)";
  if (mailer_) {
    const std::string auth = notify::SmtpAuthSummary(options_.smtp);
    mail = "; mailing notifications through " + options_.smtp.url +
           (auth.empty() ? "" : " (" + auth + ")");
  }
  LogInfo("ready: martd " + std::string(MART_VERSION) + " pid " + std::to_string(::getpid()) +
          (OnPostgres() ? " instance " + instance_.id : std::string()) + " data dir " +
          options_.data_dir + " store " + store_->db().BackendName() + " " +
          store::RedactLocation(options_.StoreLocation()) + " listening on " + options_.listen +
          mail);
  return Status::Ok();
}

Status Daemon::BuildExporters() {
  const std::vector<std::string> names = services_->queues.Names();
  auto call = [store_thread = store_thread_.get()](std::function<Status(Tx&)> fn) {
    return store_thread->Call(std::move(fn));
  };
  for (const events::ExportTarget& target : options_.exports) {
    if (std::find(names.begin(), names.end(), target.name) != names.end()) {
      return InvalidArgument("--export " + target.url + ": the name " + target.name +
                             " is a queue worker's; add name=OTHER to the URL");
    }
    std::unique_ptr<events::ExportSink> sink;
    if (target.kind == events::ExportKind::kAmqp) {
      std::vector<std::string> queues;
      if (target.map == events::ExportMap::kSeeds) {
        queues = events::SeedDestinations(events::ExportKind::kAmqp);
      }
      sink = std::make_unique<events::AmqpSink>(target, std::move(queues));
    } else {
      sink = std::make_unique<events::KafkaSink>(target);
    }
    auto exporter = std::make_unique<events::Exporter>(target, std::move(sink),
                                                       options_.StoreLocation(), call, clock_);
    services_->queues.RegisterExport(target.name,
                                     [runner = exporter.get()] { return runner->Live(); });
    exporters_.push_back(std::move(exporter));
  }
  return Status::Ok();
}

bool Daemon::OnPostgres() const { return store::IsPostgresLocation(options_.StoreLocation()); }

Status Daemon::JoinCluster(const SigningKey& key) {
  Status joined = ClusterService::Join(*store_, key, instance_);
  if (!joined.ok()) return joined;
  LogInfo("joined the martd instances of " + store::RedactLocation(options_.StoreLocation()) +
          " as instance " + instance_.id + " (signing key fingerprint " +
          ClusterService::Fingerprint(key) + ")");
  return Status::Ok();
}

void Daemon::StartHeartbeat() {
  heartbeat_thread_ = std::thread([this] {
    std::unique_lock lock(heartbeat_mutex_);
    while (!heartbeat_wake_.wait_for(lock,
                                     std::chrono::microseconds(ClusterService::kHeartbeatMicros),
                                     [this] { return heartbeat_stopping_; })) {
      lock.unlock();
      Status seen = store_thread_->Call([this](Tx& tx) {
        return ClusterService::Heartbeat(tx.store, instance_, tx.now);
      });
      if (!seen.ok()) LogWarn("recording this instance's heartbeat failed: " + seen.ToString());
      lock.lock();
    }
  });
}

void Daemon::StopHeartbeat() {
  if (!heartbeat_thread_.joinable()) return;
  {
    std::lock_guard lock(heartbeat_mutex_);
    heartbeat_stopping_ = true;
  }
  heartbeat_wake_.notify_all();
  heartbeat_thread_.join();
  Status left = store_thread_->Call(
      [this](Tx& tx) { return ClusterService::Leave(tx.store, instance_.id); });
  if (!left.ok()) LogWarn("removing this instance from the instances table failed: " + left.ToString());
}

Status Daemon::integrity() const {
  std::lock_guard lock(check_mutex_);
  return integrity_;
}

// PRAGMA quick_check reads every page: seconds on a big store, during which
// martd serves (SQLite reports a damaged page it meets as an error anyway).
// A store that fails stops the daemon: not ready at once, then on_failure_.
void Daemon::StartIntegrityCheck() {
  check_thread_ = std::thread([this, path = options_.StoreLocation()] {
    auto db = store::Database::Open(path, store::OpenMode::kReadOnly);
    if (!db.ok()) {
      LogWarn("cannot open the store for its integrity check: " + db.status().ToString());
      return;
    }
    {
      std::lock_guard lock(check_mutex_);
      if (check_stopping_) return;
      check_db_ = db->get();
    }
    Status verdict = (*db)->QuickCheck();
    {
      std::lock_guard lock(check_mutex_);
      check_db_ = nullptr;
      if (check_stopping_) return;  // interrupted, not failed
      integrity_ = verdict;
    }
    if (verdict.ok()) {
      LogInfo("integrity check (quick_check) of the store: ok");
      return;
    }
    LogError(verdict.ToString() + "; stopping: restore a backup (martd --restore)");
    ready_ = false;
    if (on_failure_) on_failure_();
  });
}

void Daemon::StopIntegrityCheck() {
  {
    std::lock_guard lock(check_mutex_);
    check_stopping_ = true;
    if (check_db_ != nullptr) check_db_->Interrupt();
  }
  if (check_thread_.joinable()) check_thread_.join();
}

void Daemon::Stop() {
  StopIntegrityCheck();
  // Serving, or was until a failed integrity check turned ready_ off: the
  // sockets and the cookie still need their clean-up.
  ready_ = false;
  const bool was_ready = serving_.exchange(false);
  if (server_ && was_ready) {
    if (!server_->Drain(10000)) {
      LogWarn("stopping with " + std::to_string(server_->in_flight()) + " requests unanswered");
    }
  }
  if (pool_) pool_->Stop();
  if (mailer_) mailer_->Stop();  // records its last send while the store thread runs
  for (auto& exporter : exporters_) exporter->Stop();  // records its last page, likewise
  StopHeartbeat();               // and leaves the instances table, a clean stop
  if (store_thread_) store_thread_->Stop();
  if (relay_) relay_->Stop();  // after the store thread's last commit
  server_.reset();
  if (publisher_) publisher_->Close();
  if (was_ready) {
    // ZeroMQ leaves ipc socket files behind; clients would then try them.
    for (const std::string& endpoint : {options_.listen, services_->info.events_endpoint}) {
      if (endpoint.rfind("ipc://", 0) == 0) ::unlink(endpoint.substr(6).c_str());
    }
  }
  relay_.reset();
  publisher_.reset();
  pool_.reset();
  mailer_.reset();
  transport_.reset();
  exporters_.clear();
  store_thread_.reset();
  context_.reset();
  dispatcher_.reset();
  services_.reset();
  checkpointer_.reset();  // before the writer it hooks into
  store_.reset();
  if (data_dir_) {
    data_dir_->RemoveCookie();
    data_dir_.reset();
    if (was_ready) LogInfo("stopped");
  }
}

}  // namespace mart::daemon
