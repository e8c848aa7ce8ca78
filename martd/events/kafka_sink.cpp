#include "events/kafka_sink.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "mart/log.h"

namespace mart::events {
namespace {

// What one page's delivery reports say, for the report callback.
struct Page {
  size_t delivered = 0;
  size_t reported = 0;
  std::string first_error;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  auto* page = static_cast<Page*>(message->_private);
  if (page == nullptr) return;
  ++page->reported;
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++page->delivered;
  } else if (page->first_error.empty()) {
    page->first_error = rd_kafka_err2str(message->err);
  }
}

// librdkafka's own lines (a broker that went away, each reconnect) go to
// martd's log at debug: the sink's error in `queue list` and its warning
// already say what matters, once per failed page.
void OnLog(const rd_kafka_t*, int, const char* facility, const char* line) {
  LogDebug(std::string("kafka ") + facility + ": " + line);
}

}  // namespace

struct KafkaSink::Producer {
  rd_kafka_t* handle = nullptr;
  ~Producer() {
    if (handle == nullptr) return;
    // Reports of purged messages run now, while no page waits for them.
    rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(handle, 1000);
    rd_kafka_destroy(handle);
  }
};

KafkaSink::KafkaSink(ExportTarget target) : target_(std::move(target)) {}

KafkaSink::~KafkaSink() { Close(); }

void KafkaSink::Close() { producer_.reset(); }

Status KafkaSink::Fail(const std::string& what, const std::string& reason) {
  Close();
  return Unavailable(what + " (" + target_.Describe() + "): " + reason);
}

Status KafkaSink::Connect() {
  char error[512] = "";
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::string client_id = "mart-" + target_.name;
  const std::string timeout = std::to_string(target_.timeout_s * 1000);
  const std::pair<const char*, const char*> settings[] = {
      {"bootstrap.servers", target_.brokers.c_str()},
      {"client.id", client_id.c_str()},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"message.timeout.ms", timeout.c_str()},
      {"socket.keepalive.enable", "true"},
      {"log_level", "4"},
  };
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Fail("cannot configure the Kafka producer", error);
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_conf_set_log_cb(conf, OnLog);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Fail("cannot create the Kafka producer", error);
  }
  producer_ = std::make_unique<Producer>();
  producer_->handle = handle;
  // librdkafka connects in the background; asking for the cluster's brokers
  // makes a wrong address show now rather than when the first page times out.
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t asked =
      rd_kafka_metadata(handle, 0, nullptr, &metadata, std::min(target_.timeout_s, 10) * 1000);
  if (asked != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Fail("cannot reach the Kafka cluster", rd_kafka_err2str(asked));
  }
  rd_kafka_metadata_destroy(metadata);
  return Status::Ok();
}

Status KafkaSink::Open() { return producer_ ? Status::Ok() : Connect(); }

Status KafkaSink::Publish(const std::vector<ExportMessage>& messages) {
  if (messages.empty()) return Status::Ok();
  MART_RETURN_IF_ERROR(Open());
  rd_kafka_t* handle = producer_->handle;
  Page page;
  for (const ExportMessage& message : messages) {
    const std::string seq = std::to_string(message.seq);
    const std::string version = std::to_string(message.version);
    // produceva, not producev: the RD_KAFKA_V_* macros are GNU statement
    // expressions, which clang's -Wpedantic refuses.
    std::vector<rd_kafka_vu_t> fields;
    fields.reserve(10);  // add() hands out references into it
    auto add = [&fields](rd_kafka_vtype_t type) -> rd_kafka_vu_t& {
      fields.emplace_back();
      fields.back().vtype = type;
      return fields.back();
    };
    add(RD_KAFKA_VTYPE_TOPIC).u.cstr = message.destination.c_str();
    add(RD_KAFKA_VTYPE_MSGFLAGS).u.i = RD_KAFKA_MSG_F_COPY;
    rd_kafka_vu_t& key = add(RD_KAFKA_VTYPE_KEY);
    key.u.mem.ptr = const_cast<char*>(message.key.data());
    key.u.mem.size = message.key.size();
    rd_kafka_vu_t& value = add(RD_KAFKA_VTYPE_VALUE);
    value.u.mem.ptr = const_cast<char*>(message.body.data());
    value.u.mem.size = message.body.size();
    for (const auto& [name, text] : {std::pair<const char*, const std::string*>{"mart-seq", &seq},
                                     {"mart-topic", &message.topic},
                                     {"mart-version", &version}}) {
      rd_kafka_vu_t& header = add(RD_KAFKA_VTYPE_HEADER);
      header.u.header.name = name;
      header.u.header.val = text->data();
      header.u.header.size = static_cast<ssize_t>(text->size());
    }
    add(RD_KAFKA_VTYPE_TIMESTAMP).u.i64 = message.created_at / 1000;
    add(RD_KAFKA_VTYPE_OPAQUE).u.ptr = &page;
    for (;;) {
      rd_kafka_error_t* error = rd_kafka_produceva(handle, fields.data(), fields.size());
      if (error == nullptr) break;
      const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
      const std::string reason = rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
      if (code != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        // The page's earlier messages are purged (their reports run) before `page` goes.
        return Fail("producing event " + seq + " to Kafka failed", reason);
      }
      rd_kafka_poll(handle, 100);
    }
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(target_.timeout_s * 1000 + 5000);
  while (page.reported < messages.size() && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_flush(handle, 200);
    char fatal[512] = "";
    if (rd_kafka_fatal_error(handle, fatal, sizeof fatal) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Fail("the Kafka producer failed for good and is rebuilt", fatal);
    }
  }
  if (page.reported < messages.size()) {
    return Fail("Kafka did not report on " + std::to_string(messages.size() - page.reported) +
                    " of " + std::to_string(messages.size()) + " messages",
                "no delivery report in time");
  }
  if (page.delivered < messages.size()) {
    return Fail("Kafka did not take " + std::to_string(messages.size() - page.delivered) + " of " +
                    std::to_string(messages.size()) + " messages",
                page.first_error);
  }
  return Status::Ok();
}

}  // namespace mart::events
