#include "rpc/server.h"

#include <chrono>

#include <zmq_addon.hpp>

#include "mart/log.h"
#include "mart/wire/curve_socket.h"

namespace mart::rpc {

Server::Server(zmq::context_t& context, Dispatcher& dispatcher, StoreThread& store_thread,
               WorkerPool& pool, std::string db_path)
    : dispatcher_(dispatcher),
      store_thread_(store_thread),
      pool_(pool),
      db_path_(std::move(db_path)),
      router_(context, zmq::socket_type::router),
      replies_(context, zmq::socket_type::pull),
      events_(context, zmq::socket_type::pull) {
  replies_.set(zmq::sockopt::linger, 0);
  replies_.bind(kReplyEndpoint);
  events_.set(zmq::sockopt::linger, 0);
  events_.set(zmq::sockopt::rcvhwm, kFeedHighWaterMark);
  events_.bind(kFeedEndpoint);
  router_.set(zmq::sockopt::linger, 0);
  // Requests up to kMaxMessageBytes are decoded; larger ones up to the hard
  // limit get an error reply; past it ZeroMQ drops the connection.
  router_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kHardMaxMessageBytes));
  // Room for a burst of feed events per subscriber; past it ROUTER drops
  // them and the subscriber, seeing a gap in seq, reads the log.
  router_.set(zmq::sockopt::sndhwm, kFeedHighWaterMark);
}

Server::~Server() { Stop(); }

Status Server::Start(const std::string& endpoint, const std::string& curve_secret_key) {
  MART_ASSIGN_OR_RETURN(reader_, store::Store::Open(db_path_, store::OpenMode::kReadOnly));
  outbox_ = std::make_unique<Outbox>(reader_->events(), dispatcher_.services().clock);
  try {
    if (!curve_secret_key.empty()) UseCurveServer(router_, curve_secret_key);
    router_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return Unavailable("cannot listen on " + endpoint + ": " + e.what());
  }
  endpoint_ = endpoint;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

bool Server::Drain(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (in_flight_.load() > 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void Server::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  router_.close();
  replies_.close();
  events_.close();
}

void Server::Run() {
  zmq::pollitem_t items[] = {{router_.handle(), 0, ZMQ_POLLIN, 0},
                             {replies_.handle(), 0, ZMQ_POLLIN, 0},
                             {events_.handle(), 0, ZMQ_POLLIN, 0}};
  while (!stopping_.load()) {
    try {
      zmq::poll(items, 3, std::chrono::milliseconds(100));
      std::vector<zmq::message_t> parts;
      // Replies first: they finish work already paid for.
      while (zmq::recv_multipart(replies_, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
        ForwardReply(parts);
        parts.clear();
      }
      // Then feed events, in the order they committed.
      while (zmq::recv_multipart(events_, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
        PushEvent(parts);
        parts.clear();
      }
      for (int i = 0; i < 256; ++i) {
        if (!zmq::recv_multipart(router_, std::back_inserter(parts), zmq::recv_flags::dontwait)) break;
        HandleRequest(parts);
        parts.clear();
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      LogWarn(std::string("socket error: ") + e.what());
    }
  }
}

void Server::HandleRequest(std::vector<zmq::message_t>& parts) {
  if (parts.size() < 2) return;  // no routing frame: nothing to answer to
  std::vector<std::string> routing;
  for (size_t i = 0; i + 1 < parts.size(); ++i) routing.push_back(parts[i].to_string());
  Job job;
  Status admitted = dispatcher_.Admit(parts.back().to_string_view(), &job);
  job.routing = std::move(routing);
  if (!admitted.ok()) {
    // A renewal refused (e.g. an expired token) ends the subscription too.
    if (job.handler != nullptr && job.handler->subscribes) feed_.Drop(job.routing.front());
    Reply reply{job.request.id, admitted, nullptr};
    dispatcher_.LogOutcome(job, reply);
    SendReply(job.routing, reply);
    return;
  }
  if (job.handler->point_read) {
    Reply reply = dispatcher_.Execute(job, *reader_, *outbox_);
    if (job.handler->subscribes) Subscription(job, &reply);
    dispatcher_.LogOutcome(job, reply);
    SendReply(job.routing, reply);
    return;
  }
  const std::string connection = job.routing.front();
  int& mine = per_connection_[connection];
  Status limit = Status::Ok();
  if (mine >= kMaxInFlightPerConnection) {
    limit = RateLimited("too many requests in flight on this connection (at most " +
                        std::to_string(kMaxInFlightPerConnection) + "); wait for replies");
  } else if (in_flight_.load() >= kMaxInFlight) {
    limit = Unavailable("daemon is busy; retry shortly");
  }
  if (!limit.ok()) {
    if (mine == 0) per_connection_.erase(connection);
    Reply reply{job.request.id, limit, nullptr};
    dispatcher_.LogOutcome(job, reply);
    SendReply(job.routing, reply);
    return;
  }
  ++mine;
  ++in_flight_;
  if (job.handler->prepare == nullptr && !job.handler->on_reader) {
    store_thread_.Submit(std::move(job));
    return;
  }
  std::vector<std::string> routing_copy = job.routing;
  std::string id = job.request.id;
  if (!pool_.Submit(std::move(job))) {
    Release(connection);
    SendReply(routing_copy, Reply{id, Unavailable("daemon is busy; retry shortly"), nullptr});
  }
}

void Server::Release(const std::string& connection) {
  --in_flight_;
  auto it = per_connection_.find(connection);
  if (it != per_connection_.end() && --it->second <= 0) per_connection_.erase(it);
}

void Server::ForwardReply(std::vector<zmq::message_t>& parts) {
  if (parts.empty()) return;
  Release(parts.front().to_string());
  for (size_t i = 0; i < parts.size(); ++i) {
    auto flags = i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
    // A vanished client is not an error: ROUTER drops what it cannot route.
    router_.send(parts[i], flags | zmq::send_flags::dontwait);
  }
}

// Replies made on this thread: errors, and point reads.
void Server::SendReply(const std::vector<std::string>& routing, const Reply& reply) {
  std::string frame = EncodeReply(reply);
  for (const std::string& part : routing) {
    router_.send(zmq::buffer(part), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  }
  router_.send(zmq::buffer(frame), zmq::send_flags::dontwait);
}

void Server::Subscription(const Job& job, Reply* reply) {
  const std::string& connection = job.routing.front();
  if (!reply->status.ok()) {
    feed_.Drop(connection);
    return;
  }
  const nlohmann::json& terms = reply->result;
  Status subscribed = feed_.Subscribe(job.routing, terms.value("topic", ""),
                                      std::chrono::milliseconds(terms.value("lease_ms", 0)));
  if (!subscribed.ok()) *reply = Reply{job.request.id, subscribed, nullptr};
}

void Server::PushEvent(std::vector<zmq::message_t>& parts) {
  if (parts.size() != 3) return;
  for (const std::vector<std::string>* routing : feed_.For(parts[0].to_string())) {
    for (const std::string& frame : *routing) {
      router_.send(zmq::buffer(frame), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      auto flags = i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
      router_.send(zmq::buffer(parts[i].data(), parts[i].size()), flags | zmq::send_flags::dontwait);
    }
  }
}

}  // namespace mart::rpc
