#pragma once
// `martd --copy-store FROM TO`: copies one mart store into another, empty one,
// offline, across backends (an SQLite file, a postgresql:// URI): moving a
// single-machine store onto PostgreSQL, back again, or a backup file into
// PostgreSQL. Stop the martd serving FROM first, or copy a backup of it.

#include <ostream>

#include "daemon/options.h"
#include "mart/status.h"

namespace mart::daemon {

// Opens FROM read-only and TO read-write (creating and migrating an SQLite
// file or an empty PostgreSQL database), copies every table in one snapshot
// and one transaction (stores/copy_store.h), then runs admin verify's checks
// on TO. Reports each table's rows and the verdict on `out`. FAILED_PRECONDITION:
// FROM missing or at another schema version, TO not empty, or a check of the
// copy found a problem.
Status CopyStoreCommand(const DaemonOptions& options, std::ostream& out);

// CopyStoreCommand with stdout; the exit status (0, or the error table's code
// after printing the error on stderr).
int RunCopyStore(const DaemonOptions& options);

}  // namespace mart::daemon
