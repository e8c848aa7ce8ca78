#include "rest/shape_text.h"

#include <vector>

#include "mart/wire/json_text.h"

namespace mart::rest {
namespace {

void AppendMember(std::string_view key, std::string_view value, bool first, std::string* out) {
  if (!first) out->push_back(',');
  out->push_back('"');
  out->append(key);
  out->append("\":");
  out->append(value);
}

// `object` with its own id as "_id" (ShowSeedId on the text): the members
// stay in their order, which is nlohmann's (sorted by key), and "_id" goes
// before the first key that sorts after it. `members` is scratch space.
void AppendWithSeedId(std::string_view object, std::vector<JsonMember>* members,
                      std::string* out) {
  const JsonMember* id = nullptr;
  bool has_seed_id = false;
  if (SplitJsonObject(object, members)) {
    for (const JsonMember& member : *members) {
      if (member.key == "id") id = &member;
      if (member.key == "_id") has_seed_id = true;
    }
  }
  if (id == nullptr || has_seed_id) {
    out->append(object);
    return;
  }
  constexpr std::string_view kSeedId = "_id";
  out->push_back('{');
  bool first = true;
  bool placed = false;
  for (const JsonMember& member : *members) {
    if (&member == id) continue;
    if (!placed && member.key > kSeedId) {
      AppendMember(kSeedId, id->value, first, out);
      first = false;
      placed = true;
    }
    AppendMember(member.key, member.value, first, out);
    first = false;
  }
  if (!placed) AppendMember(kSeedId, id->value, first, out);
  out->push_back('}');
}

}  // namespace

bool ShapesText(const RouteRule& rule) {
  return !rule.names_martd &&
         (rule.shape == ResultShape::kAsIs || rule.shape == ResultShape::kProducts);
}

std::string ShapeResultText(const RouteRule& rule, std::string_view result) {
  if (rule.shape != ResultShape::kProducts) return std::string(result);
  std::vector<JsonMember> members;
  std::vector<std::string_view> elements;
  std::string out;
  out.reserve(result.size() + result.size() / 64 + 16);
  if (!SplitJsonArray(result, &elements)) {
    AppendWithSeedId(result, &members, &out);
    return out;
  }
  out.push_back('[');
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendWithSeedId(elements[i], &members, &out);
  }
  out.push_back(']');
  return out;
}

}  // namespace mart::rest
