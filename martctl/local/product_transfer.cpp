#include "martctl/local/product_transfer.h"

#include <sodium.h>

#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "mart/text.h"
#include "martctl/local/credentials.h"
#include "martctl/local/product_file.h"
#include "martctl/local/session.h"
#include "martctl/remote_command.h"
#include "martctl/render/render.h"

namespace mart::cli {
namespace {

using nlohmann::json;

Result<std::string> ReadInput(const std::string& path, Io& io) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(io.in), {});
  return ReadTextFile(path);
}

// The first 16 bytes of SHA-256 of the file, as hex: the import's identity.
std::string ContentKey(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), 16));
}

void Progress(Io& io, size_t done, size_t total) {
  if (!io.stderr_tty || total == 0) return;
  io.err << "\rimporting: " << done << "/" << total << " (" << done * 100 / total << "%)"
         << (done == total ? "\n" : "") << std::flush;
}

int ReportBadRows(Io& io, const ParsedProducts& parsed, bool fatal) {
  size_t shown = 0;
  for (const auto& [line, message] : parsed.errors) {
    if (++shown > 20) break;
    io.err << "martctl: line " << line << ": " << message << "\n";
  }
  if (parsed.errors.size() > 20) io.err << "martctl: … and " << parsed.errors.size() - 20 << " more\n";
  if (!fatal) return 0;
  return Fail(io, InvalidArgument(std::to_string(parsed.errors.size()) + " of " +
                                  std::to_string(parsed.total) +
                                  " rows are invalid; nothing was imported "
                                  "(--continue-on-error imports the others)"));
}

// The rows from `start` that fit one request: at most kImportBatchRows, and
// well under the daemon's message limit however long the descriptions are.
size_t BatchEnd(const ParsedProducts& parsed, size_t start) {
  size_t bytes = 0;
  size_t end = start;
  while (end < parsed.rows.size() && end - start < kImportBatchRows) {
    bytes += parsed.rows[end].dump().size() + 1;
    if (bytes > kImportBatchBytes && end > start) break;
    ++end;
  }
  return end;
}

Result<size_t> SendBatches(const ParsedProducts& parsed, bool keep_going, const std::string& key,
                           Session& session, Io& io) {
  const CommandSpec& spec = *FindCommand("product.import");
  size_t created = 0;
  size_t number = 0;
  for (size_t start = 0, end = 0; start < parsed.rows.size(); start = end, ++number) {
    end = BatchEnd(parsed, start);
    json batch = json::array();
    for (size_t i = start; i < end; ++i) batch.push_back(parsed.rows[i]);
    json params = {{"products", std::move(batch)}};
    if (keep_going) params["continue_on_error"] = true;
    auto reply = session.Call(spec, params, key + "-" + std::to_string(number));
    if (!reply.ok() && start == 0) return reply.status();
    if (!reply.ok()) {
      return Status(reply.status().code(),
                    "imported " + std::to_string(created) + " of " +
                        std::to_string(parsed.rows.size()) + " rows, then: " +
                        reply.status().message() +
                        " (run the same import again to resume; stored batches are not repeated)");
    }
    created += reply->value("created", size_t{0});
    for (const json& failure : reply->value("failed", json::array())) {
      io.err << "martctl: valid row " << start + failure.value("index", size_t{0}) + 1
             << " refused by martd: " << failure.value("error", std::string()) << "\n";
    }
    Progress(io, end, parsed.rows.size());
  }
  return created;
}

}  // namespace

std::vector<CommandEntry> ProductTransferCommands() {
  const CommandSpec* import = FindCommand("product.import");
  return {
      {.group = "product",
       .verb = "import",
       .summary = import->summary,
       .example = "martctl product import products.csv --continue-on-error",
       .args = {{.name = "file", .help = "CSV with a header row, or JSON lines (.jsonl); - for stdin",
                 .required = true, .positional = true, .max_length = 4096},
                {.name = "format", .type = ArgType::kEnum, .help = "csv or jsonl (default: by extension)",
                 .choices = {"csv", "jsonl"}},
                {.name = "continue_on_error", .type = ArgType::kBool,
                 .help = "import the valid rows and report the bad ones"}},
       .spec = import,
       .run = RunProductImport},
      {.group = "product",
       .verb = "export",
       .summary = "write every product as CSV (default) or JSON lines, oldest first",
       .example = "martctl product export --format jsonl > products.jsonl",
       .args = {{.name = "format", .type = ArgType::kEnum, .help = "csv (default) or jsonl",
                 .choices = {"csv", "jsonl"}},
                {.name = "category", .help = "only this category", .max_length = 100}},
       .spec = FindCommand("product.list"),
       .run = RunProductExport},
  };
}

int RunProductImport(const Invocation& invocation, const Settings& settings, Io& io) {
  const std::string path = invocation.params.value("file", "");
  std::string format_name = invocation.params.value("format", "");
  FileFormat format = format_name.empty() ? FormatForPath(path)
                      : format_name == "jsonl" ? FileFormat::kJsonLines : FileFormat::kCsv;
  const bool keep_going = invocation.params.value("continue_on_error", false);
  Result<std::string> text = ReadInput(path, io);
  if (!text.ok()) return Fail(io, text.status());
  Result<ParsedProducts> parsed = ParseProductFile(*text, format);
  if (!parsed.ok()) return Fail(io, InvalidArgument(path + ": " + parsed.status().message()));
  if (!parsed->errors.empty() && !keep_going) return ReportBadRows(io, *parsed, true);
  ReportBadRows(io, *parsed, false);
  const CommandSpec& spec = *FindCommand("product.import");
  Session session(settings, Connect(io, ClientOptionsFor(settings, spec)), io.clock);
  // The options are part of the key: the same file with other options is another import.
  Result<size_t> created = SendBatches(*parsed, keep_going,
                                       ContentKey(*text + (keep_going ? "\n+keep" : "")), session, io);
  if (!created.ok()) return Fail(io, created.status());
  // Skipped: bad rows found here plus rows the daemon refused.
  const size_t skipped = parsed->total - std::min(parsed->total, *created);
  json summary = {{"file", path}, {"rows", parsed->total}, {"created", *created},
                  {"skipped", skipped}};
  io.err << "imported " << *created << " products from " << path;
  if (skipped > 0) io.err << " (" << skipped << " bad rows skipped)";
  io.err << "\n";
  Render(summary, RenderOptionsFor(spec, settings, io), io.out);
  return 0;
}

int RunProductExport(const Invocation& invocation, const Settings& settings, Io& io) {
  const CommandSpec& list = *FindCommand("product.list");
  FileFormat format =
      invocation.params.value("format", "csv") == "jsonl" ? FileFormat::kJsonLines : FileFormat::kCsv;
  Session session(settings, Connect(io, ClientOptionsFor(settings, list)), io.clock);
  json params = {{"sort", "created"}, {"desc", false}, {"limit", 1000}};
  if (invocation.params.contains("category")) params["category"] = invocation.params["category"];
  // Keyset paging: each page continues after the last row of the one before
  // (the reply's `next`), so the cost per page stays flat however large the catalog.
  for (bool first = true;; first = false) {
    auto page = session.Call(list, params);
    if (!page.ok()) return Fail(io, page.status());
    io.out << WriteProductFile(*page, format, first);
    if (session.next().empty()) break;
    params["cursor"] = session.next();
  }
  io.out.flush();
  return 0;
}

}  // namespace mart::cli
