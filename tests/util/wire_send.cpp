// wire_send: a raw client for end-to-end tests of the wire protocol. Sends
// each line of stdin as one frame (or, with --bytes N, one frame of N 'x'
// bytes) to the endpoint over DEALER and prints each reply on its own line.
// Exit 0 when every frame got a reply, 6 on a timeout (5 s, or
// $WIRE_SEND_TIMEOUT_MS).
#include <cstdlib>
#include <iostream>
#include <string>

#include <zmq.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: wire_send ENDPOINT [--bytes N] < frames\n";
    return 2;
  }
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  const char* timeout = std::getenv("WIRE_SEND_TIMEOUT_MS");
  socket.set(zmq::sockopt::rcvtimeo, timeout != nullptr ? std::atoi(timeout) : 5000);
  socket.connect(argv[1]);
  auto round_trip = [&](const std::string& frame) {
    socket.send(zmq::buffer(frame), zmq::send_flags::none);
    zmq::message_t reply;
    if (!socket.recv(reply)) return false;
    std::cout << reply.to_string() << std::endl;
    return true;
  };
  if (argc >= 4 && std::string(argv[2]) == "--bytes") {
    return round_trip(std::string(std::stoul(argv[3]), 'x')) ? 0 : 6;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!round_trip(line)) return 6;
  }
  return 0;
}
