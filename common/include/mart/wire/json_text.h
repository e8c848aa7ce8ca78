#pragma once
// JSON text taken apart without building values: for the hot paths that pass
// a value's text on as it is (a page of products from martd to an HTTP
// client), and for bounds checked before anything parses. The top level is
// checked (strings closed, members and elements separated, nothing after
// the value); nested arrays and objects are only bracket-matched, and scalars
// and the bytes inside strings are taken as written, so the text's producer
// must be trusted to write JSON (martd's replies are). Pure functions: thread
// safe.

#include <cstddef>
#include <string_view>
#include <vector>

namespace mart {

// The deepest nesting of arrays and objects in JSON text, strings skipped,
// without parsing it (so without recursion). Anything that takes JSON from
// outside and copies, compares or prints it (all recursive in nlohmann::json)
// checks this against kMaxJsonDepth first.
size_t JsonNestingDepth(std::string_view text);

struct JsonMember {
  std::string_view key;    // between the quotes, escapes as written
  std::string_view value;  // the value's text, without the whitespace around it
};

// The members of the object `text` is, in order; false (and `members`
// cleared) when `text` is not one object, whitespace around it allowed.
bool SplitJsonObject(std::string_view text, std::vector<JsonMember>* members);

// The elements of the array `text` is, in order; false (and `elements`
// cleared) when `text` is not one array.
bool SplitJsonArray(std::string_view text, std::vector<std::string_view>* elements);

}  // namespace mart
