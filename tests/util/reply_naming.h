#pragma once
// ReplyNamingProblems: where a result breaks the naming rule of the native
// protocol (common/PROTOCOL.md §12, Naming): an object's own id is `id`, never
// the seeds' `_id` (the REST bridge alone shows that); a boolean that states an
// object's state is `is_<adjective>`, and only the reply flags listed here,
// which say what a call did or found, are plain words. Event payloads (`data`)
// are the publishers' and are not walked. Pure function: thread safe.

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mart::test {

// PROTOCOL.md §12, Naming: the booleans that are not an object's state.
inline const std::set<std::string, std::less<>>& ReplyFlags() {
  static const std::set<std::string, std::less<>> kFlags = {
      "ok",       "ready",   "stopping", "deleted",  "removed", "logged_out", "password_changed",
      "unlocked", "retried", "replayed", "skipped"};
  return kFlags;
}

// "path: problem" for each break of the rule; empty when there is none.
inline std::vector<std::string> ReplyNamingProblems(const nlohmann::json& value,
                                                    const std::string& path = "result") {
  std::vector<std::string> problems;
  auto walk = [&problems](auto& self, const nlohmann::json& node, const std::string& at) -> void {
    if (node.is_array()) {
      for (size_t i = 0; i < node.size(); ++i) {
        self(self, node[i], at + "[" + std::to_string(i) + "]");
      }
      return;
    }
    if (!node.is_object()) return;
    for (const auto& [key, child] : node.items()) {
      const std::string where = at + "." + key;
      if (key == "_id") problems.push_back(where + ": an object's own id is `id`");
      if (child.is_boolean() && key.rfind("is_", 0) != 0 && !ReplyFlags().contains(key)) {
        problems.push_back(where + ": a state is `is_" + key + "`, else a reply flag of Naming");
      }
      if (key != "data") self(self, child, where);
    }
  };
  walk(walk, value, path);
  return problems;
}

}  // namespace mart::test
