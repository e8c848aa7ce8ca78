#include "services/backup_service.h"

#include <climits>
#include <cstdlib>
#include <filesystem>

#include "mart/text.h"
#include "stores/backup_store.h"
#include "stores/schema.h"

namespace mart {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json SchemaCheck(int version) {
  json problems = json::array();
  const int latest = store::LatestSchemaVersion();
  if (version > latest) {
    problems.push_back("schema version " + std::to_string(version) + " is newer than this martd's " +
                       std::to_string(latest) + "; restore it with a newer martd");
  } else if (version < 1) {
    problems.push_back("schema version " + std::to_string(version) + ": not a mart database");
  }
  return {{"name", "schema"}, {"ok", problems.empty()}, {"checked", 1}, {"problems", problems}};
}

// The directory with every symlink resolved; "" when it does not exist.
std::string RealDirectory(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return "";
  std::error_code ec;
  return fs::is_directory(resolved, ec) ? std::string(resolved) : "";
}

}  // namespace

Status BackupService::Configure(BackupPlaces places) {
  const std::string data = RealDirectory(places.data_dir);
  const std::string backups = RealDirectory(places.backup_dir);
  if (backups.empty()) return FailedPrecondition("backup dir " + places.backup_dir + " is missing");
  if (!data.empty() && data == backups) {
    return FailedPrecondition("backup dir " + places.backup_dir +
                              " is the data dir; give --backup-dir a directory of its own");
  }
  places_ = std::move(places);
  return Status::Ok();
}

Result<std::string> BackupService::Resolve(const std::string& file, const Principal& caller) const {
  if (places_.backup_dir.empty()) return Unavailable("backups are not set up in this martd");
  if (file.empty()) return InvalidArgument("give a backup file name", {{"field", "file"}});
  fs::path path(file);
  if (file.find('/') == std::string::npos) {
    if (file[0] == '.') {
      return InvalidArgument("backup name " + file + " must not start with '.'",
                             {{"field", "file"}});
    }
    path = fs::path(places_.backup_dir) / file;
  } else if (!path.is_absolute()) {
    return InvalidArgument("backup path must be absolute: " + file, {{"field", "file"}});
  }
  const fs::path name = path.lexically_normal().filename();
  if (name.empty() || name == "." || name == "..") {
    return InvalidArgument("backup path " + file + " names a directory, not a file",
                           {{"field", "file"}});
  }
  const std::string parent = path.lexically_normal().parent_path().string();
  const std::string dir = RealDirectory(parent);
  if (dir.empty()) return InvalidArgument("no such directory: " + parent, {{"field", "file"}});
  if (dir == RealDirectory(places_.data_dir)) {
    return InvalidArgument("backup path " + file + " is in martd's data dir, whose files are the "
                           "live store and its keys; use the backup dir " + places_.backup_dir +
                           " (a bare file name goes there) or another directory",
                           {{"field", "file"}});
  }
  if (caller.kind != Principal::Kind::kOperator && dir != RealDirectory(places_.backup_dir)) {
    return PermissionDenied("a logged-in admin's backups stay in martd's backup dir " +
                            places_.backup_dir + ": give a file name, e.g. mart-nightly.db "
                            "(only the local operator may name another directory)");
  }
  return (fs::path(dir) / name).string();
}

Result<json> BackupService::Backup(store::Store& reader, const std::string& file, bool force,
                                   int64_t now_micros, const Principal& caller) const {
  MART_ASSIGN_OR_RETURN(std::string path, Resolve(file, caller));
  MART_ASSIGN_OR_RETURN(store::BackupFile copy, store::WriteBackup(reader.db(), path, force));
  return json{{"path", copy.path},
              {"bytes", copy.bytes},
              {"schema_version", copy.schema_version},
              {"taken_at", FormatTimestamp(now_micros)},
              {"sha256", copy.sha256}};
}

Result<json> BackupService::Verify(const std::string& file, const Principal& caller) const {
  MART_ASSIGN_OR_RETURN(std::string path, Resolve(file, caller));
  MART_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> backup, store::OpenBackup(path));
  MART_ASSIGN_OR_RETURN(int version, backup->db().SchemaVersion());
  json checks = json::array({SchemaCheck(version)});
  bool ok = checks[0]["ok"];
  if (ok) {
    MART_ASSIGN_OR_RETURN(json audit, checks_.Audit(*backup));
    for (json& check : audit["checks"]) checks.push_back(std::move(check));
    ok = audit["ok"];
  }
  std::error_code ec;
  auto bytes = fs::file_size(path, ec);
  MART_ASSIGN_OR_RETURN(std::string sha256, store::FileSha256(path));
  return json{{"path", path},       {"ok", ok},         {"schema_version", version},
              {"bytes", static_cast<int64_t>(bytes)}, {"sha256", sha256}, {"checks", checks}};
}

}  // namespace mart
