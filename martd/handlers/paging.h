#pragma once
// Paged lists (PROTOCOL.md §3, `next`). A list method takes `limit` (default
// 100), `offset` and `cursor`; its handler asks the service for one row more
// than `limit`, and when that row came, drops it and sets the reply's `next`
// to the key of the page's last row. Sent back as `cursor`, the key starts
// the next page after that row, in the same order (a keyset, so rows added
// meanwhile neither repeat nor push others out, and deep pages cost no more
// than the first).
//
// Keys are the rows' own ids: a 24-hex object id (products, orders) or a
// positive integer (every other list).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "handlers/params.h"
#include "mart/status.h"
#include "rpc/handler.h"

namespace mart::handlers {

inline constexpr int64_t kDefaultPageSize = 100;

struct PageParams {
  int64_t limit = kDefaultPageSize;  // rows the caller asked for
  int64_t offset = 0;
  std::optional<std::string> cursor;
  // What to ask the service for: one more, to learn whether rows follow.
  int64_t fetch() const { return limit + 1; }
};

inline PageParams ReadPage(const nlohmann::json& params) {
  return {.limit = OptInt(params, "limit").value_or(kDefaultPageSize),
          .offset = OptInt(params, "offset").value_or(0),
          .cursor = OptString(params, "cursor")};
}

// The cursor of a list keyed by integer ids; INVALID_ARGUMENT when it is not one.
inline Result<std::optional<int64_t>> IntCursor(const PageParams& page) {
  if (!page.cursor) return std::optional<int64_t>();
  const std::string& text = *page.cursor;
  int64_t value = 0;
  bool ok = !text.empty() && text.size() <= 18;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok || value < 1) {
    return InvalidArgument("cursor must be the 'next' of an earlier page of this list, not '" +
                               text + "'",
                           {{"field", "cursor"}});
  }
  return std::optional<int64_t>(value);
}

// How many of `rows` (read with one row more than page.limit) the page
// shows; sets ctx.next to `key` of the last one shown when more follow.
template <class Row, class Key>
size_t PageRowCount(rpc::RequestContext& ctx, const PageParams& page, const std::vector<Row>& rows,
                    Key key) {
  const bool more = static_cast<int64_t>(rows.size()) > page.limit;
  const size_t count = more ? static_cast<size_t>(page.limit) : rows.size();
  if (more && count > 0) ctx.next = key(rows[count - 1]);
  return count;
}

// The page as a JSON array, each row through `encode` (PageRowCount).
template <class Row, class Encode, class Key>
nlohmann::json FinishPage(rpc::RequestContext& ctx, const PageParams& page,
                          const std::vector<Row>& rows, Encode encode, Key key) {
  const size_t count = PageRowCount(ctx, page, rows, key);
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < count; ++i) list.push_back(encode(rows[i]));
  return list;
}

// FinishPage for the hot lists: the page is written as JSON text into
// ctx.result_text by `append(std::string*, row)`, with no JSON object built;
// returns the null the handler returns.
template <class Row, class Append, class Key>
nlohmann::json FinishPageText(rpc::RequestContext& ctx, const PageParams& page,
                              const std::vector<Row>& rows, Append append, Key key) {
  const size_t count = PageRowCount(ctx, page, rows, key);
  std::string& text = ctx.result_text;
  text.assign(1, '[');  // not = "[": a false stringop-overflow in g++ 12
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) text += ',';
    append(&text, rows[i]);
  }
  text += ']';
  return nlohmann::json();
}

}  // namespace mart::handlers
