#pragma once
// The socket thread: owns the ROUTER socket that clients talk to and the
// inproc PULL socket on which the other threads hand back replies. It admits
// requests through the dispatcher and routes them to the worker pool or the
// store thread; point reads (Handler::point_read) it answers itself, from a
// read-only connection of its own. It also keeps the live feed's subscribers
// (rpc/feed.h) and pushes them the events the store thread forwards.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

#include "rpc/dispatcher.h"
#include "rpc/feed.h"
#include "rpc/store_thread.h"

namespace mart::rpc {

class Server {
 public:
  // Binds the reply channel at once, so worker threads may connect early.
  Server(zmq::context_t& context, Dispatcher& dispatcher, StoreThread& store_thread,
         WorkerPool& pool, std::string db_path);
  ~Server();

  // Opens the reader, binds the request socket (the last start stage) and
  // starts the thread.
  // With a CURVE secret key (tcp://), clients must complete a handshake.
  Status Start(const std::string& endpoint, const std::string& curve_secret_key = "");
  // Waits until every admitted request has been answered, up to `timeout_ms`.
  // New requests are refused meanwhile by the dispatcher's ready guard.
  bool Drain(int timeout_ms);
  // Stops the thread and closes the sockets. Idempotent.
  void Stop();

  int64_t in_flight() const { return in_flight_.load(); }
  // How many connections subscribe to the live feed; read by the store
  // thread's publisher, which forwards events only while there are any.
  const std::atomic<int>& feed_subscribers() const { return feed_.count(); }

  // Admitted requests awaiting their reply: one connection may hold at most
  // kMaxInFlightPerConnection (beyond: RATE_LIMITED at once), the daemon at
  // most kMaxInFlight (beyond: UNAVAILABLE "busy"). So a client that floods
  // queues no more than its share ahead of anyone else's requests, and memory
  // stays bounded.
  static constexpr int kMaxInFlightPerConnection = 256;
  static constexpr int64_t kMaxInFlight = 8192;

 private:
  void Run();
  void HandleRequest(std::vector<zmq::message_t>& parts);
  void ForwardReply(std::vector<zmq::message_t>& parts);
  void SendReply(const std::vector<std::string>& routing, const Reply& reply);
  // events.subscribe answered: (re)subscribe the caller, or end its
  // subscription when the call failed.
  void Subscription(const Job& job, Reply* reply);
  // One event from the store thread, to every matching subscriber.
  void PushEvent(std::vector<zmq::message_t>& parts);
  // One request of this connection answered (or never admitted after all).
  void Release(const std::string& connection);

  Dispatcher& dispatcher_;
  StoreThread& store_thread_;
  WorkerPool& pool_;
  std::string db_path_;
  std::unique_ptr<store::Store> reader_;
  std::unique_ptr<Outbox> outbox_;  // reader_'s, never written to
  zmq::socket_t router_;
  zmq::socket_t replies_;
  zmq::socket_t events_;  // PULL: committed events from the store thread
  FeedSubscribers feed_;
  std::string endpoint_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> in_flight_{0};
  // Requests in flight per connection (ROUTER routing id); socket thread only.
  std::unordered_map<std::string, int> per_connection_;
  std::thread thread_;
};

}  // namespace mart::rpc
