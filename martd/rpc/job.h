#pragma once
// One admitted request on its way through the daemon's threads, and the
// channel that carries its reply back to the socket thread.

#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "mart/commands/spec.h"
#include "mart/wire/envelope.h"
#include "rpc/handler.h"

namespace mart::rpc {

struct Job {
  std::vector<std::string> routing;  // ZeroMQ routing frames of the caller
  Request request;
  const CommandSpec* spec = nullptr;
  const Handler* handler = nullptr;
  Principal principal;
  std::string source;  // where it comes from (rpc/request_source.h), for the login limits
  bool params_checked = false;  // access and params guards have run
  std::string fingerprint;  // of method + non-secret params; set for replayable keys
  int64_t received_us = 0;  // steady clock, for the latency in the log
};

inline constexpr const char* kReplyEndpoint = "inproc://martd-replies";

// A thread's PUSH socket to the socket thread. Create and use it on one thread.
class ReplyChannel {
 public:
  explicit ReplyChannel(zmq::context_t& context);
  // Encodes and sends the reply to the job's caller.
  void Send(const Job& job, const Reply& reply);
  // Sends an already-encoded reply frame to `routing`.
  void SendFrame(const std::vector<std::string>& routing, const std::string& frame);

 private:
  zmq::socket_t socket_;
};

}  // namespace mart::rpc
