#pragma once
// Exported events to Kafka (librdkafka). The producer is idempotent
// (enable.idempotence: acks=all, no reordering or duplicates from its own
// retries); each message's key is the event's aggregate id, so one order's
// events of a topic stay in one partition and in order, and its headers are mart-seq,
// mart-topic and mart-version. Publish() returns once every message of the
// page has its delivery report; a failed report, a fatal producer error or
// none within the target's timeout_s (librdkafka's message.timeout.ms) fails the page, and the producer is
// rebuilt on the next call. Topics are not created here: the broker's
// auto.create.topics.enable, or the operator, makes them (README).

#include <memory>
#include <string>
#include <vector>

#include "events/export_sink.h"
#include "events/export_target.h"

namespace mart::events {

class KafkaSink : public ExportSink {
 public:
  explicit KafkaSink(ExportTarget target);
  ~KafkaSink() override;

  Status Publish(const std::vector<ExportMessage>& messages) override;
  Status Open() override;
  void Close() override;

 private:
  struct Producer;
  Status Connect();
  Status Fail(const std::string& what, const std::string& reason);

  ExportTarget target_;
  std::unique_ptr<Producer> producer_;
};

}  // namespace mart::events
