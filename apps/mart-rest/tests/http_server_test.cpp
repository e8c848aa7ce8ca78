// The HTTP server over real loopback sockets, with a handler that echoes the
// request. No test waits for a deadline to pass on its own clock: a socket's
// receive timeout (kPatience) only turns a hang into a failure.
#include "rest/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace mart::rest {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kPatience = 30s;

class Client {
 public:
  explicit Client(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout = {static_cast<time_t>(kPatience.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }

  bool connected() const { return connected_; }

  void Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  struct Reply {
    int status = 0;
    std::string head;
    std::string body;
  };

  // The next reply; nullopt at end of stream (or after kPatience).
  std::optional<Reply> Next(bool head_only = false) {
    size_t end = 0;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    Reply reply;
    reply.head = buffer_.substr(0, end + 4);
    buffer_.erase(0, end + 4);
    reply.status = std::stoi(reply.head.substr(9, 3));
    const size_t length_at = reply.head.find("Content-Length: ");
    size_t length = 0;
    if (length_at != std::string::npos && !head_only) {
      length = std::stoul(reply.head.substr(length_at + 16));
    }
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }

  // True when the server closed the connection with nothing more to read.
  bool ClosedByServer() {
    while (Fill()) {
    }
    return buffer_.empty() && eof_;
  }

 private:
  bool Fill() {
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    eof_ = n == 0 || (n < 0 && errno == ECONNRESET);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(
        options, [this](const HttpRequest& request) { return Echo(request); },
        [this](const Exchange& exchange) {
          std::lock_guard lock(mutex_);
          log_.push_back(exchange);
        });
    Result<int> port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    server_->Stop();
    thread_.join();
  }

  HttpReply Echo(const HttpRequest& request) {
    if (request.path == "/throw") throw std::runtime_error("boom");
    if (request.path == "/block") {
      entered_.set_value();
      release_.get_future().wait();
    }
    HttpReply reply;
    reply.body = json{{"method", request.method}, {"path", request.path},
                      {"body", request.body}}.dump();
    reply.route = "/echo";
    return reply;
  }

  static json Body(const std::optional<Client::Reply>& reply) {
    return reply ? json::parse(reply->body, nullptr, false) : json();
  }

  std::vector<Exchange> Log() {
    std::lock_guard lock(mutex_);
    return log_;
  }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<Exchange> log_;
  std::promise<void> entered_;
  std::promise<void> release_;
};

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  Start();
  Client client(port_);
  client.Send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
              "PUT /api/v1/notifications/7/read HTTP/1.1\r\nHost: x\r\n\r\n"
              "POST /3 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
              "DELETE /4 HTTP/1.1\r\n\r\n");
  std::vector<std::string> paths;
  for (int i = 0; i < 4; ++i) {
    std::optional<Client::Reply> reply = client.Next();
    ASSERT_TRUE(reply.has_value()) << "reply " << i;
    EXPECT_EQ(reply->status, 200);
    paths.push_back(Body(reply)["path"]);
    if (i == 1) {
      EXPECT_EQ(Body(reply)["body"], "");
    }
    if (i == 2) {
      EXPECT_EQ(Body(reply)["body"], "hi");
    }
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"/1", "/api/v1/notifications/7/read", "/3", "/4"}));
  std::vector<Exchange> log = Log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[1].method, "PUT");
  EXPECT_EQ(log[3].path, "/4");
  EXPECT_EQ(log[3].route, "/echo");
  EXPECT_GE(log[3].seconds, 0);
}

TEST_F(HttpServerTest, AChunkedBodyOverTheLimitIs413AndTheConnectionCloses) {
  Start();
  Client client(port_);
  client.Send("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";
  for (int i = 0; i < 17; ++i) client.Send(chunk);
  std::optional<Client::Reply> reply = client.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(Body(reply)["detail"], "request body is larger than 1048576 bytes");
  EXPECT_NE(reply->head.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(client.ClosedByServer());
  std::vector<Exchange> log = Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].status, 413);
  EXPECT_LT(log[0].seconds, 0);
}

TEST_F(HttpServerTest, TooManyHeadersAre431) {
  Start();
  Client client(port_);
  std::string request = "GET /h HTTP/1.1\r\n";
  for (int i = 0; i <= 100; ++i) request += "X-" + std::to_string(i) + ": v\r\n";
  client.Send(request + "\r\n");
  std::optional<Client::Reply> reply = client.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 431);
  EXPECT_EQ(Body(reply)["detail"], "more than 100 header fields");
}

TEST_F(HttpServerTest, SlowClientsNeverHoldTheHandlerThread) {
  HttpServerOptions options;
  options.threads = 1;
  options.header_timeout = 1h;
  options.body_timeout = 1h;
  Start(options);
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(std::make_unique<Client>(port_));
    slow.back()->Send(i % 2 == 0 ? "GET /slow HTTP/1.1\r\nX-Slow: "
                                 : "POST /slow HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  }
  Client client(port_);
  client.Send("GET /fast HTTP/1.1\r\n\r\n");
  std::optional<Client::Reply> reply = client.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Body(reply)["path"], "/fast");
}

TEST_F(HttpServerTest, AHeadNotCompleteByTheDeadlineIs408ThenClosed) {
  HttpServerOptions options;
  options.header_timeout = 200ms;
  Start(options);
  Client partial(port_);
  partial.Send("GET /late HTTP/1.1\r\nX-Slow: ");
  Client silent(port_);
  ASSERT_TRUE(silent.connected());
  std::optional<Client::Reply> reply = partial.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 408);
  EXPECT_EQ(Body(reply)["detail"], "request head not received within 200 ms");
  EXPECT_TRUE(partial.ClosedByServer());
  EXPECT_TRUE(silent.ClosedByServer());  // it sent nothing: closed without a reply
  std::vector<Exchange> log = Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[0].path, "/late");
  EXPECT_EQ(log[0].status, 408);
}

TEST_F(HttpServerTest, ABodyNotCompleteByTheDeadlineIs408) {
  HttpServerOptions options;
  options.body_timeout = 200ms;
  Start(options);
  Client client(port_);
  client.Send("POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  std::optional<Client::Reply> reply = client.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 408);
  EXPECT_EQ(Body(reply)["detail"], "request body not received within 200 ms");
}

TEST_F(HttpServerTest, AnIdleKeepAliveConnectionIsClosed) {
  HttpServerOptions options;
  options.idle_timeout = 200ms;
  Start(options);
  Client client(port_);
  client.Send("GET /once HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(client.Next().has_value());
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(HttpServerTest, SaysContinueWhenAsked) {
  Start();
  Client client(port_);
  client.Send("POST /c HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  std::optional<Client::Reply> interim = client.Next(/*head_only=*/true);
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  client.Send("ok");
  std::optional<Client::Reply> reply = client.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Body(reply)["body"], "ok");
}

TEST_F(HttpServerTest, Http10AndConnectionCloseEndAfterTheReply) {
  Start();
  Client old(port_);
  old.Send("GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
  std::optional<Client::Reply> reply = old.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_NE(reply->head.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(old.ClosedByServer());  // /b is never answered
  Client closing(port_);
  closing.Send("GET /a HTTP/1.1\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(closing.Next().has_value());
  EXPECT_TRUE(closing.ClosedByServer());
}

TEST_F(HttpServerTest, HeadGetsTheHeadersWithoutTheBody) {
  Start();
  Client client(port_);
  client.Send("HEAD /h HTTP/1.1\r\n\r\nGET /g HTTP/1.1\r\n\r\n");
  std::optional<Client::Reply> head = client.Next(/*head_only=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_NE(head->head.find("Content-Length: "), std::string::npos);
  std::optional<Client::Reply> get = client.Next();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(Body(get)["path"], "/g");
}

TEST_F(HttpServerTest, AHandlerThatThrowsIs500) {
  Start();
  Client client(port_);
  client.Send("GET /throw HTTP/1.1\r\n\r\n");
  std::optional<Client::Reply> reply = client.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 500);
}

TEST_F(HttpServerTest, AClientOverTheConnectionLimitIsServedOnceASlotFrees) {
  HttpServerOptions options;
  options.max_connections = 1;
  options.header_timeout = 1h;
  Start(options);
  auto first = std::make_unique<Client>(port_);
  first->Send("G");
  Client second(port_);  // queued by the kernel until the server accepts it
  second.Send("GET /second HTTP/1.1\r\n\r\n");
  first.reset();
  std::optional<Client::Reply> reply = second.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Body(reply)["path"], "/second");
}

TEST_F(HttpServerTest, StopLetsTheRequestAtAHandlerFinish) {
  Start();
  Client client(port_);
  client.Send("GET /block HTTP/1.1\r\n\r\n");
  entered_.get_future().wait();
  Client idle(port_);
  idle.Send("GET /partial");
  server_->Stop();
  release_.set_value();
  std::optional<Client::Reply> reply = client.Next();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->head.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(idle.ClosedByServer());
  thread_.join();
  server_.reset();
}

TEST(HttpServerListenTest, AnAddressInUseIsUnavailable) {
  HttpServer first({}, [](const HttpRequest&) { return HttpReply{}; }, [](const Exchange&) {});
  Result<int> port = first.Listen();
  ASSERT_TRUE(port.ok());
  HttpServerOptions options;
  options.port = *port;
  HttpServer second(options, [](const HttpRequest&) { return HttpReply{}; },
                    [](const Exchange&) {});
  Result<int> again = second.Listen();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace mart::rest
