#pragma once
// Where `martd --export URL` sends the event log (README "Events out to
// RabbitMQ and Kafka", martd(8) EXPORT). One URL names one sink:
//
//   amqp://[USER@]HOST[:PORT][/VHOST][?exchange=NAME][&queue=Q][&password-file=F][&COMMON]
//   kafka://HOST[:PORT][,HOST[:PORT]…][?topic-prefix=P][&COMMON]
//
// where COMMON is name=N, from=beginning|end and timeout-s=S (how long a
// page may wait for the broker's confirmation, 1 to 300, default 30).
//
// A password is never part of the URL (argv and config files are read by
// others): it comes from `password-file` (mode 0600 or stricter) or from the
// environment, $MART_EXPORT_PASSWORD_<NAME> (the sink's name upper-cased,
// other characters as `_`: MART_EXPORT_PASSWORD_AMQP). The sink's name is
// what `martctl queue list` and `worker pause|resume` call it; it defaults
// to the scheme (`amqp`, `kafka`), then `amqp-2`, … for more of one kind.

#include <string>
#include <vector>

#include "mart/status.h"

namespace mart::events {

enum class ExportKind { kAmqp, kKafka };

// Which extra names events are also routed to (--export-map).
enum class ExportMap {
  kNone,
  // The queue and topic names of the projects mart replaces (../seeds):
  // order_created, inventory_reserved, … on RabbitMQ; product-topic,
  // stock-updated, … on Kafka. See SeedRoutes() in exporter.h.
  kSeeds,
};

struct ExportTarget {
  ExportKind kind = ExportKind::kAmqp;
  std::string name;        // unique among the daemon's workers and sinks
  std::string url;         // as given; holds no password
  std::string host;        // AMQP: one host
  int port = 0;            // AMQP: default 5672
  std::string vhost = "/";
  std::string user;        // AMQP: default "guest"
  std::string password;    // from the file or the environment; never logged
  std::string exchange = "mart.events";
  // AMQP: a durable queue declared and bound to the exchange with `#`, so
  // that events wait there until a consumer comes (a topic exchange drops
  // what no queue is bound for); empty: none.
  std::string queue;
  std::string brokers;     // Kafka: bootstrap.servers, "host:port,host:port"
  std::string topic_prefix = "mart.";
  bool from_end = false;   // a new sink starts after the log's last event
  int timeout_s = 30;      // connect and confirmation timeout
  ExportMap map = ExportMap::kNone;

  // "amqp://mart@127.0.0.1:5672/%2F exchange mart.events", for logs and
  // `queue list`: never the password.
  std::string Describe() const;
};

// Parses one --export URL; INVALID_ARGUMENT with a message that starts with
// the URL and says what to write instead. `taken` holds the names already in
// use (workers, earlier sinks): the default name skips them, an explicit one
// that clashes is refused. Reads the password file and the environment.
Result<ExportTarget> ParseExportTarget(const std::string& url, const std::vector<std::string>& taken);

// "none" or "seeds"; INVALID_ARGUMENT otherwise.
Result<ExportMap> ParseExportMap(const std::string& value);

}  // namespace mart::events
