#pragma once
// Product files for bulk import and export: CSV with a header row (RFC 4180
// quoting) or JSON lines (one object per line). Columns/keys: name,
// description, category, price, quantity, reorder_threshold, and the
// product's own id as `id` (what export writes) or `_id` (older exports, the
// seeds' clients): kept apart from the row, for `product import --update-existing`.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/status.h"

namespace mart::cli {

enum class FileFormat { kCsv, kJsonLines };

// By extension: .jsonl/.ndjson/.json -> JSON lines, anything else CSV.
FileFormat FormatForPath(std::string_view path);

struct ParsedProducts {
  std::vector<nlohmann::json> rows;  // product.create params, valid
  std::vector<std::string> ids;      // each row's product id (lower case), "" when none
  std::vector<std::pair<size_t, std::string>> errors;  // line number, message
  size_t total = 0;  // data rows seen

  size_t RowsWithId() const;
};

// Parses and checks every row against product.create's spec. A file-level
// problem (bad header) is INVALID_ARGUMENT; bad rows land in `errors`.
Result<ParsedProducts> ParseProductFile(std::string_view text, FileFormat format);

// The file text for products as product.list returns them.
std::string WriteProductFile(const nlohmann::json& products, FileFormat format,
                             bool with_header);

// One CSV record split into fields; exposed for tests. `pos` advances past
// the record and its line end; false at the end of the text or on an
// unterminated quote (then *error says so).
bool NextCsvRecord(std::string_view text, size_t* pos, std::vector<std::string>* fields,
                   std::string* error);

}  // namespace mart::cli
