#include "martctl/render/table.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace mart::cli {
namespace {

// Display width approximated as the number of UTF-8 code points, colour
// codes (ESC [ … m, only ever added by the renderer: values have their
// control characters escaped) not counted.
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b') {
      const size_t end = text.find('m', i);
      if (end != std::string::npos) {
        i = end;
        continue;
      }
    }
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string EscapeControls(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\t') {
      escaped += "\\t";
    } else if (c == '\n') {
      escaped += "\\n";
    } else if (c == '\r') {
      escaped += "\\r";
    } else if (byte < 0x20 || byte == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "\\u%04x", byte);
      escaped += code;
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void WriteAligned(std::ostream& out, const std::vector<std::string>& cells,
                  const std::vector<size_t>& widths, bool bold) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    line += cells[i];
    if (i + 1 < cells.size()) line.append(widths[i] - DisplayWidth(cells[i]) + 2, ' ');
  }
  out << Bold(line, bold) << "\n";
}

}  // namespace

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(std::max(cells.size(), header_.size()));
  rows_.push_back(std::move(cells));
}

void Table::Write(std::ostream& out, Layout layout, bool color, bool header,
                  std::vector<size_t>* kept) const {
  if (layout == Layout::kTabSeparated) {
    auto write = [&](const std::vector<std::string>& row) {
      for (size_t i = 0; i < row.size(); ++i) out << (i ? "\t" : "") << row[i];
      out << "\n";
    };
    if (header) write(header_);
    for (const auto& row : rows_) write(row);
    return;
  }
  std::vector<size_t> own;
  std::vector<size_t>& widths = kept != nullptr ? *kept : own;
  if (widths.size() < header_.size()) widths.resize(header_.size(), 0);
  for (size_t i = 0; i < header_.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(header_[i]));
  for (const auto& row : rows_) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  if (header) WriteAligned(out, header_, widths, color);
  for (const auto& row : rows_) WriteAligned(out, row, widths, false);
}

std::string CellText(const nlohmann::json& value, Layout layout) {
  if (value.is_null()) return layout == Layout::kAligned ? "-" : "";
  if (value.is_string()) return EscapeControls(value.get<std::string>());
  return EscapeControls(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string Bold(const std::string& text, bool color) {
  if (!color) return text;
  return "\x1b[1m" + text + "\x1b[0m";
}

}  // namespace mart::cli
