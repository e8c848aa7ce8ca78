#pragma once
// Writes a method's result on stdout in the form the user asked for
// (DESIGN.md §5):
//   -o json   the exact result, 2-space indented on a TTY, one line otherwise;
//   -q        ids only: `id_field` of the result, or of each array element;
//   table     objects as FIELD/VALUE rows, arrays of objects as one row per
//             element (columns from the spec, else the first element's scalar
//             keys), nested arrays of objects as their own table under a
//             heading; tab-separated without header when not on a TTY.
// Every form ends with a newline; a null result prints nothing as a table.

#include <iosfwd>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "martctl/settings.h"

namespace mart::cli {

struct RenderOptions {
  OutputFormat format = OutputFormat::kTable;
  bool quiet = false;
  bool tty = false;    // stdout is a terminal
  bool color = false;  // only honored in aligned tables
  std::string_view id_field = "id";
  std::vector<std::string_view> columns = {};
};

void Render(const nlohmann::json& value, const RenderOptions& options, std::ostream& out);

}  // namespace mart::cli
