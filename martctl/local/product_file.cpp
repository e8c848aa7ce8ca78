#include "martctl/local/product_file.h"

#include <algorithm>
#include <charconv>

#include "mart/commands/spec.h"
#include "mart/domain/money.h"
#include "mart/text.h"

namespace mart::cli {
namespace {

using nlohmann::json;

const std::vector<std::string> kColumns = {"id", "_id", "name", "description", "category",
                                           "price", "quantity", "reorder_threshold"};

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A CSV cell -> the JSON value product.create expects; "" means absent.
Result<json> CellValue(const std::string& column, const std::string& cell) {
  if (column == "quantity" || column == "reorder_threshold") {
    int64_t number = 0;
    auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), number);
    if (error != std::errc() || end != cell.data() + cell.size()) {
      return InvalidArgument(column + " must be an integer, not '" + cell + "'");
    }
    return json(number);
  }
  return json(cell);  // price stays text: the daemon parses it exactly
}

Result<json> CsvRow(const std::vector<std::string>& header, const std::vector<std::string>& cells) {
  if (cells.size() != header.size()) {
    return InvalidArgument("has " + std::to_string(cells.size()) + " fields, the header has " +
                           std::to_string(header.size()));
  }
  json row = json::object();
  for (size_t i = 0; i < header.size(); ++i) {
    if (Trim(cells[i]).empty()) continue;
    MART_ASSIGN_OR_RETURN(row[header[i]], CellValue(header[i], std::string(Trim(cells[i]))));
  }
  return row;
}

// Moves the product's own id out of the row: `id` as export writes it, or
// `_id` as older exports and the seeds' clients write it; both only when they
// agree. Upper-case hex is accepted.
Result<std::string> TakeId(json& row) {
  std::string id;
  for (const char* key : {"_id", "id"}) {
    auto it = row.find(key);
    if (it == row.end()) continue;
    json value = std::move(*it);
    row.erase(key);
    if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) {
      continue;
    }
    if (!value.is_string()) return InvalidArgument(std::string(key) + " must be a string");
    std::string text = ToLowerAscii(Trim(value.get_ref<const std::string&>()));
    if (!IsObjectId(text)) {
      return InvalidArgument("product id '" + text.substr(0, 40) + "' is not 24 hex characters");
    }
    if (!id.empty() && id != text) return InvalidArgument("_id and id differ");
    id = std::move(text);
  }
  return id;
}

// The daemon's own checks, so that no row it would refuse gets past here
// (one refused row would fail its batch after earlier batches committed).
Status CheckRow(const json& row) {
  static const CommandSpec& kCreate = *FindCommand("product.create");
  MART_RETURN_IF_ERROR(ValidateParams(kCreate, row));
  for (const char* field : {"name", "category"}) {
    if (Trim(row[field].get_ref<const std::string&>()).empty()) {
      return InvalidArgument(std::string(field) + " must not be empty");
    }
  }
  return Status::Ok();
}

// A data row read as `row` (or refused with `read`): kept with its id, or an error.
void Keep(json row, const Status& read, size_t line, ParsedProducts* parsed) {
  Result<std::string> id = read.ok() ? TakeId(row) : Result<std::string>(read);
  Status valid = id.ok() ? CheckRow(row) : id.status();
  if (!valid.ok()) {
    parsed->errors.emplace_back(line, valid.message());
    return;
  }
  parsed->rows.push_back(std::move(row));
  parsed->ids.push_back(std::move(*id));
}

Result<ParsedProducts> ParseCsv(std::string_view text) {
  ParsedProducts parsed;
  size_t pos = 0;
  std::vector<std::string> header;
  std::string error;
  if (!NextCsvRecord(text, &pos, &header, &error)) {
    return InvalidArgument(error.empty() ? "the file is empty (want a header row)" : error);
  }
  for (std::string& column : header) {
    column = ToLowerAscii(Trim(column));
    if (std::find(kColumns.begin(), kColumns.end(), column) == kColumns.end()) {
      return InvalidArgument("unknown column '" + column + "' in the header");
    }
  }
  size_t line = 1;
  std::vector<std::string> cells;
  while (NextCsvRecord(text, &pos, &cells, &error)) {
    ++line;
    if (cells.size() == 1 && Trim(cells[0]).empty()) continue;  // blank line
    ++parsed.total;
    Result<json> row = CsvRow(header, cells);
    Keep(row.ok() ? std::move(*row) : json(), row.status(), line, &parsed);
  }
  // A quote left open swallows the rest of the file: no row after it can be trusted.
  if (!error.empty()) return InvalidArgument("line " + std::to_string(line + 1) + ": " + error);
  return parsed;
}

ParsedProducts ParseJsonLines(std::string_view text) {
  ParsedProducts parsed;
  size_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line;
    if (content.empty()) continue;
    ++parsed.total;
    json row = json::parse(content, nullptr, /*allow_exceptions=*/false);
    const Status read = row.is_object() ? Status::Ok() : InvalidArgument("is not a JSON object");
    Keep(std::move(row), read, line, &parsed);
  }
  return parsed;
}

std::string CsvCell(const json& value) {
  std::string text = value.is_string() ? value.get<std::string>()
                     : value.is_null() ? ""
                                       : value.dump();
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

size_t ParsedProducts::RowsWithId() const {
  return static_cast<size_t>(
      std::count_if(ids.begin(), ids.end(), [](const std::string& id) { return !id.empty(); }));
}

FileFormat FormatForPath(std::string_view path) {
  for (std::string_view suffix : {".jsonl", ".ndjson", ".json"}) {
    if (EndsWith(path, suffix)) return FileFormat::kJsonLines;
  }
  return FileFormat::kCsv;
}

bool NextCsvRecord(std::string_view text, size_t* pos, std::vector<std::string>* fields,
                   std::string* error) {
  fields->clear();
  if (*pos >= text.size()) return false;
  std::string field;
  bool quoted = false;
  size_t i = *pos;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') field += c;
      else if (i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
      else quoted = false;
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      fields->push_back(std::exchange(field, {}));
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      break;
    } else {
      field += c;
    }
  }
  if (quoted) {
    *error = "unterminated quoted field";
    *pos = text.size();
    return false;
  }
  fields->push_back(std::move(field));
  *pos = i;
  return true;
}

Result<ParsedProducts> ParseProductFile(std::string_view text, FileFormat format) {
  if (!IsValidUtf8(text)) return InvalidArgument("the file is not valid UTF-8");
  if (format == FileFormat::kCsv) return ParseCsv(text);
  return ParseJsonLines(text);
}

std::string WriteProductFile(const json& products, FileFormat format, bool with_header) {
  const std::vector<std::string> kOut = {"id", "name", "description", "category", "price",
                                         "quantity"};
  std::string out;
  if (format == FileFormat::kCsv && with_header) {
    for (size_t i = 0; i < kOut.size(); ++i) out += (i ? "," : "") + kOut[i];
    out += "\n";
  }
  for (const json& product : products) {
    if (format == FileFormat::kJsonLines) {
      json row = json::object();
      for (const std::string& key : kOut) row[key] = product.value(key, json());
      out += row.dump() + "\n";
      continue;
    }
    for (size_t i = 0; i < kOut.size(); ++i) {
      out += (i ? "," : "") + CsvCell(product.value(kOut[i], json()));
    }
    out += "\n";
  }
  return out;
}

}  // namespace mart::cli
