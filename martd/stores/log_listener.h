#pragma once
// Hears that another martd on the same PostgreSQL store committed events
// (EventStore::AnnounceAppended): a connection of its own that LISTENs on the
// log's channel, and keeps what names its store's schema. Notifications only say "look at the log"; the log says
// what. Used by one thread (the feed relay); not thread safe.

#include <memory>
#include <string>

#include "mart/status.h"

struct pg_conn;

namespace mart::store {

class LogListener {
 public:
  // Connects and listens; nullptr for a location that is not PostgreSQL's
  // (one martd serves an SQLite file: nothing to hear). UNAVAILABLE when
  // the server cannot be reached.
  static Result<std::unique_ptr<LogListener>> Open(const std::string& location);
  ~LogListener();
  LogListener(const LogListener&) = delete;
  LogListener& operator=(const LogListener&) = delete;

  // The connection's socket, to poll for reading; -1 while disconnected.
  int Socket() const;
  // Reads what arrived; true when at least one notification did. UNAVAILABLE
  // when the connection is lost (Reconnect, then read the log: what was
  // announced meanwhile was never heard).
  Result<bool> TakeNotifications();
  Status Reconnect();

 private:
  explicit LogListener(pg_conn* conn) : conn_(conn) {}
  Status Listen();
  pg_conn* conn_;
  std::string schema_;  // notifications name the schema of the store that grew
};

}  // namespace mart::store
