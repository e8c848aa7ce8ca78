#include "stores/backup_store.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "stores/copy_store.h"
#include "stores/schema.h"
#include "stores/sqlite_database.h"
#include "testing/fault.h"

namespace mart::store {
namespace {

namespace fs = std::filesystem;

Status Errno(const std::string& what) {
  return Unavailable(what + ": " + std::strerror(errno));
}

// What an existing file at the target is, for the refusal.
const char* KindOf(mode_t mode) {
  if (S_ISLNK(mode)) return "a symlink";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

Status CheckTarget(const std::string& path, bool overwrite) {
  fs::path target(path);
  if (!target.is_absolute()) return InvalidArgument("backup path must be absolute: " + path);
  std::error_code ec;
  if (!fs::is_directory(target.parent_path(), ec)) {
    return InvalidArgument("no such directory: " + target.parent_path().string());
  }
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Errno("stat " + path);
  }
  // rename() would put the copy in place of whatever is there: only an old
  // copy (a regular file) may be replaced.
  if (!S_ISREG(info.st_mode)) {
    return InvalidArgument("backup path " + path + " is " + KindOf(info.st_mode) +
                           "; a backup replaces only a regular file");
  }
  if (!overwrite) {
    return AlreadyExists(path + " exists (pass --force to replace it)", {{"path", path}});
  }
  return Status::Ok();
}

Status SyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("open " + path);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("fsync " + path);
}

// A PostgreSQL store is copied row by row, from one snapshot, into a new SQLite
// store at the same schema version (stores/copy_store.h): the same backup file
// format, which admin verify and martd --restore read and --copy-store takes back.
Status CopyRowsInto(Database& source, const std::string& temp) {
  MART_ASSIGN_OR_RETURN(std::unique_ptr<Store> copy, Store::Open(temp, OpenMode::kReadWrite));
  MART_ASSIGN_OR_RETURN(std::vector<TableRows> rows, CopyStore(source, copy->db()));
  (void)rows;
  return copy->db().Execute("PRAGMA journal_mode = DELETE");
}

// Copies every page in one step: one read transaction, one snapshot. The copy
// leaves WAL mode so that it is one file that opens read-only anywhere.
Status CopyInto(Database& source, const std::string& temp) {
  SqliteDatabase* from = AsSqlite(source);
  if (from == nullptr) return CopyRowsInto(source, temp);
  MART_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> dest,
                        SqliteDatabase::Open(temp, OpenMode::kReadWrite));
  sqlite3_backup* backup = sqlite3_backup_init(dest->handle(), "main", from->handle(), "main");
  if (backup == nullptr) return SqliteError(dest->handle(), SQLITE_ERROR, "backup init");
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(dest->handle(), rc, "backup to " + temp);
  return dest->Execute("PRAGMA journal_mode = DELETE");
}

}  // namespace

Result<BackupFile> WriteBackup(Database& source, const std::string& path, bool overwrite) {
  MART_RETURN_IF_ERROR(CheckTarget(path, overwrite));
  // A unique name (mkstemp: 0600, O_EXCL): a temp file left by a crash, even
  // one of a daemon that had our pid, never blocks the next backup.
  std::string temp = path + ".tmp-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return Errno("create " + temp);
  ::close(fd);
  Status copied = CopyInto(source, temp);
  if (copied.ok()) copied = SyncPath(temp, O_RDONLY);
  if (copied.ok()) fault::CrashPoint("backup.before_rename");
  if (copied.ok() && ::rename(temp.c_str(), path.c_str()) != 0) copied = Errno("rename " + temp);
  if (!copied.ok()) {
    ::unlink(temp.c_str());
    for (const char* suffix : {"-journal", "-wal", "-shm"}) ::unlink((temp + suffix).c_str());
    return copied;
  }
  MART_RETURN_IF_ERROR(SyncPath(fs::path(path).parent_path().string(), O_RDONLY | O_DIRECTORY));
  BackupFile file;
  file.path = path;
  MART_ASSIGN_OR_RETURN(file.schema_version, source.SchemaVersion());
  std::error_code ec;
  file.bytes = static_cast<int64_t>(fs::file_size(path, ec));
  MART_ASSIGN_OR_RETURN(file.sha256, FileSha256(path));
  return file;
}

Result<std::unique_ptr<Store>> OpenBackup(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return FailedPrecondition("no such file: " + path);
  auto store = Store::Open(path, OpenMode::kReadOnly);
  if (!store.ok()) return FailedPrecondition(path + " cannot be opened: " + store.status().message());
  // Opening is lazy: read the header now so that "not a database" shows here.
  auto version = (*store)->db().SchemaVersion();
  if (!version.ok()) {
    return FailedPrecondition(path + " is not a mart database: " + version.status().message());
  }
  return store;
}

Result<std::string> FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("cannot read " + path);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::array<char, 64 * 1024> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  std::string hex;
  for (unsigned char byte : digest) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", byte);
    hex += pair;
  }
  return hex;
}

Result<int> CheckRestorable(const std::string& path) {
  MART_ASSIGN_OR_RETURN(std::unique_ptr<Store> backup, OpenBackup(path));
  auto problems = backup->checks().Integrity(5);
  if (!problems.ok()) return FailedPrecondition(path + " is damaged: " + problems.status().message());
  if (!problems->empty()) return FailedPrecondition(path + " is damaged: " + problems->front());
  MART_ASSIGN_OR_RETURN(int version, backup->db().SchemaVersion());
  if (version > LatestSchemaVersion() || version < 1) {
    return FailedPrecondition(path + " has schema version " + std::to_string(version) +
                              "; this martd knows 1 to " + std::to_string(LatestSchemaVersion()));
  }
  return version;
}

}  // namespace mart::store
