#include "events/feed_relay.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mart/log.h"

namespace mart {

Result<std::unique_ptr<FeedRelay>> FeedRelay::Start(Publisher& publisher,
                                                    const std::string& location) {
  MART_ASSIGN_OR_RETURN(auto reader, store::Store::Open(location, store::OpenMode::kReadOnly));
  MART_ASSIGN_OR_RETURN(auto listener, store::LogListener::Open(location));
  if (listener == nullptr) return InvalidArgument("the feed relay needs a PostgreSQL store");
  // Listening before reading the log's end: a commit in between is heard.
  MART_ASSIGN_OR_RETURN(int64_t last, reader->events().LastSeq());
  const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) return Internal(std::string("eventfd: ") + std::strerror(errno));
  std::unique_ptr<FeedRelay> relay(
      new FeedRelay(publisher, std::move(reader), std::move(listener), wake, last));
  relay->thread_ = std::thread([r = relay.get()] { r->Run(); });
  return relay;
}

FeedRelay::FeedRelay(Publisher& publisher, std::unique_ptr<store::Store> reader,
                     std::unique_ptr<store::LogListener> listener, int wake_fd, int64_t last)
    : publisher_(publisher),
      reader_(std::move(reader)),
      listener_(std::move(listener)),
      wake_fd_(wake_fd),
      last_(last) {}

FeedRelay::~FeedRelay() {
  Stop();
  ::close(wake_fd_);
}

void FeedRelay::Committed(const std::vector<store::EventRow>& events) {
  if (events.empty()) return;
  {
    std::lock_guard lock(mutex_);
    own_.push_back(events);
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void FeedRelay::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

void FeedRelay::Run() {
  while (true) {
    const bool read_log = Wait();
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
    }
    const bool gap = PublishOwn();
    if (read_log || gap || stopping) CatchUp();
    if (stopping) return;
  }
}

bool FeedRelay::Wait() {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {listener_->Socket(), POLLIN, 0}};
  const nfds_t count = fds[1].fd >= 0 ? 2 : 1;
  const int ready = ::poll(fds, count, 1000);
  if (ready <= 0) {
    // A quiet second, or a lost connection waiting to be made again.
    if (fds[1].fd < 0) {
      Status again = listener_->Reconnect();
      if (!again.ok()) LogWarn(again.ToString());
    }
    return true;
  }
  if (fds[0].revents != 0) {
    uint64_t count_read = 0;
    (void)!::read(wake_fd_, &count_read, sizeof count_read);
  }
  if (count == 2 && fds[1].revents != 0) {
    Result<bool> heard = listener_->TakeNotifications();
    if (!heard.ok()) {
      LogWarn(heard.status().ToString() + "; reading the event log instead until it is back");
      return true;
    }
    return *heard;
  }
  return false;
}

bool FeedRelay::PublishOwn() {
  std::vector<std::vector<store::EventRow>> own;
  {
    std::lock_guard lock(mutex_);
    own.swap(own_);
  }
  bool gap = false;
  for (std::vector<store::EventRow>& events : own) {
    if (events.back().seq <= last_) continue;  // already read from the log
    if (events.front().seq > last_ + 1) {
      gap = true;  // another instance committed in between: the log has it all
      continue;
    }
    std::vector<store::EventRow> fresh;
    for (store::EventRow& event : events) {
      if (event.seq > last_) fresh.push_back(std::move(event));
    }
    Publish(fresh);
  }
  return gap;
}

void FeedRelay::CatchUp() {
  while (true) {
    Result<std::vector<store::EventRow>> page = reader_->events().ReadAfter(last_, kPage);
    if (!page.ok()) {
      LogWarn("the live feed cannot read the event log: " + page.status().ToString());
      return;  // tried again within a second
    }
    Publish(*page);
    if (static_cast<int64_t>(page->size()) < kPage) return;
  }
}

void FeedRelay::Publish(const std::vector<store::EventRow>& events) {
  if (events.empty()) return;
  publisher_.Publish(events);
  last_ = events.back().seq;
}

}  // namespace mart
