// Fuzz target: ParseProductFile, the reader of `martctl product import`
// files, on the same bytes as CSV and as JSON lines.
// Properties: it never throws or crashes; a file-level refusal is
// INVALID_ARGUMENT; every data row is either a row or an error; every row it
// keeps has an id, empty or a valid product id, apart from its params, which
// pass product.create's own param checks (a row martd would refuse
// would fail its whole batch after earlier batches committed); a CSV record
// never reads past the text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "mart/commands/spec.h"
#include "mart/text.h"
#include "martctl/local/product_file.h"

namespace {

void Parse(std::string_view text, mart::cli::FileFormat format) {
  auto parsed = mart::cli::ParseProductFile(text, format);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == mart::Code::kInvalidArgument,
               "a refused file is INVALID_ARGUMENT: " + parsed.status().ToString());
    return;
  }
  FUZZ_CHECK(parsed->rows.size() + parsed->errors.size() == parsed->total,
             "every data row is a row or an error");
  FUZZ_CHECK(parsed->ids.size() == parsed->rows.size(), "every kept row has its id or \"\"");
  for (const auto& id : parsed->ids) {
    FUZZ_CHECK(id.empty() || mart::IsObjectId(id), "a kept id is 24 lower-case hex: " + id);
  }
  static const mart::CommandSpec& create = *mart::FindCommand("product.create");
  for (const auto& row : parsed->rows) {
    mart::Status valid = mart::ValidateParams(create, row);
    FUZZ_CHECK(valid.ok(), "a kept row is valid product.create params: " + valid.ToString());
  }
}

void Records(std::string_view text) {
  size_t pos = 0;
  std::vector<std::string> fields;
  std::string error;
  while (mart::cli::NextCsvRecord(text, &pos, &fields, &error)) {
    FUZZ_CHECK(pos <= text.size(), "a record ends inside the text");
    FUZZ_CHECK(!fields.empty(), "a record has at least one field");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Parse(text, mart::cli::FileFormat::kCsv);
  Parse(text, mart::cli::FileFormat::kJsonLines);
  Records(text);
  return 0;
}
