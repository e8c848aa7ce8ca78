#pragma once
// A broker that exported events go to (events/exporter.h drives it). A sink
// is used by one thread at a time.

#include <cstdint>
#include <string>
#include <vector>

#include "mart/status.h"

namespace mart::events {

// One message for the broker.
struct ExportMessage {
  int64_t seq = 0;           // the event's; AMQP message_id, Kafka header "mart-seq"
  std::string topic;         // the event's topic ("order.placed")
  int version = 1;           // the catalog's version of the payload
  int64_t created_at = 0;    // Unix microseconds
  std::string key;           // the aggregate id (Kafka message key); may be empty
  std::string destination;   // AMQP routing key, or the Kafka topic
  // AMQP only: send to the queue named `destination` through the default
  // exchange (the seed projects' queues), not to the sink's exchange.
  bool to_queue = false;
  std::string body;          // JSON
};

class ExportSink {
 public:
  virtual ~ExportSink() = default;
  // Sends every message, in order, and returns OK only once the broker has
  // confirmed all of them (AMQP publisher confirms; Kafka acks=all with the
  // idempotent producer). Connects first when not connected. On any error
  // (UNAVAILABLE with the broker's reason, never a password) the sink drops
  // its connection; the caller sends the whole page again later, so some
  // messages may arrive twice, none is lost.
  virtual Status Publish(const std::vector<ExportMessage>& messages) = 0;
  // Connects when not connected (declaring what the sink publishes to), so
  // a wrong address or password shows before the first event; the errors of
  // Publish.
  virtual Status Open() = 0;
  // Drops the connection, if any.
  virtual void Close() = 0;
};

}  // namespace mart::events
