#pragma once
// Applies CURVE to a ZeroMQ socket (see curve.h). Header only: the caller
// links cppzmq. Call before bind/connect.

#include <string>

#include <zmq.hpp>

#include "mart/wire/curve.h"

namespace mart {

// Client side: pins `server_key` and uses a fresh key pair of our own.
inline Status UseCurveClient(zmq::socket_t& socket, const std::string& server_key) {
  MART_RETURN_IF_ERROR(CheckCurveKey(server_key, "the server key"));
  MART_ASSIGN_OR_RETURN(CurveKeys mine, NewCurveKeys());
  socket.set(zmq::sockopt::curve_serverkey, server_key);
  socket.set(zmq::sockopt::curve_publickey, mine.public_key);
  socket.set(zmq::sockopt::curve_secretkey, mine.secret_key);
  return Status::Ok();
}

// Server side: every connection must complete a CURVE handshake with this key.
inline void UseCurveServer(zmq::socket_t& socket, const std::string& secret_key) {
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, secret_key);
}

}  // namespace mart
