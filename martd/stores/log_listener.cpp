#include "stores/log_listener.h"

#include <libpq-fe.h>

#include "stores/database.h"
#include "stores/event_store.h"

namespace mart::store {
namespace {

std::string ErrorOf(PGconn* conn) {
  std::string text = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Result<std::unique_ptr<LogListener>> LogListener::Open(const std::string& location) {
  if (!IsPostgresLocation(location)) return std::unique_ptr<LogListener>();
  PGconn* conn = PQconnectdb(location.c_str());
  std::unique_ptr<LogListener> listener(new LogListener(conn));
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return Unavailable("cannot connect to PostgreSQL at " + RedactLocation(location) +
                       " to listen for events: " + ErrorOf(conn));
  }
  MART_RETURN_IF_ERROR(listener->Listen());
  return listener;
}

LogListener::~LogListener() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Status LogListener::Listen() {
  static_assert(std::string_view(EventStore::kLogChannel) == "mart_events");
  PGresult* result = PQexec(conn_, "LISTEN mart_events");
  bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (!ok) return Unavailable("cannot listen for events: " + ErrorOf(conn_));
  result = PQexec(conn_, "SELECT current_schema()");
  ok = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1;
  if (ok) schema_ = PQgetisnull(result, 0, 0) ? "" : PQgetvalue(result, 0, 0);
  PQclear(result);
  if (!ok) return Unavailable("cannot listen for events: " + ErrorOf(conn_));
  // Reading is polled by the relay; the socket must never block it.
  if (PQsetnonblocking(conn_, 1) != 0) return Unavailable("cannot listen for events: " + ErrorOf(conn_));
  return Status::Ok();
}

int LogListener::Socket() const {
  return PQstatus(conn_) == CONNECTION_OK ? PQsocket(conn_) : -1;
}

Result<bool> LogListener::TakeNotifications() {
  if (PQstatus(conn_) != CONNECTION_OK || PQconsumeInput(conn_) != 1) {
    return Unavailable("the connection listening for events was lost: " + ErrorOf(conn_));
  }
  bool heard = false;
  while (PGnotify* notify = PQnotifies(conn_)) {
    heard = heard || (notify->extra != nullptr && schema_ == notify->extra);
    PQfreemem(notify);
  }
  // A server going away shows as end of input on the next read.
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Unavailable("the connection listening for events was lost: " + ErrorOf(conn_));
  }
  return heard;
}

Status LogListener::Reconnect() {
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Unavailable("cannot reconnect to listen for events: " + ErrorOf(conn_));
  }
  return Listen();
}

}  // namespace mart::store
