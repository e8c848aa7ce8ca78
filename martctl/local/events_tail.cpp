#include "martctl/local/events_tail.h"

#include <fnmatch.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <ostream>

#include "martctl/local/event_sequencer.h"
#include "martctl/local/interrupt.h"
#include "martctl/local/session.h"
#include "martctl/remote_command.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr int64_t kPageLimit = 1000;  // the most events.read returns at once
constexpr milliseconds kIdlePoll{1000};
constexpr milliseconds kRetryEvery{1000};

struct TailOptions {
  std::string glob = {};
  std::optional<int64_t> after = {};  // --from-beginning (0) or --since; nullopt: the last `lines`
  int64_t lines = kDefaultTailLines;
  bool follow = false;
};

Result<TailOptions> ReadOptions(const json& flags) {
  TailOptions options{.glob = flags.value("topic", ""),
                      .lines = flags.value("lines", kDefaultTailLines),
                      .follow = flags.value("follow", false)};
  const bool from_beginning = flags.value("from_beginning", false);
  if (from_beginning && flags.contains("since")) {
    return InvalidArgument("--from-beginning and --since exclude each other");
  }
  if (from_beginning) options.after = 0;
  if (flags.contains("since")) options.after = flags["since"].get<int64_t>();
  return options;
}

// One events.read reply.
struct Page {
  json events = {};
  int64_t next_after = 0;
  int64_t last_seq = 0;
};

Result<Page> ToPage(json reply) {
  if (!reply.is_object() || !reply["events"].is_array() ||
      !reply["next_after"].is_number_integer() || !reply["last_seq"].is_number_integer()) {
    return Internal("events.read replied without events, next_after and last_seq");
  }
  return Page{std::move(reply["events"]), reply["next_after"].get<int64_t>(),
              reply["last_seq"].get<int64_t>()};
}

int64_t SeqOf(const json& event) {
  auto it = event.is_object() ? event.find("seq") : event.end();
  return it != event.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string TextOf(const json& event, const char* key) {
  auto it = event.is_object() ? event.find(key) : event.end();
  return it != event.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Compact(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

class EventTail {
 public:
  EventTail(TailOptions options, const Settings& settings, Io& io, const InterruptGuard& guard)
      : options_(std::move(options)),
        settings_(settings),
        io_(io),
        guard_(guard),
        read_(*FindCommand("events.read")),
        subscribe_(*FindCommand("events.subscribe")),
        session_(settings, [this](std::string_view method, const json& params,
                                  const CallOptions& call) { return transport_(method, params, call); },
                 io.clock),
        rows_(RowOptions(settings, io), io.out, /*hold_first=*/false) {}

  // Prints the backlog, then with --follow new events until interrupted.
  Status Run() {
    if (options_.follow) {
      // Subscribed first, on the connection that then reads the log: nothing
      // committed between the backlog and the first pushed event is missed.
      feed_ = Subscribe(io_, ClientOptionsFor(settings_, subscribe_));
      transport_ = [feed = feed_.get()](std::string_view method, const json& params,
                                        const CallOptions& call) {
        return feed->Call(method, params, call);
      };
      MART_RETURN_IF_ERROR(Renew());
    } else {
      transport_ = Connect(io_, ClientOptionsFor(settings_, read_));
    }
    MART_RETURN_IF_ERROR(PrintBacklog());
    return feed_ == nullptr ? Status::Ok() : Follow();
  }

 private:
  // events.subscribe, again before a third of the lease is left; martd then
  // checks the caller once more (a demoted admin's feed stops).
  Status Renew() {
    json params = json::object();
    if (!options_.glob.empty()) params["topic"] = options_.glob;
    Result<json> terms = session_.Call(subscribe_, params);
    if (!terms.ok()) {
      if (terms.status().code() != Code::kUnavailable) return terms.status();
      renew_at_ = MonotonicNow(io_) + kRetryEvery;  // the log reads cover the gap
      return Status::Ok();
    }
    const int64_t lease_ms = terms->value("lease_ms", int64_t{0});
    renew_at_ = MonotonicNow(io_) + milliseconds(std::max<int64_t>(lease_ms / 3, 1000));
    subscribed_on_ = feed_->connection();
    return Status::Ok();
  }

  // The subscription belongs to the connection that made it: on a new one
  // (martd restarted, or another endpoint took over) subscribe again, then
  // read what the change-over hid from the log.
  Status Resubscribe() {
    MART_RETURN_IF_ERROR(Renew());
    if (subscribed_on_ != feed_->connection()) return Status::Ok();  // not answered yet
    return ReadLog(sequencer_.OnIdle());
  }

  Status PrintBacklog() {
    if (options_.after) {
      sequencer_ = EventSequencer(*options_.after);
      return ReadLog(LogRead{.after = *options_.after, .through = std::nullopt});
    }
    // The end of the log, from a one-event read of its start.
    MART_ASSIGN_OR_RETURN(Page probe, ReadPage(0, 1, /*filtered=*/false));
    return PrintLast(probe.last_seq);
  }

  // The last `lines` matching events up to `last_seq`, found by reading
  // windows backwards from it, each twice as wide as the one before.
  Status PrintLast(int64_t last_seq) {
    std::deque<json> found;
    int64_t upper = last_seq;
    for (int64_t window = std::max<int64_t>(options_.lines, 1);
         static_cast<int64_t>(found.size()) < options_.lines && upper > 0; window *= 2) {
      const int64_t lower = std::max<int64_t>(0, upper - window);
      std::vector<json> chunk;
      auto keep = [&chunk](const json& event) { chunk.push_back(event); };
      MART_RETURN_IF_ERROR(Scan(LogRead{.after = lower, .through = upper}, keep).status());
      found.insert(found.begin(), chunk.begin(), chunk.end());
      upper = lower;
    }
    while (static_cast<int64_t>(found.size()) > options_.lines) found.pop_front();
    for (const json& event : found) {
      if (sequencer_.Accept(SeqOf(event))) Print(event);
    }
    sequencer_.SkipThrough(last_seq);
    return Status::Ok();
  }

  Status ReadLog(const LogRead& read) {
    auto print_new = [this](const json& event) {
      if (sequencer_.Accept(SeqOf(event))) Print(event);
    };
    MART_ASSIGN_OR_RETURN(int64_t scanned, Scan(read, print_new));
    sequencer_.SkipThrough(scanned);
    return Status::Ok();
  }

  // Pages through the matching events of `read` in order; returns the seq the
  // log has been read through. A read to the end stops at the last_seq of its
  // first page.
  Result<int64_t> Scan(const LogRead& read, const std::function<void(const json&)>& each) {
    int64_t after = read.after;
    std::optional<int64_t> through = read.through;
    while (!through || after < *through) {
      if (guard_.interrupted()) return Unavailable("interrupted");
      MART_ASSIGN_OR_RETURN(Page page, ReadPage(after, kPageLimit, /*filtered=*/true));
      if (!through) through = page.last_seq;
      for (const json& event : page.events) {
        if (SeqOf(event) > *through) return *through;
        each(event);
      }
      if (page.next_after <= after) break;  // the log ends before `through`
      after = page.next_after;
    }
    return std::min(after, through.value_or(after));
  }

  Result<Page> ReadPage(int64_t after, int64_t limit, bool filtered) {
    json params = {{"after", after}, {"limit", limit}};
    if (filtered && !options_.glob.empty()) params["topic"] = options_.glob;
    bool said = false;
    while (true) {
      Result<json> reply = session_.Call(read_, params);
      if (reply.ok()) return ToPage(std::move(reply).value());
      if (!options_.follow || reply.status().code() != Code::kUnavailable || guard_.interrupted()) {
        return reply.status();
      }
      if (!said) io_.err << "martctl: " << reply.status().message() << "; retrying every second\n";
      said = true;
      Pause(io_, kRetryEvery);
    }
  }

  Status Follow() {
    while (!guard_.interrupted()) {
      if (feed_->connection() != subscribed_on_) {
        MART_RETURN_IF_ERROR(Resubscribe());
      } else if (MonotonicNow(io_) >= renew_at_) {
        MART_RETURN_IF_ERROR(Renew());
      }
      std::optional<FeedEvent> frame = feed_->Next(kIdlePoll);
      if (guard_.interrupted()) break;
      if (!frame) {
        MART_RETURN_IF_ERROR(ReadLog(sequencer_.OnIdle()));
        continue;
      }
      const FramePlan plan = sequencer_.OnFrame(frame->seq);
      if (plan.read_first) MART_RETURN_IF_ERROR(ReadLog(*plan.read_first));
      if (plan.use_frame && sequencer_.Accept(frame->seq) && Matches(frame->event)) {
        Print(frame->event);
      }
    }
    return Status::Ok();
  }

  bool Matches(const json& event) const {
    return options_.glob.empty() ||
           ::fnmatch(options_.glob.c_str(), TextOf(event, "topic").c_str(), 0) == 0;
  }

  // -q: the seq; -o json: one event per line; else a row of a table (under
  // a header on a terminal) written as the event comes.
  void Print(const json& event) {
    if (settings_.quiet) {
      io_.out << SeqOf(event) << "\n";
    } else if (settings_.output == OutputFormat::kJson) {
      io_.out << Compact(event) << "\n";
    } else {
      rows_.Page(json::array({EventRow(event)}));
    }
    io_.out.flush();  // readers of a pipe see each event as it comes
  }

  static RenderOptions RowOptions(const Settings& settings, const Io& io) {
    RenderOptions options = BaseRenderOptions(settings, io);
    options.id_field = "seq";
    options.columns = EventColumns();
    return options;
  }

  TailOptions options_;
  const Settings& settings_;
  Io& io_;
  const InterruptGuard& guard_;
  const CommandSpec& read_;
  const CommandSpec& subscribe_;
  Transport transport_;
  std::unique_ptr<EventFeed> feed_;
  Session session_;
  ListWriter rows_;
  EventSequencer sequencer_;
  milliseconds renew_at_{0};
  uint64_t subscribed_on_ = 0;  // the feed's connection() when last subscribed
};

}  // namespace

std::vector<CommandEntry> EventTailCommands() {
  return {
      {.group = "events",
       .verb = "tail",
       .summary = "print the last events of the log, or all after a point; with --follow, "
                  "new ones as they happen (admin)",
       .example = "martctl events tail --topic 'order.*' --follow -o json",
       .local_flags =
           {{.arg = {.name = "from_beginning", .type = ArgType::kBool,
                     .help = "start at the first event of the log"}},
            {.arg = {.name = "since", .type = ArgType::kInt,
                     .help = "start after this sequence number", .min = 0},
             .value_name = "SEQ"},
            {.arg = {.name = "lines", .type = ArgType::kInt,
                     .help = "without --from-beginning or --since: the last N events "
                             "(default 10)",
                     .min = 0, .max = 100000},
             .short_name = 'n',
             .value_name = "N"},
            {.arg = {.name = "topic", .help = "only topics matching this glob, e.g. 'order.*'",
                     .max_length = 100},
             .value_name = "GLOB"},
            {.arg = {.name = "follow", .type = ArgType::kBool,
                     .help = "keep printing new events until interrupted (Ctrl-C)"},
             .short_name = 'f'}},
       .spec = FindCommand("events.read"),
       .run = RunEventsTail},
      {.group = "events",
       .verb = "subscribe",
       .summary = "print new events as they happen, until interrupted; like 'events tail -f "
                  "-n 0' (admin)",
       .example = "martctl events subscribe --topic 'payment.*' -o json",
       .local_flags = {{.arg = {.name = "topic",
                                .help = "only topics matching this glob, e.g. 'order.*'",
                                .max_length = 100},
                        .value_name = "GLOB"}},
       .spec = FindCommand("events.subscribe"),
       .run = RunEventsSubscribe},
  };
}

namespace {

int RunTail(Result<TailOptions> options, const Settings& settings, Io& io) {
  if (!options.ok()) return Fail(io, options.status());
  InterruptGuard guard;
  EventTail tail(std::move(options).value(), settings, io, guard);
  Status done = tail.Run();
  io.out.flush();
  if (guard.interrupted()) return guard.exit_code();
  return done.ok() ? 0 : Fail(io, done);
}

}  // namespace

int RunEventsTail(const Invocation& invocation, const Settings& settings, Io& io) {
  return RunTail(ReadOptions(invocation.flags), settings, io);
}

int RunEventsSubscribe(const Invocation& invocation, const Settings& settings, Io& io) {
  return RunTail(TailOptions{.glob = invocation.flags.value("topic", ""), .lines = 0,
                             .follow = true},
                 settings, io);
}

}  // namespace mart::cli
