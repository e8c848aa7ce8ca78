#pragma once
// martctl events tail [--from-beginning | --since SEQ] [-n|--lines N]
//                     [--topic GLOB] [-f|--follow]
// Prints events of the log (events.read, admin only), oldest first: the last
// N (default 10) events whose topic matches GLOB, or every one after SEQ
// (--from-beginning: after 0), up to the end of the log as it was at the
// first read; then exits 0. With --follow it goes on printing new events as
// martd publishes them, until SIGINT (exit 130) or SIGTERM (exit 143): it
// subscribes to the feed (events.subscribe, renewed every third of its lease)
// before reading the backlog on the same connection, so nothing falls between
// the two, and fills the feed's gaps from the log (event_sequencer.h). When
// the connection is made anew (martd restarted, or another martd of an
// endpoint list took over) it subscribes again at once and reads the log up
// to its end, so the events of the change-over are printed too. While
// martd is unavailable (restarting) it retries every second, saying so once;
// when martd refuses the renewal (the caller is no longer an admin, or logged
// out) it stops with that error.
// martctl events subscribe [--topic GLOB] is events tail --follow --lines 0.
// One event per line, flushed at once: "seq<TAB>created_at<TAB>topic<TAB>
// data as compact JSON"; with -o json the event object (JSON lines); with -q
// the seq alone.

#include <cstdint>
#include <vector>

#include "martctl/command.h"

namespace mart::cli {

inline constexpr int64_t kDefaultTailLines = 10;

std::vector<CommandEntry> EventTailCommands();
int RunEventsTail(const Invocation& invocation, const Settings& settings, Io& io);
int RunEventsSubscribe(const Invocation& invocation, const Settings& settings, Io& io);

}  // namespace mart::cli
