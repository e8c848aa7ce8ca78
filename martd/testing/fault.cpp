#include "testing/fault.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <map>
#include <mutex>
#include <string>

namespace mart::fault {
namespace {

struct Armed {
  int64_t fire_at = 1;
  int64_t hits = 0;
};

std::atomic<bool> g_armed{false};
std::mutex g_mutex;
std::map<std::string, Armed, std::less<>>& ArmedPoints() {
  static auto* points = new std::map<std::string, Armed, std::less<>>();
  return *points;
}

// True at the armed point's firing hit.
bool Fires(std::string_view name) {
  if (!g_armed.load(std::memory_order_relaxed)) return false;
  std::lock_guard lock(g_mutex);
  auto it = ArmedPoints().find(name);
  if (it == ArmedPoints().end()) return false;
  return ++it->second.hits == it->second.fire_at;
}

}  // namespace

const std::vector<PointInfo>& Points() {
  static const std::vector<PointInfo> kPoints = {
      {"batch.before_commit", true, "a batch ran in its transaction, COMMIT not yet issued"},
      {"batch.after_commit", true, "a batch is committed, no reply sent yet"},
      {"worker.after_effect", true, "a worker applied an event, its cursor not yet saved"},
      {"backup.before_rename", true, "a backup copy is written, not yet renamed into place"},
      {"commit.disk_full", false, "a batch's commit fails as on a full disk"},
      {"batch.restart", false,
       "a batch run again after a late write failure cannot begin its transaction again"},
      {"restore.install", false, "martd --restore fails to rename the verified copy into place"},
  };
  return kPoints;
}

Status Arm(std::string_view spec) {
  const size_t at = spec.find('@');
  const std::string_view name = spec.substr(0, at);
  const auto& points = Points();
  if (std::none_of(points.begin(), points.end(),
                   [&](const PointInfo& point) { return point.name == name; })) {
    std::string known;
    for (const PointInfo& point : points) known += (known.empty() ? "" : ", ") + std::string(point.name);
    return InvalidArgument("unknown fault point '" + std::string(name) + "' (known: " + known + ")");
  }
  Armed armed;
  if (at != std::string_view::npos) {
    const std::string_view count = spec.substr(at + 1);
    auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), armed.fire_at);
    if (error != std::errc() || end != count.data() + count.size() || armed.fire_at < 1) {
      return InvalidArgument("fault point " + std::string(spec) + ": N in NAME@N must be >= 1");
    }
  }
  std::lock_guard lock(g_mutex);
  ArmedPoints()[std::string(name)] = armed;
  g_armed.store(true, std::memory_order_relaxed);
  return Status::Ok();
}

void DisarmAll() {
  std::lock_guard lock(g_mutex);
  ArmedPoints().clear();
  g_armed.store(false, std::memory_order_relaxed);
}

void CrashPoint(std::string_view name) {
  if (!Fires(name)) return;
  const std::string line = "martd: fault point " + std::string(name) + ": crashing\n";
  // write(2) and _exit only: the point is a crash, nothing may run after it.
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(kCrashExitCode);
}

bool ErrorPoint(std::string_view name) { return Fires(name); }

}  // namespace mart::fault
