#include "daemon/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <vector>

#include "daemon/data_dir.h"
#include "stores/backup_store.h"
#include "testing/fault.h"

namespace mart::daemon {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCompanions[] = {"", "-wal", "-shm"};

Status ErrnoStatus(const std::string& what) {
  return Unavailable(what + ": " + std::strerror(errno));
}

std::string UtcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : "";
}

bool Exists(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 || errno != ENOENT;
}

// The first of "<db>.before-restore-<stamp>", "….1", "….2"… whose database,
// -wal and -shm names are all free.
std::string FreeAsideName(const std::string& db) {
  const std::string base = db + ".before-restore-" + UtcStamp();
  for (int n = 0;; ++n) {
    std::string name = n == 0 ? base : base + "." + std::to_string(n);
    bool free = true;
    for (const char* suffix : kCompanions) free = free && !Exists(name + suffix);
    if (free) return name;
  }
}

// rename() that never replaces: EEXIST when `to` exists.
int RenameNoReplace(const std::string& from, const std::string& to) {
  return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
}

// Copies `source` to a new file in `dir` (0600, O_EXCL, fsynced) and returns
// its name. The copy, not the source, is what gets verified and installed,
// so a source that changes meanwhile cannot slip past the check.
Result<std::string> StageCopy(const std::string& source, const std::string& dir) {
  int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return ErrnoStatus("cannot read " + source);
  std::string staged = dir + "/mart.db.restoring-XXXXXX";
  int out = ::mkostemp(staged.data(), O_CLOEXEC);
  if (out < 0) {
    ::close(in);
    return ErrnoStatus("cannot create " + staged);
  }
  std::vector<char> buffer(1 << 20);
  Status copied = Status::Ok();
  while (copied.ok()) {
    ssize_t got = ::read(in, buffer.data(), buffer.size());
    if (got == 0) break;
    if (got < 0) {
      if (errno != EINTR) copied = ErrnoStatus("cannot read " + source);
      continue;
    }
    for (ssize_t done = 0; copied.ok() && done < got;) {
      ssize_t put = ::write(out, buffer.data() + done, static_cast<size_t>(got - done));
      if (put < 0 && errno != EINTR) copied = ErrnoStatus("cannot write " + staged);
      done += put > 0 ? put : 0;
    }
  }
  if (copied.ok() && ::fsync(out) != 0) copied = ErrnoStatus("cannot sync " + staged);
  ::close(in);
  ::close(out);
  if (!copied.ok()) {
    ::unlink(staged.c_str());
    return copied;
  }
  return staged;
}

// Moves back whatever `MoveAside` moved, newest first.
void MoveBack(const std::vector<std::pair<std::string, std::string>>& moved) {
  for (auto it = moved.rbegin(); it != moved.rend(); ++it) {
    if (RenameNoReplace(it->second, it->first) != 0) {
      std::cerr << "martd: could not move " << it->second << " back to " << it->first << ": "
                << std::strerror(errno) << "\n";
    }
  }
}

// Renames the database and its WAL companions, keeping their suffixes, so
// that the set still opens as the old database (nothing is checkpointed or
// dropped). Fills *moved with (from, to) pairs; on failure moves them back.
Status MoveAside(const std::string& db, const std::string& aside,
                 std::vector<std::pair<std::string, std::string>>* moved) {
  for (const char* suffix : kCompanions) {
    const std::string from = db + suffix;
    if (!Exists(from)) continue;
    if (RenameNoReplace(from, aside + suffix) != 0) {
      Status failed = ErrnoStatus("cannot move " + from + " aside");
      MoveBack(*moved);
      moved->clear();
      return failed;
    }
    moved->emplace_back(from, aside + suffix);
  }
  return Status::Ok();
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : ErrnoStatus("cannot sync " + dir);
}

// Puts `staged` in place of the database: moves the old set aside, renames.
Status Install(const std::string& staged, const std::string& db, std::ostream& out) {
  const std::string aside = FreeAsideName(db);
  std::vector<std::pair<std::string, std::string>> moved;
  MART_RETURN_IF_ERROR(MoveAside(db, aside, &moved));
  errno = 0;
  bool renamed = !fault::ErrorPoint("restore.install") && RenameNoReplace(staged, db) == 0;
  if (!renamed) {
    Status failed = errno != 0 ? ErrnoStatus("cannot rename " + staged + " to " + db)
                               : Unavailable("cannot rename " + staged + " to " + db);
    MoveBack(moved);
    return failed;
  }
  for (const auto& [from, to] : moved) out << "moved " << from << " to " << to << "\n";
  return Status::Ok();
}

}  // namespace

Status RestoreDatabase(const DaemonOptions& options, std::ostream& out) {
  MART_ASSIGN_OR_RETURN(std::unique_ptr<DataDir> dir, DataDir::Open(options.data_dir));
  const std::string file = fs::absolute(options.restore).lexically_normal().string();
  const std::string home = RealPath(options.data_dir);
  if (!home.empty() && RealPath(fs::path(file).parent_path().string()) == home) {
    return InvalidArgument("cannot restore from " + file + ": it is in the data dir, among the "
                           "live store's own files; copy it elsewhere first (the backup dir is "
                           "fine)");
  }
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return FailedPrecondition("no such file: " + file);
  MART_ASSIGN_OR_RETURN(std::string staged, StageCopy(file, options.data_dir));
  Result<int> version = store::CheckRestorable(staged);
  if (version.ok()) {
    out << "verified " << file << ": integrity ok, schema version " << *version << "\n";
  }
  const std::string db = dir->DatabasePath();
  Status installed = version.ok() ? Install(staged, db, out) : version.status();
  if (!installed.ok()) {
    ::unlink(staged.c_str());
    ::unlink((staged + "-journal").c_str());
    // The check names the staged copy; the operator knows the file they gave.
    std::string message = installed.message();
    for (size_t at = message.find(staged); at != std::string::npos;
         at = message.find(staged, at + file.size())) {
      message.replace(at, staged.size(), file);
    }
    return Status(installed.code(), message, installed.details());
  }
  MART_RETURN_IF_ERROR(SyncDirectory(options.data_dir));
  out << "installed " << file << " as " << db << "\n"
      << "start martd to serve it; run 'martctl admin check' once it is ready\n";
  return Status::Ok();
}

int RunRestore(const DaemonOptions& options) {
  Status restored = RestoreDatabase(options, std::cout);
  if (restored.ok()) return 0;
  std::cerr << "martd: cannot restore: " << restored.ToString() << "\n";
  return restored.exit_code() == 0 ? 1 : restored.exit_code();
}

}  // namespace mart::daemon
