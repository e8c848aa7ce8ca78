#pragma once
// The live event feed: a PUB socket that sends each committed event as three
// frames [topic][json][seq], json being {seq, topic, created_at, data} and
// seq the decimal sequence number. PUB drops frames for slow subscribers;
// the sequence lets them notice and re-read the log (`events.read`).
// Bind() on the main thread before the store thread starts; Publish() only
// from the store thread (after each durable commit); Close() after it stopped.

#include <string>
#include <vector>

#include <zmq.hpp>

#include "mart/status.h"
#include "stores/event_store.h"

namespace mart {

class Publisher {
 public:
  explicit Publisher(zmq::context_t& context) : socket_(context, zmq::socket_type::pub) {}

  // With a CURVE secret key (tcp://), subscribers must complete a handshake.
  Status Bind(const std::string& endpoint, const std::string& curve_secret_key = "");
  void Publish(const std::vector<store::EventRow>& events);
  void Close();

  // Frames queued per subscriber before PUB drops (subscribers then re-read).
  static constexpr int kHighWaterMark = 100000;

 private:
  zmq::socket_t socket_;
  bool bound_ = false;
};

}  // namespace mart
