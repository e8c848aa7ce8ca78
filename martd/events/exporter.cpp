#include "events/exporter.h"

#include <algorithm>

#include "events/catalog.h"
#include "mart/domain/money.h"
#include "mart/log.h"
#include "services/event_service.h"

namespace mart::events {
namespace {

using nlohmann::json;

// A seed project's name for an event, and the body its consumers read; the
// message key when not the event's aggregate key.
struct SeedRoute {
  std::string destination;
  json body;
  std::string key = {};
};

// The seeds' stock-updated body: a product and its available units.
SeedRoute StockUpdatedRoute(const json& product_id, const json& available) {
  return {"stock-updated", json{{"product_id", product_id}, {"stock", available}},
          product_id.is_string() ? product_id.get<std::string>() : std::string()};
}

// The RabbitMQ walkthrough's queues (seeds/004): its consumers took the order
// or inventory message; mart's event object carries the same ids.
std::vector<SeedRoute> AmqpSeedRoutes(const store::EventRow& event, const json& object) {
  const json& data = object["data"];
  if (event.topic == "order.placed") return {{"order_created", object}};
  if (event.topic == "inventory.reserved") return {{"inventory_reserved", object}};
  if (event.topic == "inventory.reservation_failed") return {{"inventory_failed", object}};
  if (event.topic == "inventory.released") return {{"inventory_release", object}};
  if (event.topic == "order.status_changed" && data.value("to", "") == "processing") {
    return {{"order_processed", object}};
  }
  return {};
}

// The Kafka projects' topics (seeds/000, 001). stock-updated and
// product-topic carry the bodies those projects documented. Their
// stock-updated came with every stock change; an order's reservation,
// release and shipment are told by one inventory.* event (version 2) with
// the stock after each line, so it fans out into one stock-updated per line,
// keyed by product like stock.updated's.
std::vector<SeedRoute> KafkaSeedRoutes(const store::EventRow& event, const json& object) {
  const json& data = object["data"];
  if (event.topic == "stock.updated") {
    return {StockUpdatedRoute(data.value("product_id", json("")),
                              data.value("available", json(0)))};
  }
  if (event.topic == "inventory.reserved" || event.topic == "inventory.released" ||
      event.topic == "inventory.shipped") {
    std::vector<SeedRoute> routes;
    const json items = data.value("items", json::array());
    for (const json& item : items.is_array() ? items : json::array()) {
      // A version-1 event told its stock in stock.updated events of its own.
      if (!item.is_object() || !item.contains("available")) continue;
      routes.push_back(StockUpdatedRoute(item.value("product_id", json("")), item["available"]));
    }
    return routes;
  }
  if (event.topic == "product.created" || event.topic == "product.updated" ||
      event.topic == "product.deleted") {
    json body{{"_id", data.value("product_id", "")},
              {"name", data.value("name", "")},
              {"category", data.value("category", "")},
              {"event", event.topic}};
    if (data.contains("price_cents") && data["price_cents"].is_number_integer()) {
      body["price"] = MoneyJson(data["price_cents"].get<int64_t>());
    }
    return {{"product-topic", body}};
  }
  if (event.topic == "order.placed") return {{"order_created", object}};
  if (event.topic == "payment.succeeded") return {{"payment_done", object}};
  if (event.topic == "user.registered") return {{"user_registration", object}};
  return {};
}

}  // namespace

std::vector<std::string> SeedDestinations(ExportKind kind) {
  if (kind == ExportKind::kAmqp) {
    return {"order_created", "inventory_reserved", "inventory_failed", "order_processed",
            "inventory_release"};
  }
  return {"product-topic", "stock-updated", "order_created", "payment_done", "user_registration"};
}

std::vector<ExportMessage> MessagesFor(const ExportTarget& target, const store::EventRow& event) {
  const json object = EventJson(event);
  const json& data = object["data"];
  const EventSpec* spec = FindEvent(event.topic);
  ExportMessage message{.seq = event.seq,
                        .topic = event.topic,
                        .version = spec != nullptr ? spec->version : 1,
                        .created_at = event.created_at,
                        .key = AggregateKey(event.topic, data),
                        .destination = target.kind == ExportKind::kAmqp
                                           ? event.topic
                                           : target.topic_prefix + event.topic,
                        .to_queue = false,
                        .body = object.dump()};
  std::vector<ExportMessage> messages{message};
  if (target.map != ExportMap::kSeeds) return messages;
  const bool amqp = target.kind == ExportKind::kAmqp;
  for (SeedRoute& route : amqp ? AmqpSeedRoutes(event, object) : KafkaSeedRoutes(event, object)) {
    ExportMessage copy = message;
    copy.destination = std::move(route.destination);
    if (!route.key.empty()) copy.key = std::move(route.key);
    copy.to_queue = amqp;
    copy.body = route.body.dump();
    messages.push_back(std::move(copy));
  }
  return messages;
}

Exporter::Exporter(ExportTarget target, std::unique_ptr<ExportSink> sink,
                   std::string store_location, StoreCall store, const Clock& clock)
    : target_(std::move(target)),
      sink_(std::move(sink)),
      store_location_(std::move(store_location)),
      store_(std::move(store)),
      clock_(clock) {}

Exporter::~Exporter() { Stop(); }

Status Exporter::Start() {
  MART_ASSIGN_OR_RETURN(reader_, store::Store::Open(store_location_, store::OpenMode::kReadOnly));
  const std::string& name = target_.name;
  const bool from_end = target_.from_end;
  MART_RETURN_IF_ERROR(store_([&name, from_end](Tx& tx) -> Status {
    MART_ASSIGN_OR_RETURN(auto existing, tx.store.queues().Find(name));
    if (existing) return Status::Ok();
    MART_ASSIGN_OR_RETURN(store::ConsumerState state, tx.store.queues().Load(name, tx.now));
    if (!from_end) return Status::Ok();
    MART_ASSIGN_OR_RETURN(state.cursor, tx.store.events().LastSeq());
    return tx.store.queues().Save(state);
  }));
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    role_ = "starting";
  }
  LogInfo("exporting events as " + target_.name + " to " + target_.Describe() +
          (target_.map == ExportMap::kSeeds ? " (and the seed projects' names)" : ""));
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Exporter::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void Exporter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  sink_->Close();
  reader_.reset();
  std::lock_guard lock(mutex_);
  role_ = "stopped";
}

json Exporter::Live() const {
  std::lock_guard lock(mutex_);
  const int64_t since = clock_.NowMicros() - kRateWindowMicros;
  int64_t count = 0;
  for (const auto& [when, n] : exported_) {
    if (when >= since) count += n;
  }
  return json{{"kind", "export"},
              {"target", target_.Describe()},
              {"role", role_},
              {"rate", static_cast<double>(count) * 1e6 / static_cast<double>(kRateWindowMicros)}};
}

void Exporter::CountExported(int64_t count) {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_.NowMicros();
  exported_.emplace_back(now, count);
  while (!exported_.empty() && exported_.front().first < now - kRateWindowMicros) {
    exported_.pop_front();
  }
}

void Exporter::Sleep(int64_t micros) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::microseconds(micros), [this] { return stopping_ || woken_; });
  woken_ = false;
}

void Exporter::Run() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    const int64_t wait = Round();
    if (wait > 0) Sleep(wait);
  }
}

Result<bool> Exporter::HoldsLock() {
  if (reader_->db().backend() != store::Backend::kPostgres) return true;
  MART_ASSIGN_OR_RETURN(int64_t connection, reader_->cluster().ConnectionId());
  if (lock_connection_ != 0 && connection == lock_connection_) return true;
  lock_connection_ = 0;  // never taken, or lost with a connection that ended
  MART_ASSIGN_OR_RETURN(bool held, reader_->cluster().TryLock("export/" + target_.name));
  if (held) lock_connection_ = connection;
  return held;
}

int64_t Exporter::Round() {
  auto held = HoldsLock();
  if (!held.ok() || !*held) {
    std::string role = held.ok() ? "standby" : "waiting for the store";
    {
      std::lock_guard lock(mutex_);
      if (role_ == "active") {
        LogInfo("export " + target_.name + ": " +
                (held.ok() ? "another martd runs it now" : held.status().ToString()));
      }
      role_ = role;
    }
    if (held.ok()) sink_->Close();
    return kStandbyRetryMicros;
  }
  {
    std::lock_guard lock(mutex_);
    if (role_ != "active") LogInfo("export " + target_.name + ": running on this martd");
    role_ = "active";
  }
  auto state = reader_->queues().Find(target_.name);
  if (!state.ok()) {
    LogWarn("export " + target_.name + ": cannot read its cursor: " + state.status().ToString());
    return kStandbyRetryMicros;
  }
  if (!*state || (*state)->paused) {
    sink_->Close();  // a paused sink holds no connection to the broker
    return kPollMicros * 5;
  }
  const int64_t cursor = (**state).cursor;
  auto events = reader_->events().ReadAfter(cursor, kPage);
  if (!events.ok()) {
    LogWarn("export " + target_.name + ": cannot read the log: " + events.status().ToString());
    return kStandbyRetryMicros;
  }
  std::vector<ExportMessage> messages;
  for (const store::EventRow& event : *events) {
    for (ExportMessage& message : MessagesFor(target_, event)) messages.push_back(std::move(message));
  }
  // With nothing to send it still connects: a wrong address or password
  // shows in `queue list` before the first event does.
  Status sent = events->empty() ? sink_->Open() : sink_->Publish(messages);
  if (sent.ok() && events->empty()) {
    if (attempts_ > 0) {
      LogInfo("export " + target_.name + ": connected again");
      if (Status cleared = RecordFailure(Status::Ok()); !cleared.ok()) return kStandbyRetryMicros;
      attempts_ = 0;
    }
    return kPollMicros;
  }
  if (!sent.ok()) {
    ++attempts_;
    if (attempts_ == 1 || attempts_ % 10 == 0) {
      const std::string what = events->empty()
                                   ? std::string("cannot connect")
                                   : "events " + std::to_string(events->front().seq) + "-" +
                                         std::to_string(events->back().seq) + " not delivered";
      LogWarn("export " + target_.name + ": " + what + " (attempt " + std::to_string(attempts_) +
              "), will retry: " + sent.ToString());
    }
    if (Status recorded = RecordFailure(sent); !recorded.ok()) {
      LogWarn("export " + target_.name + ": cannot record the failure: " + recorded.ToString());
    }
    int64_t backoff = kFirstBackoffMicros;
    for (int64_t i = 1; i < attempts_ && backoff < kMaxBackoffMicros; ++i) backoff *= 2;
    return std::min(backoff, kMaxBackoffMicros);
  }
  if (attempts_ > 0) {
    LogInfo("export " + target_.name + ": delivering again after " + std::to_string(attempts_) +
            " failed attempts");
  }
  attempts_ = 0;
  Status advanced = Advance(cursor, events->back().seq, static_cast<int64_t>(events->size()));
  if (!advanced.ok()) {
    // Published but not recorded: the next round publishes the page again.
    LogWarn("export " + target_.name + ": cannot move its cursor: " + advanced.ToString());
    return kStandbyRetryMicros;
  }
  CountExported(static_cast<int64_t>(events->size()));
  return 0;
}

Status Exporter::RecordFailure(const Status& failure) {
  const std::string& name = target_.name;
  const int64_t attempts = failure.ok() ? 0 : attempts_;
  return store_([&](Tx& tx) -> Status {
    MART_ASSIGN_OR_RETURN(store::ConsumerState state, tx.store.queues().Load(name, tx.now));
    if (failure.ok()) {
      state.last_error.reset();
    } else {
      ++state.failed;
      state.last_error = failure.ToString();
    }
    state.attempts = attempts;
    state.updated_at = tx.now;
    return tx.store.queues().Save(state);
  });
}

Status Exporter::Advance(int64_t from, int64_t to, int64_t count) {
  const std::string& name = target_.name;
  return store_([&](Tx& tx) -> Status {
    MART_ASSIGN_OR_RETURN(store::ConsumerState state, tx.store.queues().Load(name, tx.now));
    // Another martd that held the sink meanwhile may have moved it past this
    // page: never move a cursor back.
    if (state.cursor >= to) return Status::Ok();
    if (state.cursor != from) {
      LogInfo("export " + name + ": its cursor moved from " + std::to_string(from) + " to " +
              std::to_string(state.cursor) + " while this page was out");
    }
    state.cursor = to;
    state.processed += count;
    state.attempts = 0;
    state.last_error.reset();
    state.updated_at = tx.now;
    return tx.store.queues().Save(state);
  });
}

}  // namespace mart::events
