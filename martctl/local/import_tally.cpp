#include "martctl/local/import_tally.h"

#include <utility>
#include <vector>

namespace mart::cli {

using nlohmann::json;

void ImportTally::AddReply(const json& reply) {
  const size_t created_now = reply.value("created", size_t{0});
  const size_t updated_now = reply.value("updated", size_t{0});
  const size_t unchanged_now = reply.value("unchanged", size_t{0});
  failed += reply.value("failed", json::array()).size();
  if (reply.value("replayed", false)) {
    already_imported += created_now + updated_now + unchanged_now;
    return;
  }
  created += created_now;
  updated += updated_now;
  unchanged += unchanged_now;
}

std::string ImportTally::Counts() const {
  // In a dry run "updated" may hold rows that turn out unchanged: telling
  // them apart needs the comparison martd makes.
  const std::vector<std::pair<const char*, size_t>> classes = {
      {dry_run ? "would create" : "created", created},
      {dry_run ? "would update or leave unchanged" : "updated", updated},
      {"unchanged", unchanged},
      {"already imported", already_imported},
      {dry_run ? "would skip" : "skipped", skipped},
      {"failed", failed}};
  std::string text;
  for (const auto& [name, count] : classes) {
    if (count == 0) continue;
    text += (text.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(count);
  }
  return text.empty() ? "nothing" : text;
}

std::string ImportTally::Summary(std::string_view path) const {
  const std::string rows_text = std::to_string(rows) + (rows == 1 ? " row" : " rows");
  if (dry_run) {
    return "dry run of " + std::string(path) + " (" + rows_text +
           "), nothing was changed: " + Counts() + "\n";
  }
  std::string text = std::string(path) + " (" + rows_text + "): " + Counts() + "\n";
  if (already_imported > 0) {
    text += "martctl: " + std::to_string(already_imported) +
            " rows were imported by an earlier run of this file (martd replayed its stored "
            "reply, nothing was done to them now; products deleted since were not re-created)\n";
  }
  return text;
}

json ImportTally::ToJson(std::string_view path) const {
  return {{"file", path},          {"rows", rows},
          {"created", created},    {"updated", updated},
          {"unchanged", unchanged}, {"already_imported", already_imported},
          {"skipped", skipped},    {"failed", failed},
          {"dry_run", dry_run}};
}

}  // namespace mart::cli
