#include "martctl/local/event_sequencer.h"

#include <algorithm>

namespace mart::cli {

FramePlan EventSequencer::OnFrame(int64_t seq) const {
  if (seq <= delivered_) return FramePlan{};
  if (seq == delivered_ + 1) return FramePlan{.use_frame = true};
  return FramePlan{.read_first = LogRead{.after = delivered_, .through = seq - 1},
                   .use_frame = true};
}

bool EventSequencer::Accept(int64_t seq) {
  if (seq <= delivered_) return false;
  delivered_ = seq;
  return true;
}

void EventSequencer::SkipThrough(int64_t seq) { delivered_ = std::max(delivered_, seq); }

}  // namespace mart::cli
