#pragma once
// `martd --restore FILE`: replaces the data dir's database with a backup,
// offline. Holds the data dir lock throughout, so it refuses while a martd
// serves that directory (FAILED_PRECONDITION, exit 5).

#include <string>

#include "daemon/options.h"

namespace mart::daemon {

// Verifies FILE (integrity, schema not newer than this martd), moves mart.db
// and its -wal and -shm aside as mart.db.before-restore-<UTC time>[-wal|-shm]
// (together they are still the old database), copies FILE in as mart.db
// (0600, fsynced, renamed) and prints what it did on stdout. Returns the exit
// status (0, or the error table's code after printing the error on stderr).
int RunRestore(const DaemonOptions& options);

}  // namespace mart::daemon
