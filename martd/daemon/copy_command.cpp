#include "daemon/copy_command.h"

#include <filesystem>
#include <iostream>

#include "services/check_service.h"
#include "services/clock.h"
#include "queue/queue_service.h"
#include "stores/copy_store.h"
#include "stores/store.h"

namespace mart::daemon {
namespace {

namespace fs = std::filesystem;

// An SQLite location as an absolute path; a PostgreSQL URI as it is.
std::string Normalized(const std::string& location) {
  if (store::IsPostgresLocation(location)) return location;
  return fs::absolute(location).lexically_normal().string();
}

}  // namespace

Status CopyStoreCommand(const DaemonOptions& options, std::ostream& out) {
  if (options.copy_store.size() != 2) return InvalidArgument("--copy-store takes FROM and TO");
  const std::string from = Normalized(options.copy_store[0]);
  const std::string to = Normalized(options.copy_store[1]);
  if (from == to) return InvalidArgument("--copy-store: FROM and TO are the same store");
  std::error_code ec;
  if (!store::IsPostgresLocation(from) && !fs::is_regular_file(from, ec)) {
    return FailedPrecondition("no such file: " + from);
  }
  auto source = store::Store::Open(from, store::OpenMode::kReadOnly);
  if (!source.ok()) {
    return Status(source.status().code(), store::RedactLocation(from) +
                                              " cannot be opened: " + source.status().message());
  }
  auto target = store::Store::Open(to, store::OpenMode::kReadWrite);
  if (!target.ok()) {
    return Status(target.status().code(), store::RedactLocation(to) +
                                              " cannot be opened: " + target.status().message());
  }
  MART_ASSIGN_OR_RETURN(std::vector<store::TableRows> tables,
                        store::CopyStore((*source)->db(), (*target)->db()));
  int64_t total = 0;
  for (const store::TableRows& table : tables) {
    out << "copied " << table.rows << " rows of " << table.table << "\n";
    total += table.rows;
  }
  // The checks admin verify runs on a backup: integrity, stock against its
  // ledger, the event log, payments.
  SystemClock clock;
  QueueService queues(clock);
  CheckService checks(queues);
  MART_ASSIGN_OR_RETURN(nlohmann::json audit, checks.Audit(**target));
  for (const nlohmann::json& check : audit["checks"]) {
    out << "check " << check.value("name", std::string("?")) << ": "
        << (check.value("ok", false) ? "ok" : "PROBLEM") << "\n";
    for (const nlohmann::json& problem : check.value("problems", nlohmann::json::array())) {
      out << "  " << (problem.is_string() ? problem.get<std::string>() : problem.dump()) << "\n";
    }
  }
  if (!audit.value("ok", false)) {
    return FailedPrecondition("the copy in " + store::RedactLocation(to) +
                              " has problems (above); the source may have them too: run "
                              "'martctl admin check' on it");
  }
  out << "copied " << total << " rows from " << store::RedactLocation(from) << " to "
      << store::RedactLocation(to) << "; the copy checks out\n";
  return Status::Ok();
}

int RunCopyStore(const DaemonOptions& options) {
  Status copied = CopyStoreCommand(options, std::cout);
  if (copied.ok()) return 0;
  std::cerr << "martd: cannot copy the store: " << copied.ToString() << "\n";
  return copied.exit_code() == 0 ? 1 : copied.exit_code();
}

}  // namespace mart::daemon
