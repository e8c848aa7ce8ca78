#pragma once
// The live event feed's sending side. After each durable commit the store
// thread hands the batch's events here; each goes out as the three frames
// [topic][json][seq], json being {seq, topic, created_at, data} and seq the
// decimal sequence number, to
//   - the PUB socket, on ipc:// only: its socket file admits only martd's own
//     Unix user (umask 077), who can read the operator cookie anyway;
//   - the socket thread, while connections subscribe with events.subscribe
//     (rpc/feed.h): the authenticated feed, and the only one on tcp://.
// Both drop frames for slow readers; the sequence lets them notice and
// re-read the log (`events.read`).
// Bind() and ConnectFeed() on the main thread before the store thread starts;
// Publish() only from the store thread; Close() after it stopped.

#include <atomic>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "mart/status.h"
#include "stores/event_store.h"

namespace mart {

class Publisher {
 public:
  explicit Publisher(zmq::context_t& context)
      : socket_(context, zmq::socket_type::pub), feed_(context, zmq::socket_type::push) {}

  Status Bind(const std::string& endpoint);
  // Forwards events to `endpoint` (inproc) while `*subscribers` > 0.
  Status ConnectFeed(const std::string& endpoint, const std::atomic<int>* subscribers);
  void Publish(const std::vector<store::EventRow>& events);
  void Close();

  // Frames queued per subscriber before PUB drops (subscribers then re-read).
  static constexpr int kHighWaterMark = 100000;

 private:
  // False when the frames could not be queued (the event is durable anyway).
  static bool Send(zmq::socket_t& socket, const std::string& topic, const std::string& body,
                   const std::string& seq);

  zmq::socket_t socket_;
  zmq::socket_t feed_;
  bool bound_ = false;
  const std::atomic<int>* subscribers_ = nullptr;
};

}  // namespace mart
