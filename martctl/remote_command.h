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
int RunRemoteCommand(const Invocation& invocation, const Settings& settings, Io& io);

// The call itself, without printing: what RunRemoteCommand would print, or the error.
Result<Output> CallMethod(const Invocation& invocation, const Settings& settings, Io& io);

// The client options for the global --timeout: the whole budget, split over
// the first try and its retries (none for login and refresh, which
// mart::Client never resends).
ClientOptions ClientOptionsFor(const Settings& settings, const CommandSpec& spec);

RenderOptions RenderOptionsFor(const CommandSpec& spec, const Settings& settings, const Io& io);

}  // namespace mart::cli
