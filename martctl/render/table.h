#pragma once
// A table of text cells written in one of two layouts: for a terminal,
// space-aligned columns (the header bold when color is on); for a pipe,
// tab-separated rows with no padding or color, so that `cut` and `awk` see
// one record per line. The header line is written when asked for.

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mart::cli {

enum class Layout { kAligned, kTabSeparated };

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}

  // Rows shorter than the header are padded with empty cells.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // `widths`, when given, are the aligned column widths to keep to at least;
  // they grow to fit these rows (so that pages of one list line up).
  void Write(std::ostream& out, Layout layout, bool color, bool header = true,
             std::vector<size_t>* widths = nullptr) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// The cell text of a JSON value: strings as they are, booleans true/false,
// numbers as JSON writes them, null "-" (aligned) or "" (tab-separated),
// arrays and objects as compact JSON. Control characters are escaped (\t, \n,
// \u001b…) so that a value can neither break a row nor drive the terminal.
std::string CellText(const nlohmann::json& value, Layout layout);

// "\x1b[1m" + text + "\x1b[0m" when `color`, else text.
std::string Bold(const std::string& text, bool color);

}  // namespace mart::cli
