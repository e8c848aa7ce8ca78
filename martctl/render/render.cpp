#include "martctl/render/render.h"

#include <algorithm>
#include <ostream>
#include <string>

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

void RenderList(const json& list, const RenderOptions& options, std::ostream& out) {
  const Layout layout = LayoutFor(options);
  if (list.empty()) {
    if (layout == Layout::kAligned) out << "(none)\n";
    return;
  }
  std::vector<std::string> columns = ListColumns(list, options);
  std::vector<std::string> header;
  for (const auto& column : columns) header.push_back(UpperCase(column));
  Table table(std::move(header));
  for (const json& element : list) {
    std::vector<std::string> cells;
    for (const auto& column : columns)
      cells.push_back(CellText(element.value(column, json()), layout));
    table.AddRow(std::move(cells));
  }
  table.Write(out, layout, options.color);
}

// On a terminal, arrays of objects inside an object get their own table below
// the FIELD/VALUE rows; in a pipe they stay one row of compact JSON.
void RenderObject(const json& object, const RenderOptions& options, std::ostream& out) {
  const Layout layout = LayoutFor(options);
  Table fields({"FIELD", "VALUE"});
  std::vector<std::string> sections;
  for (const std::string& key : KeysIdFirst(object, options.id_field)) {
    const json& value = object[key];
    if (layout == Layout::kAligned && value.is_array() && !value.empty() &&
        IsListOfObjects(value)) {
      sections.push_back(key);
      continue;
    }
    fields.AddRow({key, CellText(value, layout)});
  }
  if (!fields.empty()) fields.Write(out, layout, options.color);
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

}  // namespace mart::cli
