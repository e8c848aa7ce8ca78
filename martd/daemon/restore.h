#pragma once
// `martd --restore FILE`: replaces the data dir's database with a backup,
// offline. Holds the data dir lock throughout, so it refuses while a martd
// serves that directory (FAILED_PRECONDITION, exit 5).

#include <ostream>
#include <string>

#include "daemon/options.h"
#include "mart/status.h"

namespace mart::daemon {

// Copies FILE into the data dir (0600, fsynced) and verifies that copy
// (integrity, schema not newer than this martd); only then moves mart.db and
// its -wal and -shm aside as mart.db.before-restore-<UTC time>[.N][-wal|-shm]
// (together they are still the old database; an aside name is never reused
// and nothing is ever replaced) and renames the copy to mart.db. Any failure
// leaves the data dir as it was: the copy is removed and what was moved aside
// is moved back. FILE in the data dir's top level (the live store's own
// files) is refused with INVALID_ARGUMENT. Reports what it did on `out`.
Status RestoreDatabase(const DaemonOptions& options, std::ostream& out);

// RestoreDatabase with stdout; returns the exit status (0, or the error
// table's code after printing the error on stderr).
int RunRestore(const DaemonOptions& options);

}  // namespace mart::daemon
