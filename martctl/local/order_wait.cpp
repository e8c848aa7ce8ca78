#include "martctl/local/order_wait.h"

#include <algorithm>
#include <ostream>

#include "martctl/remote_command.h"
#include "martctl/render/render.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

Result<OrderStatus> StatusOf(const json& order) {
  if (order.is_object() && order.contains("status") && order["status"].is_string()) {
    if (auto status = ParseOrderStatus(order["status"].get<std::string>())) return *status;
  }
  return Internal("order.get replied without a known order status");
}

std::optional<WaitOutcome> Settled(OrderStatus status, std::optional<OrderStatus> target) {
  if (!target) {
    if (status == OrderStatus::kPending) return std::nullopt;
    return WaitOutcome::kReached;
  }
  if (status == *target) return WaitOutcome::kReached;
  if (!CanEventuallyReach(status, *target)) return WaitOutcome::kUnreachable;
  return std::nullopt;
}

// "waiting for order …: pending (3 s)" on a terminal only, once a wait has
// lasted a second; erased when it ends.
class WaitProgress {
 public:
  WaitProgress(const Io& io, const std::string& id) : io_(io), id_(id), start_(MonotonicNow(io)) {}
  ~WaitProgress() {
    if (shown_) io_.err << "\r\033[K" << std::flush;
  }
  void Show(OrderStatus status) {
    auto waited = std::chrono::duration_cast<std::chrono::seconds>(MonotonicNow(io_) - start_);
    if (!io_.stderr_tty || waited.count() < 1) return;
    io_.err << "\rwaiting for order " << id_ << ": " << OrderStatusName(status) << " ("
            << waited.count() << " s)" << std::flush;
    shown_ = true;
  }

 private:
  const Io& io_;
  const std::string& id_;
  milliseconds start_;
  bool shown_ = false;
};

}  // namespace

Result<OrderWaitResult> WaitForOrder(Session& session, const Io& io, const std::string& id,
                                     std::optional<OrderStatus> target, milliseconds timeout,
                                     json known) {
  const CommandSpec& get = *FindCommand("order.get");
  const milliseconds deadline = MonotonicNow(io) + timeout;
  WaitProgress progress(io, id);
  milliseconds pause = kFirstOrderPoll;
  json order = std::move(known);
  while (true) {
    if (order.is_null()) {
      MART_ASSIGN_OR_RETURN(order, session.Call(get, {{"id", id}}));
    }
    MART_ASSIGN_OR_RETURN(OrderStatus status, StatusOf(order));
    if (auto outcome = Settled(status, target)) {
      return OrderWaitResult{std::move(order), status, *outcome};
    }
    const milliseconds left = deadline - MonotonicNow(io);
    if (left <= milliseconds(0)) {
      return OrderWaitResult{std::move(order), status, WaitOutcome::kTimedOut};
    }
    progress.Show(status);
    Pause(io, std::min(pause, left));
    pause = std::min(pause * 2, kMaxOrderPoll);
    order = nullptr;
  }
}

std::vector<CommandEntry> OrderWaitCommands() {
  std::vector<std::string_view> statuses;
  for (OrderStatus status : AllOrderStatuses()) statuses.push_back(OrderStatusName(status));
  return {
      {.group = "order",
       .verb = "wait",
       .summary = "wait until an order reaches a status (default: until it leaves pending)",
       .example = "martctl order wait 66f1c0ffee0000000000beef --for shipped --wait-timeout 60",
       .args = {{.name = "id", .help = "order id (24 hex characters)", .required = true,
                 .positional = true, .max_length = 24},
                {.name = "for", .type = ArgType::kEnum,
                 .help = "the status to wait for (default: any status but pending)",
                 .choices = statuses},
                {.name = "wait_timeout", .type = ArgType::kInt,
                 .help = "seconds to wait (default 30); exit 6 when they run out", .min = 0,
                 .max = 86400}},
       .spec = FindCommand("order.get"),
       .run = RunOrderWait},
  };
}

int RunOrderWait(const Invocation& invocation, const Settings& settings, Io& io) {
  const json& params = invocation.params;
  const std::string id = params.value("id", "");
  const int64_t seconds = params.value("wait_timeout", kDefaultOrderWaitSeconds);
  std::optional<OrderStatus> target;
  if (params.contains("for")) target = ParseOrderStatus(params["for"].get<std::string>());
  const CommandSpec& get = *invocation.entry->spec;
  Session session(settings, Connect(io, ClientOptionsFor(settings, get)), io.clock);
  Result<OrderWaitResult> waited =
      WaitForOrder(session, io, id, target, std::chrono::seconds(seconds));
  if (!waited.ok()) return Fail(io, waited.status());
  const std::string status(OrderStatusName(waited->status));
  switch (waited->outcome) {
    case WaitOutcome::kReached:
      Render(waited->order, RenderOptionsFor(get, settings, io), io.out);
      return 0;
    case WaitOutcome::kUnreachable:
      return Fail(io, FailedPrecondition("order " + id + " is " + status +
                                         " and can no longer become " +
                                         std::string(OrderStatusName(*target))));
    case WaitOutcome::kTimedOut:
      break;
  }
  return Fail(io, Unavailable("order " + id + " is still " + status + " after " +
                              std::to_string(seconds) + " s"));
}

}  // namespace mart::cli
