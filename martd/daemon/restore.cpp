#include "daemon/restore.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/data_dir.h"
#include "stores/backup_store.h"

namespace mart::daemon {
namespace {

namespace fs = std::filesystem;

std::string UtcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

// Renames the database and its WAL companions, keeping their suffixes, so
// that the set still opens as the old database (nothing is checkpointed or
// dropped). Returns the names moved, one per line.
Result<std::string> MoveAside(const std::string& db, const std::string& aside) {
  std::string moved;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string from = db + suffix;
    std::error_code ec;
    if (!fs::exists(from, ec)) continue;
    fs::rename(from, aside + suffix, ec);
    if (ec) return Unavailable("cannot move " + from + " aside: " + ec.message());
    moved += "moved " + from + " to " + aside + suffix + "\n";
  }
  return moved;
}

Status Install(const std::string& file, const std::string& db) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Unavailable("cannot read " + file);
  std::stringstream content;
  content << in.rdbuf();
  return WriteFileAtomic(db, content.str(), 0600);
}

Status Restore(const DaemonOptions& options, std::ostream& out) {
  MART_ASSIGN_OR_RETURN(std::unique_ptr<DataDir> dir, DataDir::Open(options.data_dir));
  const std::string file = fs::absolute(options.restore).lexically_normal().string();
  MART_ASSIGN_OR_RETURN(int version, store::CheckRestorable(file));
  out << "verified " << file << ": integrity ok, schema version " << version << "\n";
  const std::string db = dir->DatabasePath();
  MART_ASSIGN_OR_RETURN(std::string moved, MoveAside(db, db + ".before-restore-" + UtcStamp()));
  out << moved;
  MART_RETURN_IF_ERROR(Install(file, db));
  out << "installed " << file << " as " << db << "\n"
      << "start martd to serve it; run 'martctl admin check' once it is ready\n";
  return Status::Ok();
}

}  // namespace

int RunRestore(const DaemonOptions& options) {
  Status restored = Restore(options, std::cout);
  if (restored.ok()) return 0;
  std::cerr << "martd: cannot restore: " << restored.ToString() << "\n";
  return restored.exit_code() == 0 ? 1 : restored.exit_code();
}

}  // namespace mart::daemon
