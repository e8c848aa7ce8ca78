#pragma once
// Where an event tail stands in the event log, and what it does next.
// Every event up to delivered_through() has been seen: printed, or left out
// by the topic filter. Live frames come from a PUB socket, which drops frames
// for slow subscribers and may deliver what the log already gave; the log
// (events.read) is complete and ordered. The sequencer keeps the printed
// stream to every event once, in order:
//   a frame at or below delivered_through()  -> skip it (already seen);
//   the frame right after it                 -> use it;
//   a frame further on (a gap)               -> read the log up to just
//                                               before it, then use it;
//   no frame for a while (idle)              -> read the log to its end,
//                                               in case the last frames of a
//                                               burst were dropped.
// Pure: no I/O, no clock. Not thread safe.

#include <cstdint>
#include <optional>

namespace mart::cli {

struct LogRead {
  int64_t after = 0;               // events with a larger seq ...
  std::optional<int64_t> through = {};  // ... up to this one; nullopt: to the end of the log

  bool operator==(const LogRead&) const = default;
};

struct FramePlan {
  std::optional<LogRead> read_first = {};  // fill a gap from the log before the frame
  bool use_frame = false;                  // then Accept() the frame's event

  bool operator==(const FramePlan&) const = default;
};

class EventSequencer {
 public:
  explicit EventSequencer(int64_t delivered_through = 0) : delivered_(delivered_through) {}

  FramePlan OnFrame(int64_t seq) const;
  LogRead OnIdle() const { return LogRead{.after = delivered_, .through = std::nullopt}; }

  // An event from the log or a frame, in seq order: true when it is new (to
  // print if its topic matches); it then becomes delivered_through().
  bool Accept(int64_t seq);
  // The log was read through `seq`: events it did not return (other topics)
  // are behind the tail too.
  void SkipThrough(int64_t seq);

  int64_t delivered_through() const { return delivered_; }

 private:
  int64_t delivered_;
};

}  // namespace mart::cli
