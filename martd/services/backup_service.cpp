#include "services/backup_service.h"

#include <filesystem>

#include "mart/text.h"
#include "stores/backup_store.h"
#include "stores/schema.h"

namespace mart {
namespace {

using nlohmann::json;

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

}  // namespace

Result<json> BackupService::Backup(store::Store& reader, const std::string& path, bool force,
                                   int64_t now_micros) const {
  MART_ASSIGN_OR_RETURN(store::BackupFile file, store::WriteBackup(reader.db(), path, force));
  return json{{"path", file.path},
              {"bytes", file.bytes},
              {"schema_version", file.schema_version},
              {"taken_at", FormatTimestamp(now_micros)},
              {"sha256", file.sha256}};
}

Result<json> BackupService::Verify(const std::string& path) const {
  if (!std::filesystem::path(path).is_absolute()) {
    return InvalidArgument("backup path must be absolute: " + path);
  }
  MART_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> backup, store::OpenBackup(path));
  MART_ASSIGN_OR_RETURN(int version, store::SchemaVersion(backup->db()));
  json checks = json::array({SchemaCheck(version)});
  bool ok = checks[0]["ok"];
  if (ok) {
    MART_ASSIGN_OR_RETURN(json audit, checks_.Audit(*backup));
    for (json& check : audit["checks"]) checks.push_back(std::move(check));
    ok = audit["ok"];
  }
  std::error_code ec;
  auto bytes = std::filesystem::file_size(path, ec);
  MART_ASSIGN_OR_RETURN(std::string sha256, store::FileSha256(path));
  return json{{"path", path},       {"ok", ok},         {"schema_version", version},
              {"bytes", static_cast<int64_t>(bytes)}, {"sha256", sha256}, {"checks", checks}};
}

}  // namespace mart
