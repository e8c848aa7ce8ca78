#pragma once
// Time as a dependency, so tests can move it (token expiry, rate limits).

#include <atomic>
#include <cstdint>

#include "mart/text.h"

namespace mart {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in microseconds. Thread safe.
  virtual int64_t NowMicros() const = 0;
  int64_t NowSeconds() const { return NowMicros() / 1000000; }
};

class SystemClock : public Clock {
 public:
  int64_t NowMicros() const override { return WallClockMicros(); }
};

// A clock that moves only when told to. Thread safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_micros = 1747308600000000) : now_(start_micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void AdvanceSeconds(int64_t seconds) { now_ += seconds * 1000000; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace mart
