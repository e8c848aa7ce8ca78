#pragma once
// The path of a registry method from parsed flags to printed output:
// validate the given flags, apply the method's behaviour (method_behaviour.h),
// read secrets, call martd through a Session, render the result.

#include "martctl/command.h"
#include "martctl/io.h"
#include "martctl/method_behaviour.h"
#include "martctl/render/render.h"
#include "martctl/settings.h"

namespace mart::cli {

// A Runner for invocations of registry methods (entry->spec set).
// A paged list (IsPaged) prints its first page and, when rows follow, says so
// on stderr with the cursor of the next page; with --all it fetches and
// prints every page in turn, holding one at a time. A several-ids command
// makes one call per id (MethodBehaviour::several_ids).
int RunRemoteCommand(const Invocation& invocation, const Settings& settings, Io& io);

// The error in the user's words: the daemon names its params (min_price
// must not be above max_price), the user typed flags (--min-price); the
// snake_case names of the command's flags become those flags.
Status InFlagTerms(const Status& status, const CommandEntry& entry);

// The --all flag of every paged list command.
LocalFlag AllPagesFlag();
// The --all flag of a several-ids command with an all_method: that method's summary.
LocalFlag AllIdsFlag(const CommandSpec& all_method);
// Rows per page under --all, unless --limit says otherwise.
inline constexpr int64_t kAllPageSize = 1000;

// The call itself, without printing: what RunRemoteCommand would print, or the error.
Result<Output> CallMethod(const Invocation& invocation, const Settings& settings, Io& io);

// The client options for the global --timeout: the whole budget, split over
// the first try and its retries (none for login and refresh, which
// mart::Client never resends).
ClientOptions ClientOptionsFor(const Settings& settings, const CommandSpec& spec);

RenderOptions RenderOptionsFor(const CommandSpec& spec, const Settings& settings, const Io& io);

}  // namespace mart::cli
