#pragma once
// Writes a method's result on stdout in the form the user asked for
// (DESIGN.md §5):
//   -o json   the exact result, 2-space indented on a TTY, one line otherwise;
//   -q        ids only: `id_field` of the result, or of each array element;
//   table     objects as FIELD/VALUE rows, arrays of objects as one row per
//             element (columns from the spec, else the first element's scalar
//             keys), nested arrays of objects as their own table under a
//             heading; tab-separated when not on a TTY. A header line on a TTY
//             (upper case), in a pipe only with --headers (the field names).
//             Money fields (price, total_price, amount) show two decimals.
//             On a terminal with color, status and state values are coloured
//             (green done, yellow on the way, red ended badly); a list's
//             created_at is an AGE column.
// Every form ends with a newline; a null result prints nothing as a table.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "martctl/settings.h"

namespace mart::cli {

struct RenderOptions {
  OutputFormat format = OutputFormat::kTable;
  bool quiet = false;
  bool tty = false;     // stdout is a terminal
  bool color = false;   // only honored in aligned tables
  bool headers = false;  // a header line above list tables (aligned or tab-separated)
  // Unix seconds; when set, a list's created_at shows on a terminal as AGE
  // ("3m", "2h", "5d"). Pipes keep the timestamp.
  int64_t now = 0;
  std::string_view id_field = "id";
  std::vector<std::string_view> columns = {};
};

// An event of the log as a table row: seq, created_at, topic, and data as
// compact JSON (events read and events tail).
nlohmann::json EventRow(const nlohmann::json& event);
std::vector<std::string_view> EventColumns();

// The options every command shares: format, quiet, tty, color, headers, now.
RenderOptions BaseRenderOptions(const Settings& settings, const Io& io);

void Render(const nlohmann::json& value, const RenderOptions& options, std::ostream& out);

// Writes a list that arrives page by page (martctl LIST --all) as one list,
// holding one page at a time: one header, one JSON array, column widths
// carried from page to page. A single page prints exactly as Render would.
class ListWriter {
 public:
  // `hold_first` false: every page is written as it comes (a live tail),
  // even the first, which Render would otherwise have printed.
  ListWriter(RenderOptions options, std::ostream& out, bool hold_first = true)
      : options_(std::move(options)), out_(out), streaming_(!hold_first) {}
  // `rows` is a JSON array.
  void Page(nlohmann::json rows);
  // Ends the list (the closing bracket, "(none)" for no rows on a TTY).
  void Finish();

 private:
  void Stream(const nlohmann::json& rows);

  RenderOptions options_;
  std::ostream& out_;
  std::optional<nlohmann::json> first_;  // held until a second page comes
  bool streaming_ = false;
  size_t written_ = 0;
  std::vector<std::string> columns_;
  std::vector<size_t> widths_;
};

}  // namespace mart::cli
