#pragma once
// Services emit domain events through this interface (STYLE.md rule 8). The
// daemon's implementation is the transactional outbox: events are appended to
// the event log in the caller's transaction and published after commit.
// Topics are "<domain>.<past_tense>", e.g. "user.registered".

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mart/status.h"

namespace mart {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual Status Emit(std::string_view topic, nlohmann::json payload) = 0;
  // The events held for after the commit, and dropping those after a mark:
  // what EffectScope (events/outbox.h) keeps in step with a savepoint.
  virtual size_t Mark() const = 0;
  virtual void DropAfter(size_t mark) = 0;
};

}  // namespace mart
