#include "events/kafka_sink.h"

#include <librdkafka/rdkafka.h>

#include <chrono>

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
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          handle, RD_KAFKA_V_TOPIC(message.destination.c_str()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(message.key.data(), message.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(message.body.data()), message.body.size()),
          RD_KAFKA_V_HEADER("mart-seq", seq.data(), static_cast<ssize_t>(seq.size())),
          RD_KAFKA_V_HEADER("mart-topic", message.topic.data(),
                            static_cast<ssize_t>(message.topic.size())),
          RD_KAFKA_V_HEADER("mart-version", version.data(), static_cast<ssize_t>(version.size())),
          RD_KAFKA_V_TIMESTAMP(message.created_at / 1000), RD_KAFKA_V_OPAQUE(&page),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        // The page's earlier messages are purged (their reports run) before `page` goes.
        return Fail("producing event " + seq + " to Kafka failed", rd_kafka_err2str(err));
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
