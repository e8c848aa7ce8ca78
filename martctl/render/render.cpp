#include "martctl/render/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <ostream>
#include <set>
#include <string>

#include "mart/domain/money.h"
#include "martctl/render/table.h"

namespace mart::cli {
namespace {

using nlohmann::json;

bool IsScalar(const json& value) { return !value.is_array() && !value.is_object(); }

bool IsListOfObjects(const json& value) {
  return value.is_array() &&
         std::all_of(value.begin(), value.end(), [](const json& e) { return e.is_object(); });
}

Layout LayoutFor(const RenderOptions& options) {
  return options.tty ? Layout::kAligned : Layout::kTabSeparated;
}

std::string UpperCase(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper;
}

// Result fields that hold money (PROTOCOL.md §11: Product.price, an order
// line's price, Order.total_price, Payment and Refund amount): JSON numbers
// on the wire, two decimals wherever people or spreadsheets read them.
bool IsMoneyField(std::string_view key) {
  return key == "price" || key == "total_price" || key == "amount";
}

// CellText, with money fields as "5.50" rather than JSON's 5.5.
std::string FieldText(std::string_view key, const json& value, Layout layout) {
  if (value.is_number() && IsMoneyField(key)) {
    return FormatMoney(std::llround(value.get<double>() * 100));
  }
  return CellText(value, layout);
}

// "3m", "2h", "5d" since an ISO-8601 UTC timestamp; "" when it is not one.
std::string AgeText(const json& value, int64_t now) {
  if (!value.is_string()) return "";
  std::tm tm{};
  if (std::sscanf(value.get<std::string>().c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return "";
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const int64_t age = std::max<int64_t>(0, now - static_cast<int64_t>(::timegm(&tm)));
  const std::pair<int64_t, const char*> kUnits[] = {
      {365 * 86400, "y"}, {86400, "d"}, {3600, "h"}, {60, "m"}};
  for (const auto& [seconds, unit] : kUnits) {
    if (age >= seconds) return std::to_string(age / seconds) + unit;
  }
  return std::to_string(age) + "s";
}

// Status words by how things went: done, on the way, ended badly.
std::string Colored(const std::string& text) {
  static const std::set<std::string, std::less<>> kGood = {
      "delivered", "shipped", "paid", "succeeded", "sent", "running", "ok", "active"};
  static const std::set<std::string, std::less<>> kBad = {
      "cancelled", "failed", "refunded", "dead", "problem"};
  static const std::set<std::string, std::less<>> kWaiting = {
      "pending", "processing", "refunding", "stored", "lagging", "skipped", "paused"};
  const char* code = kGood.count(text) ? "32" : kBad.count(text) ? "31"
                                         : kWaiting.count(text) ? "33" : nullptr;
  if (code == nullptr) return text;
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

bool IsStatusField(std::string_view key) { return key == "status" || key == "state"; }

// The header line of a list: upper case on a terminal, the field names as
// they are in a pipe (what cut, awk and spreadsheets match on).
std::vector<std::string> HeaderFor(const std::vector<std::string>& fields, Layout layout) {
  std::vector<std::string> header;
  for (const auto& field : fields) {
    header.push_back(layout == Layout::kAligned ? UpperCase(field) : field);
  }
  return header;
}

// The keys of an object with the id field first, then in JSON's sorted order.
std::vector<std::string> KeysIdFirst(const json& object, std::string_view id_field) {
  std::vector<std::string> keys;
  if (object.contains(std::string(id_field))) keys.emplace_back(id_field);
  for (const auto& [key, value] : object.items()) {
    if (key != id_field) keys.push_back(key);
  }
  return keys;
}

std::vector<std::string> ListColumns(const json& list, const RenderOptions& options) {
  if (!options.columns.empty()) {
    return std::vector<std::string>(options.columns.begin(), options.columns.end());
  }
  std::vector<std::string> columns;
  if (list.empty()) return columns;
  for (const std::string& key : KeysIdFirst(list.front(), options.id_field)) {
    if (IsScalar(list.front()[key])) columns.push_back(key);
  }
  return columns;
}

// The rows of a list under `columns`; `header` and `widths` as Table::Write.
void WriteRows(const json& list, const std::vector<std::string>& columns,
               const RenderOptions& options, bool header, std::vector<size_t>* widths,
               std::ostream& out) {
  const Layout layout = LayoutFor(options);
  const bool ages = layout == Layout::kAligned && options.now > 0;
  std::vector<std::string> names = HeaderFor(columns, layout);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (ages && columns[i] == "created_at") names[i] = "AGE";
  }
  Table table(std::move(names));
  for (const json& element : list) {
    std::vector<std::string> cells;
    for (const auto& column : columns) {
      const json value = element.value(column, json());
      std::string cell = FieldText(column, value, layout);
      if (ages && column == "created_at") {
        if (std::string age = AgeText(value, options.now); !age.empty()) cell = std::move(age);
      }
      if (options.color && layout == Layout::kAligned && IsStatusField(column)) {
        cell = Colored(cell);
      }
      cells.push_back(std::move(cell));
    }
    table.AddRow(std::move(cells));
  }
  table.Write(out, layout, options.color, header, widths);
}

void RenderList(const json& list, const RenderOptions& options, std::ostream& out) {
  if (list.empty()) {
    if (LayoutFor(options) == Layout::kAligned) out << "(none)\n";
    return;
  }
  WriteRows(list, ListColumns(list, options), options, options.headers, nullptr, out);
}

// On a terminal, arrays of objects inside an object get their own table below
// the FIELD/VALUE rows; in a pipe they stay one row of compact JSON.
void RenderObject(const json& object, const RenderOptions& options, std::ostream& out) {
  const Layout layout = LayoutFor(options);
  Table fields(HeaderFor({"field", "value"}, layout));
  std::vector<std::string> sections;
  std::vector<std::string> texts;
  for (const std::string& key : KeysIdFirst(object, options.id_field)) {
    const json& value = object[key];
    if (layout == Layout::kAligned && value.is_array() && !value.empty() &&
        IsListOfObjects(value)) {
      sections.push_back(key);
      continue;
    }
    // Text of several lines (a notification's body) reads as text below.
    if (layout == Layout::kAligned && value.is_string() &&
        value.get<std::string>().find('\n') != std::string::npos) {
      texts.push_back(key);
      continue;
    }
    std::string cell = FieldText(key, value, layout);
    if (options.color && layout == Layout::kAligned && IsStatusField(key)) cell = Colored(cell);
    fields.AddRow({key, std::move(cell)});
  }
  if (!fields.empty()) fields.Write(out, layout, options.color, options.headers);
  for (const std::string& key : texts) {
    out << "\n" << Bold(key + ":", options.color) << "\n";
    std::string text = object[key].get<std::string>();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    std::string line;
    for (char c : text + "\n") {
      if (c != '\n') {
        line += c;
        continue;
      }
      out << "  " << CellText(json(line), layout) << "\n";
      line.clear();
    }
  }
  RenderOptions nested = options;
  nested.columns = {};
  nested.id_field = "id";
  for (const std::string& key : sections) {
    out << "\n" << Bold(key + ":", options.color) << "\n";
    RenderList(object[key], nested, out);
  }
}

void RenderTable(const json& value, const RenderOptions& options, std::ostream& out) {
  if (value.is_null()) return;
  if (value.is_object()) return RenderObject(value, options, out);
  if (IsListOfObjects(value)) return RenderList(value, options, out);
  const Layout layout = LayoutFor(options);
  if (value.is_array()) {
    for (const json& element : value) out << CellText(element, layout) << "\n";
    return;
  }
  out << CellText(value, layout) << "\n";
}

void RenderIds(const json& value, const RenderOptions& options, std::ostream& out) {
  auto write_id = [&](const json& element) {
    const json* id = &element;
    if (element.is_object()) {
      auto it = element.find(std::string(options.id_field));
      if (it == element.end() || it->is_null()) return;
      id = &*it;
    }
    if (!id->is_null()) out << CellText(*id, Layout::kTabSeparated) << "\n";
  };
  if (value.is_array()) {
    for (const json& element : value) write_id(element);
  } else {
    write_id(value);
  }
}

}  // namespace

void Render(const json& value, const RenderOptions& options, std::ostream& out) {
  if (options.quiet) return RenderIds(value, options, out);
  if (options.format == OutputFormat::kJson) {
    out << value.dump(options.tty ? 2 : -1, ' ', false, json::error_handler_t::replace) << "\n";
    return;
  }
  RenderTable(value, options, out);
}

json EventRow(const json& event) {
  json row = json::object();
  for (const char* key : {"seq", "created_at", "topic"}) row[key] = event.value(key, json());
  row["data"] = event.value("data", json()).dump(-1, ' ', false, json::error_handler_t::replace);
  return row;
}

std::vector<std::string_view> EventColumns() { return {"seq", "created_at", "topic", "data"}; }

RenderOptions BaseRenderOptions(const Settings& settings, const Io& io) {
  return RenderOptions{.format = settings.output,
                       .quiet = settings.quiet,
                       .tty = io.stdout_tty,
                       .color = settings.color && io.stdout_tty,
                       .headers = settings.headers.value_or(io.stdout_tty),
                       .now = io.clock ? io.clock() : 0};
}

void ListWriter::Page(json rows) {
  if (!streaming_ && !first_) {
    first_ = std::move(rows);
    return;
  }
  if (!streaming_) {
    streaming_ = true;
    json first = std::move(*first_);
    first_.reset();
    Stream(first);
  }
  Stream(rows);
}

void ListWriter::Stream(const json& rows) {
  if (options_.quiet) {
    Render(rows, options_, out_);
    written_ += rows.size();
    return;
  }
  if (options_.format == OutputFormat::kJson) {
    // One JSON array over all pages: compact on one line, or indented on a TTY.
    for (const json& row : rows) {
      out_ << (written_++ == 0 ? "[" : ",");
      if (!options_.tty) {
        out_ << row.dump(-1, ' ', false, json::error_handler_t::replace);
        continue;
      }
      std::string text = row.dump(2, ' ', false, json::error_handler_t::replace);
      std::string indented = "\n  ";
      for (char c : text) indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
      out_ << indented;
    }
    return;
  }
  if (rows.empty()) return;
  if (columns_.empty()) columns_ = ListColumns(rows, options_);
  WriteRows(rows, columns_, options_, options_.headers && written_ == 0, &widths_, out_);
  written_ += rows.size();
}

void ListWriter::Finish() {
  if (!streaming_) {
    Render(first_.value_or(json::array()), options_, out_);
    first_.reset();
    return;
  }
  if (options_.format == OutputFormat::kJson && !options_.quiet) {
    out_ << (written_ == 0 ? "[]" : options_.tty ? "\n]" : "]") << "\n";
  } else if (written_ == 0 && !options_.quiet && options_.tty) {
    out_ << "(none)\n";
  }
}

}  // namespace mart::cli
