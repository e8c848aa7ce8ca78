// Limits: one connection that floods martd holds at most its share of the
// in-flight requests; beyond it, it is told RATE_LIMITED at once, while
// another connection's requests are all admitted and answered. The store
// thread is held still by a task of the test, so the counts are exact and
// nothing depends on timing.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "daemon_fixture.h"
#include "rpc/server.h"

namespace mart {
namespace {

class FloodTest : public testing::DaemonTest {
 protected:
  zmq::socket_t Dealer() {
    zmq::socket_t socket(context_, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 10000);
    socket.set(zmq::sockopt::sndhwm, 0);
    socket.set(zmq::sockopt::rcvhwm, 0);
    socket.connect(options_.listen);
    return socket;
  }

  static void Send(zmq::socket_t& socket, int n) {
    Request request{.id = "r" + std::to_string(n), .method = "daemon.status", .auth = "",
                    .idempotency_key = "", .params = nlohmann::json::object()};
    socket.send(zmq::buffer(EncodeRequest(request)), zmq::send_flags::none);
  }

  // Receives one reply; its status code (kInternal when none came). Every
  // reply that is not OK is also named in `seen`, so a failure says what came.
  Code Receive(zmq::socket_t& socket) {
    zmq::message_t frame;
    if (!socket.recv(frame)) {
      seen_ += "no reply within 10 s; ";
      return Code::kInternal;
    }
    Reply reply;
    if (Status decoded = DecodeReply(frame.to_string_view(), &reply); !decoded.ok()) {
      seen_ += "undecodable reply (" + decoded.ToString() + "); ";
      return Code::kInternal;
    }
    if (!reply.status.ok()) seen_ += reply.id + ": " + reply.status.ToString() + "; ";
    return reply.status.code();
  }

  std::string seen_;

  zmq::context_t context_{1};
};

TEST_F(FloodTest, AFloodingConnectionGetsItsShareAndTheOtherConnectionAllItsRequests) {
  constexpr int kShare = rpc::Server::kMaxInFlightPerConnection;
  constexpr int kExtra = 44;
  constexpr int kOther = 20;
  std::promise<void> held;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread holder([&] {
    Status done = daemon_->store_thread().Call([&](Tx&) {
      held.set_value();
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(done.ok()) << done.ToString();
  });
  held.get_future().wait();

  zmq::socket_t flood = Dealer();
  zmq::socket_t other = Dealer();
  for (int i = 0; i < kShare + kExtra; ++i) Send(flood, i);
  // While the store is held, only the requests past the share are answered:
  // at once, with RATE_LIMITED.
  for (int i = 0; i < kExtra; ++i) EXPECT_EQ(Receive(flood), Code::kRateLimited) << i;
  seen_.clear();
  for (int i = 0; i < kOther; ++i) Send(other, i);

  release.set_value();
  holder.join();
  int ok = 0;
  for (int i = 0; i < kShare; ++i) ok += Receive(flood) == Code::kOk;
  EXPECT_EQ(ok, kShare) << "every admitted request of the flood is answered; " << seen_;
  int other_ok = 0;
  for (int i = 0; i < kOther; ++i) other_ok += Receive(other) == Code::kOk;
  EXPECT_EQ(other_ok, kOther) << "the other connection completes all its requests; " << seen_;
  EXPECT_EQ(daemon_->store_thread().Call([](Tx&) { return Status::Ok(); }).code(), Code::kOk);
}

}  // namespace
}  // namespace mart
