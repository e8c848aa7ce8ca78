#pragma once
// Exported events to RabbitMQ (AMQP 0-9-1, rabbitmq-c). On connecting, the
// sink declares its exchange (durable, type topic) and, with --export-map
// seeds, the seed projects' queues (durable), then puts its channel in
// confirm mode. With queue=Q it also declares Q (durable) bound to the
// exchange with `#`. With queue=Q it also declares Q (durable) bound to the
// exchange with `#`. Each message goes out persistent (delivery mode 2) with the
// event's seq as message_id, its topic as type and routing key, its creation
// time as timestamp, and headers mart-seq, mart-topic, mart-version,
// mart-key. Publish() returns once the broker acknowledged every message
// (basic.ack, possibly `multiple`); a basic.nack, a closed channel or no
// answer within the target's timeout_s fails the page.

#include <memory>
#include <string>
#include <vector>

#include "events/export_sink.h"
#include "events/export_target.h"

namespace mart::events {

class AmqpSink : public ExportSink {
 public:
  // `seed_queues`: queues to declare at connect (ExportMap::kSeeds).
  AmqpSink(ExportTarget target, std::vector<std::string> seed_queues);
  ~AmqpSink() override;

  Status Publish(const std::vector<ExportMessage>& messages) override;
  Status Open() override;
  void Close() override;

 private:
  struct Connection;
  Status Connect();
  // The broker's or the library's reason for `what` failing, as UNAVAILABLE;
  // drops the connection.
  Status Fail(const std::string& what, const std::string& reason);

  ExportTarget target_;
  std::vector<std::string> seed_queues_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace mart::events
