// One file for the event thread's whole state machine (accept, read, parse,
// hand off, write, deadlines, stop), which reads best in one place: hence
// somewhat over the usual 400 lines.
#include "rest/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "rest/errors.h"
#include "rest/http_codec.h"
#include "rest/listener.h"
#include "rest/worker_pool.h"

namespace mart::rest {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;
constexpr uint32_t kIn = EPOLLIN;
constexpr uint32_t kOut = EPOLLOUT;
constexpr size_t kReadChunk = 64 * 1024;
// How often deadlines are checked: they hold to within this much.
constexpr auto kTick = std::chrono::milliseconds(250);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// kRead: receiving a request (stage says which part); kHandle: the request is
// at a handler; kReply: writing its reply; kLinger: shut for writing, dropping
// what still arrives until the peer closes or the deadline passes.
enum class Phase { kRead, kHandle, kReply, kLinger };
enum class Stage { kIdle, kHead, kBody };

struct Connection {
  Connection(uint64_t key, int socket, HttpLimits limits) : id(key), fd(socket), parser(limits) {}

  uint64_t id;
  int fd;
  Phase phase = Phase::kRead;
  Stage stage = Stage::kHead;
  Clock::time_point deadline = Clock::time_point::max();
  RequestParser parser;
  std::string in;  // read but not yet parsed: the start of a pipelined request
  std::string out;
  size_t sent = 0;
  bool close_after_reply = false;
  bool dead = false;  // closed; removed from the table after the current batch
  uint32_t events = 0;  // the epoll interest registered
};

struct Completion {
  uint64_t id = 0;
  std::string bytes;
  bool keep_alive = false;
};

std::string Seconds(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// The log entry of a reply the server gave itself: no handler ran, and the
// method and path are known only when the request line was read.
Exchange Refusal(const ParsedRequest& request, int status) {
  Exchange exchange;
  exchange.method = request.method;
  exchange.path = request.target.empty() ? "" : TargetPath(request.target);
  exchange.status = status;
  return exchange;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, RequestHandler handler, ExchangeLogger logger)
      : options_(std::move(options)), handler_(std::move(handler)), logger_(std::move(logger)) {}
  ~Impl();

  Result<int> Listen();
  void Run();
  void Stop();

 private:
  void Watch(int fd, uint64_t id, uint32_t events, int op);
  void Accept();
  void SetAccepting(bool on);
  void OnEvent(uint64_t id, uint32_t events);
  void Read(Connection& conn);
  void Advance(Connection& conn);
  void Dispatch(Connection& conn);
  void Handle(uint64_t id, const ParsedRequest& parsed);
  void Refuse(Connection& conn, int status, const std::string& detail);
  void Flush(Connection& conn);
  void NextRequest(Connection& conn);
  void Linger(Connection& conn);
  void Close(Connection& conn);
  void UpdateInterest(Connection& conn);
  void TakeCompletions();
  void Expire();
  void BeginStop();
  void Sweep();

  const HttpServerOptions options_;
  const RequestHandler handler_;
  const ExchangeLogger logger_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::unordered_map<uint64_t, Connection> conns_;
  uint64_t next_id_ = 2;
  bool accepting_ = true;
  bool out_of_fds_ = false;  // accept failed with EMFILE: wait for the next tick
  bool stop_started_ = false;
  Clock::time_point now_ = Clock::now();
  Clock::time_point stop_deadline_ = Clock::time_point::max();
  std::atomic<bool> stop_requested_ = false;
  std::mutex completions_mutex_;
  std::vector<Completion> completions_;
  std::optional<WorkerPool> pool_;
};

HttpServer::Impl::~Impl() {
  for (auto& [id, conn] : conns_) Close(conn);
  for (int fd : {listen_fd_, epoll_fd_, wake_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

Result<int> HttpServer::Impl::Listen() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return Internal("cannot create an epoll instance");
  MART_ASSIGN_OR_RETURN(Listener listener, OpenListener(options_.host, options_.port));
  listen_fd_ = listener.fd;
  Watch(listen_fd_, kListenId, EPOLLIN, EPOLL_CTL_ADD);
  Watch(wake_fd_, kWakeId, EPOLLIN, EPOLL_CTL_ADD);
  return listener.port;
}

void HttpServer::Impl::Watch(int fd, uint64_t id, uint32_t events, int op) {
  epoll_event event = {};
  event.events = events;
  event.data.u64 = id;
  ::epoll_ctl(epoll_fd_, op, fd, &event);
}

void HttpServer::Impl::Run() {
  pool_.emplace(options_.threads);
  Clock::time_point next_tick = Clock::now() + kTick;
  std::array<epoll_event, 256> events;
  while (!stop_started_ || (!conns_.empty() && now_ < stop_deadline_)) {
    const int count = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                                   static_cast<int>(kTick.count()));
    now_ = Clock::now();
    for (int i = 0; i < count; ++i) OnEvent(events[i].data.u64, events[i].events);
    if (stop_requested_ && !stop_started_) BeginStop();
    if (now_ >= next_tick) {
      Expire();
      next_tick = now_ + kTick;
    }
    Sweep();
  }
  for (auto& [id, conn] : conns_) Close(conn);
  conns_.clear();
  pool_.reset();  // lets requests still at a handler finish; their replies are dropped
}

void HttpServer::Impl::Stop() {
  stop_requested_ = true;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void HttpServer::Impl::OnEvent(uint64_t id, uint32_t events) {
  if (id == kListenId) return Accept();
  if (id == kWakeId) return TakeCompletions();
  auto it = conns_.find(id);
  if (it == conns_.end() || it->second.dead) return;
  Connection& conn = it->second;
  if ((events & (EPOLLERR | EPOLLHUP)) != 0) return Close(conn);
  if ((events & EPOLLOUT) != 0) Flush(conn);
  if ((events & EPOLLIN) != 0 && !conn.dead) Read(conn);
}

void HttpServer::Impl::Accept() {
  while (accepting_ && conns_.size() < options_.max_connections) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE) {  // out of descriptors: try again at the next tick
        out_of_fds_ = true;
        SetAccepting(false);
      }
      return;
    }
    // Replies go out in one write; without this a reply split in two would
    // wait for the client's delayed ACK.
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    const uint64_t id = next_id_++;
    Connection& conn = conns_.try_emplace(id, id, fd, options_.limits).first->second;
    conn.deadline = now_ + options_.header_timeout;
    conn.events = EPOLLIN;
    Watch(fd, id, EPOLLIN, EPOLL_CTL_ADD);
  }
  if (conns_.size() >= options_.max_connections) SetAccepting(false);
}

void HttpServer::Impl::SetAccepting(bool on) {
  if (accepting_ == on || listen_fd_ < 0) return;
  accepting_ = on;
  Watch(listen_fd_, kListenId, on ? kIn : 0u, EPOLL_CTL_MOD);
}

void HttpServer::Impl::Read(Connection& conn) {
  char buffer[kReadChunk];
  const ssize_t n = ::recv(conn.fd, buffer, sizeof buffer, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) return Close(conn);  // the client left (a partial request goes unanswered)
  if (conn.phase != Phase::kRead) return;  // lingering: dropped
  conn.in.append(buffer, static_cast<size_t>(n));
  Advance(conn);
}

// Feeds what was read to the parser and acts on where it got.
void HttpServer::Impl::Advance(Connection& conn) {
  if (conn.in.empty()) return;
  if (conn.stage == Stage::kIdle) {
    conn.stage = Stage::kHead;
    conn.deadline = now_ + options_.header_timeout;
  }
  conn.in.erase(0, conn.parser.Feed(conn.in));
  switch (conn.parser.state()) {
    case RequestParser::State::kError:
      return Refuse(conn, conn.parser.error_status(), conn.parser.error_detail());
    case RequestParser::State::kDone:
      return Dispatch(conn);
    case RequestParser::State::kBody:
      if (conn.stage != Stage::kBody) {
        conn.stage = Stage::kBody;
        conn.deadline = now_ + options_.body_timeout;
        if (conn.parser.wants_continue()) {
          conn.out.append(kContinue);
          Flush(conn);
        }
      }
      return;
    case RequestParser::State::kHead:
      return;
  }
}

void HttpServer::Impl::Dispatch(Connection& conn) {
  conn.phase = Phase::kHandle;
  conn.deadline = Clock::time_point::max();
  UpdateInterest(conn);
  pool_->Post([this, id = conn.id, parsed = conn.parser.TakeRequest()] { Handle(id, parsed); });
}

// On a handler thread.
void HttpServer::Impl::Handle(uint64_t id, const ParsedRequest& parsed) {
  const HttpRequest request = ToHttpRequest(parsed);
  const auto start = Clock::now();
  HttpReply reply;
  try {
    reply = handler_(request);
  } catch (const std::exception&) {
    reply = DetailReply(500, "Internal Server Error");
  }
  const std::chrono::duration<double> elapsed = Clock::now() - start;
  logger_({request.method, request.path, reply.status, reply.route, elapsed.count()});
  const bool keep_alive = parsed.keep_alive && !stop_requested_;
  Completion completion{id, SerializeReply(reply, keep_alive, parsed.method == "HEAD"),
                        keep_alive};
  {
    std::lock_guard lock(completions_mutex_);
    completions_.push_back(std::move(completion));
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void HttpServer::Impl::TakeCompletions() {
  uint64_t ignored = 0;
  [[maybe_unused]] ssize_t n = ::read(wake_fd_, &ignored, sizeof ignored);
  std::vector<Completion> done;
  {
    std::lock_guard lock(completions_mutex_);
    done.swap(completions_);
  }
  for (Completion& completion : done) {
    auto it = conns_.find(completion.id);
    if (it == conns_.end() || it->second.dead) continue;  // the client left meanwhile
    Connection& conn = it->second;
    conn.out.append(completion.bytes);
    conn.close_after_reply = !completion.keep_alive || stop_requested_;
    conn.phase = Phase::kReply;
    conn.deadline = now_ + options_.idle_timeout;
    Flush(conn);
  }
}

// A reply of the server's own (the parser refused the request, or it came
// too slowly); the connection closes after it.
void HttpServer::Impl::Refuse(Connection& conn, int status, const std::string& detail) {
  const ParsedRequest& request = conn.parser.request();
  logger_(Refusal(request, status));
  conn.out.append(SerializeReply(DetailReply(status, detail), false, request.method == "HEAD"));
  conn.close_after_reply = true;
  conn.phase = Phase::kReply;
  conn.deadline = now_ + options_.idle_timeout;
  Flush(conn);
}

void HttpServer::Impl::Flush(Connection& conn) {
  while (conn.sent < conn.out.size()) {
    const ssize_t n = ::send(conn.fd, conn.out.data() + conn.sent, conn.out.size() - conn.sent,
                             MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Close(conn);
    conn.sent += static_cast<size_t>(n);
    if (conn.phase == Phase::kReply) conn.deadline = now_ + options_.idle_timeout;
  }
  if (conn.sent == conn.out.size()) {
    conn.out.clear();
    conn.sent = 0;
    if (conn.phase == Phase::kReply && conn.close_after_reply) return Linger(conn);
    if (conn.phase == Phase::kReply) return NextRequest(conn);
  }
  UpdateInterest(conn);
}

// After a reply on a keep-alive connection: the next request may already be
// (partly) here, pipelined.
void HttpServer::Impl::NextRequest(Connection& conn) {
  conn.parser = RequestParser(options_.limits);
  conn.phase = Phase::kRead;
  conn.stage = Stage::kIdle;
  conn.deadline = now_ + options_.idle_timeout;
  UpdateInterest(conn);
  Advance(conn);
}

void HttpServer::Impl::Linger(Connection& conn) {
  ::shutdown(conn.fd, SHUT_WR);
  if (stop_started_) {
    // Stopping: no waiting for the client, only what it has sent already is
    // read, so that closing does not reset the connection under the reply.
    char buffer[4096];
    while (::recv(conn.fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0) {
    }
    return Close(conn);
  }
  conn.in.clear();
  conn.phase = Phase::kLinger;
  conn.deadline = now_ + kLingerTime;
  UpdateInterest(conn);
}

void HttpServer::Impl::Close(Connection& conn) {
  if (conn.dead) return;
  ::close(conn.fd);  // also leaves the epoll set
  conn.dead = true;
}

void HttpServer::Impl::UpdateInterest(Connection& conn) {
  if (conn.dead) return;
  uint32_t want = conn.phase == Phase::kRead || conn.phase == Phase::kLinger ? kIn : 0u;
  if (!conn.out.empty()) want |= kOut;
  if (want == conn.events) return;
  epoll_event event = {};
  event.events = want;
  event.data.u64 = conn.id;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, conn.fd, &event);
  conn.events = want;
}

void HttpServer::Impl::Expire() {
  for (auto& [id, conn] : conns_) {
    if (conn.dead || now_ < conn.deadline) continue;
    if (conn.phase != Phase::kRead || (conn.parser.empty() && conn.in.empty())) {
      Close(conn);  // idle, a reply nobody reads, or done lingering
    } else if (conn.stage == Stage::kBody) {
      Refuse(conn, 408, "request body not received within " + Seconds(options_.body_timeout));
    } else {
      Refuse(conn, 408, "request head not received within " + Seconds(options_.header_timeout));
    }
  }
  out_of_fds_ = false;
}

void HttpServer::Impl::BeginStop() {
  stop_started_ = true;
  stop_deadline_ = now_ + options_.idle_timeout;
  ::close(listen_fd_);
  listen_fd_ = -1;
  accepting_ = false;
  for (auto& [id, conn] : conns_) {
    if (conn.phase == Phase::kRead || conn.phase == Phase::kLinger) Close(conn);
    conn.close_after_reply = true;
  }
}

void HttpServer::Impl::Sweep() {
  std::erase_if(conns_, [](const auto& entry) { return entry.second.dead; });
  if (!accepting_ && !stop_started_ && !out_of_fds_ &&
      conns_.size() < options_.max_connections) {
    SetAccepting(true);
  }
}

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler, ExchangeLogger logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(logger))) {}
HttpServer::~HttpServer() = default;
Result<int> HttpServer::Listen() { return impl_->Listen(); }
void HttpServer::Run() { impl_->Run(); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace mart::rest
