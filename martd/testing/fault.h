#pragma once
// Named fault points, for tests that crash martd or fail a commit at an exact
// place and then check that nothing acknowledged was lost and nothing was
// applied twice (tests/README.md, "Fault injection"). They are armed only by
// martd's hidden, test-only flag --fault NAME[@N]; unarmed, a point costs one
// relaxed atomic load.
//
// The points:
//   batch.before_commit   crash: a group commit's requests (and the workers'
//                         pump) ran in the transaction, COMMIT not yet issued
//   batch.after_commit    crash: the batch is committed, no reply sent yet
//                         (these two and commit.disk_full count only
//                         batches with a mutating request)
//   worker.after_effect   crash: a queue worker applied an event, its cursor
//                         not yet saved (same transaction)
//   backup.before_rename  crash: a backup copy is written and synced, not yet
//                         renamed to its name
//   commit.disk_full      error: the batch's commit fails as SQLite does on a
//                         full disk (SQLITE_FULL), and the batch rolls back
//   batch.restart         error: a batch whose write failed late (PostgreSQL,
//                         Dispatcher::ExecuteBatch) is rolled back, and its
//                         transaction cannot begin again (a lost server)
//   restore.install       error: martd --restore has moved the old database
//                         aside and fails to rename the verified copy in
// A crash point writes "martd: fault point NAME: crashing" to stderr and
// calls _exit(kCrashExitCode): no destructors, no commit, no reply.
//
// Thread safe: points are reached from the store thread and the readers.

#include <string_view>
#include <vector>

#include "mart/status.h"

namespace mart::fault {

inline constexpr int kCrashExitCode = 86;

struct PointInfo {
  std::string_view name;
  bool crash;  // else an error point
  std::string_view where;
};

const std::vector<PointInfo>& Points();

// Arms "NAME" or "NAME@N": the point fires the Nth time execution reaches it
// (default the first), once. INVALID_ARGUMENT for an unknown name or a bad N.
Status Arm(std::string_view spec);
// Forgets every armed point (unit tests).
void DisarmAll();

// A crash point: exits the process at its firing hit.
void CrashPoint(std::string_view name);
// An error point: true at its firing hit, else false.
bool ErrorPoint(std::string_view name);

}  // namespace mart::fault
