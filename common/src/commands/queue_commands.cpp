#include "commands/domains.h"

namespace mart {
namespace {

// A string, not a choice: export sinks (martd --export) are named by the operator.
ArgSpec WorkerName(bool required) {
  return {.name = "worker", .type = ArgType::kString,
          .help = "a worker or export sink (martctl worker list)", .required = required,
          .positional = required};
}

ArgSpec DeadLetterId(bool required) {
  return {.name = "id", .type = ArgType::kInt, .help = "dead letter id (from dlq list)",
          .required = required, .positional = true, .min = 1};
}

}  // namespace

std::vector<CommandSpec> QueueCommands() {
  return {
      {.method = "queue.list",
       .summary = "show each worker's and export sink's queue: state, lag, processed, failed, "
                  "dead (admin)",
       .access = Access::kAdmin,
       .example = "martctl queue list -o json",
       .rest = "GET /api/v1/queues",
       .id_field = "worker",
       .columns = {"worker", "state", "lag", "processed", "failed", "dead",
                   "oldest_pending_age_s"}},
      {.method = "worker.list",
       .summary = "list the queue workers and export sinks, the topics they consume and their "
                  "state (admin)",
       .access = Access::kAdmin,
       .example = "martctl worker list",
       .id_field = "worker",
       .columns = {"worker", "state", "cursor", "topics"}},
      {.method = "worker.pause",
       .summary = "stop a worker taking events until resumed; survives restarts (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {WorkerName(true)},
       .example = "martctl worker pause inventory",
       .id_field = "worker"},
      {.method = "worker.resume",
       .summary = "let a paused worker take events again (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {WorkerName(true)},
       .example = "martctl worker resume inventory",
       .id_field = "worker"},
      {.method = "dlq.list",
       .summary = "list dead letters: events a worker gave up on, with the error (admin)",
       .access = Access::kAdmin,
       .args = {WorkerName(false),
                LimitArg(), OffsetArg(), CursorArg()},
       .example = "martctl dlq list --worker inventory",
       .columns = {"id", "worker", "seq", "topic", "attempts", "error", "created_at"}},
      {.method = "dlq.show",
       .summary = "show one dead letter with its event (admin)",
       .access = Access::kAdmin,
       .args = {DeadLetterId(true)},
       .example = "martctl dlq show 1 -o json"},
      {.method = "dlq.retry",
       .summary = "apply a dead letter's event again now; removed from the list if it works "
                  "(admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {DeadLetterId(true)},
       .example = "martctl dlq retry 1"},
      {.method = "dlq.purge",
       .summary = "delete one dead letter, or all of them (of one worker) with --all (admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {DeadLetterId(false), WorkerName(false),
                {.name = "all", .type = ArgType::kBool,
                 .help = "every dead letter (of --worker, when given)"}},
       .example = "martctl dlq purge --all --worker inventory",
       .id_field = "purged"},
      {.method = "events.read",
       .summary = "read the event log after a sequence number, oldest first (admin)",
       .access = Access::kAdmin,
       .args = {{.name = "after", .type = ArgType::kInt,
                 .help = "events with a larger sequence number (default 0: from the start)",
                 .min = 0},
                {.name = "topic", .help = "only topics matching this glob, e.g. 'order.*'",
                 .max_length = 100},
                {.name = "limit", .type = ArgType::kInt, .help = "at most this many (default 100)",
                 .min = 1, .max = 1000}},
       .example = "martctl events read --after 120 --topic 'order.*' -o json",
       .id_field = "next_after"},
      {.method = "events.subscribe",
       .summary = "push the live event feed to this connection for a lease; renew it before "
                  "it ends (admin; martctl events tail --follow)",
       .access = Access::kAdmin,
       .args = {{.name = "topic", .help = "only topics matching this glob, e.g. 'order.*'",
                 .max_length = 100}},
       .example = "martctl events subscribe --topic 'order.*' -o json",
       .id_field = "lease_ms",
       .cli_local = true},
      {.method = "events.publish",
       .summary = "append an event for outside subscribers; mart's own topics are refused "
                  "(admin)",
       .access = Access::kAdmin,
       .mutating = true,
       .args = {{.name = "topic", .help = "'<domain>.<event>', lower case, e.g. 'erp.synced'",
                 .required = true, .positional = true, .max_length = 100},
                {.name = "data", .type = ArgType::kObject,
                 .help = "the event's payload, a JSON object (default {})",
                 .max_length = 64 * 1024}},
       .example = "martctl events publish erp.synced --data '{\"batch\": 42}'",
       .id_field = "seq"},
  };
}

std::vector<CommandSpec> AdminCommands() {
  return {
      {.method = "admin.check",
       .summary = "check the database and mart's invariants; exit 7 on a problem (admin)",
       .access = Access::kAdmin,
       .example = "martctl admin check -o json",
       .id_field = "ok",
       // How martctl shows the checks to people; -o json is the result as it is.
       .columns = {"check", "result", "checked", "detail"}},
      {.method = "admin.backup",
       .summary = "write a consistent copy of the database to FILE while martd serves; mode "
                  "0600, guard it like the data dir (admin)",
       .access = Access::kAdmin,
       .args = {{.name = "file", .help = "a file name, written in martd's backup dir; or "
                                         "(local operator only) a path, made absolute by martctl",
                 .required = true, .positional = true, .max_length = 4096},
                {.name = "force", .type = ArgType::kBool, .help = "replace an existing file"}},
       .example = "martctl admin backup mart-2026-01-01.db",
       .id_field = "path"},
      {.method = "admin.verify",
       .summary = "check a backup file: SQLite integrity, schema version, mart's invariants; "
                  "exit 7 on a problem (admin)",
       .access = Access::kAdmin,
       .args = {{.name = "file", .help = "the backup file: a name in martd's backup dir, or "
                                         "(local operator only) a path",
                 .required = true, .positional = true, .max_length = 4096}},
       .example = "martctl admin verify mart-2026-01-01.db -o json",
       .id_field = "ok",
       .columns = {"check", "result", "checked", "detail"}},
  };
}

}  // namespace mart
