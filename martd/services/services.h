#pragma once
// The services of one daemon, built once at start and shared by every thread
// (each service documents its own thread safety).

#include <atomic>
#include <functional>
#include <string>

#include "services/account_service.h"
#include "services/auth_service.h"
#include "services/catalog_service.h"
#include "services/backup_service.h"
#include "services/check_service.h"
#include "services/event_service.h"
#include "services/inventory_service.h"
#include "services/notification_service.h"
#include "queue/notification_worker.h"
#include "services/order_service.h"
#include "queue/order_workers.h"
#include "services/payment_service.h"
#include "queue/payment_workers.h"
#include "queue/queue_service.h"
#include "services/refund_service.h"
#include "services/clock.h"

namespace mart {

struct DaemonInfo {
  std::string version = MART_VERSION;
  int64_t pid = 0;
  int64_t started_at = 0;  // Unix microseconds
  std::string endpoint;
  std::string events_endpoint;
  std::string server_key;  // CURVE public key (Z85) when listening on tcp://
  std::string store;       // the store's location, any password redacted
  std::string instance_id;  // DataDir::LoadOrCreateInstanceId
  std::string host;         // this machine's name
  const std::atomic<bool>* ready = nullptr;
  // daemon.stop: asks the process to stop as SIGTERM does (after this
  // request's reply); empty where nothing can stop it (a Daemon run
  // in-process without Daemon::OnStopRequest).
  std::function<void()> request_stop = {};
};

struct Services {
  Services(const Clock& c, SigningKey key, std::string cookie, AuthOptions options, DaemonInfo i,
           PaymentOptions payment_options = {})
      : clock(c),
        auth(c, key, std::move(cookie), options),
        gateway({.failure_rate = payment_options.failure_rate, .seed = payment_options.seed}),
        idempotency_key(DeriveKey(key, "mart idempotency fingerprint")),
        info(std::move(i)),
        payments(orders, refunds, gateway, payment_options.auto_capture) {
    queues.Register(&inventory_worker);
    queues.Register(&orders_worker);
    queues.Register(&payments_worker);
    queues.Register(&notification_worker);
  }
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;
  const Clock& clock;
  AuthService auth;
  AccountService accounts;
  InventoryService inventory;
  CatalogService catalog{inventory};
  SimulatedGateway gateway;
  RefundService refunds{gateway};  // before orders: every order that ends records its refunds
  OrderService orders{refunds};
  EventService events;
  NotificationService notifications;
  QueueService queues{clock};
  CheckService checks{queues};
  BackupService backups{checks};
  InventoryWorker inventory_worker{inventory};
  OrdersWorker orders_worker{orders};
  NotificationWorker notification_worker{notifications};
  SigningKey idempotency_key;  // keys request fingerprints (rpc/guards.h)
  DaemonInfo info;
  PaymentService payments;
  PaymentsWorker payments_worker{payments};
};

}  // namespace mart
