#include "martctl/local/product_transfer.h"

#include <sodium.h>

#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "mart/text.h"
#include "martctl/local/credentials.h"
#include "martctl/local/import_tally.h"
#include "martctl/local/product_file.h"
#include "martctl/local/session.h"
#include "martctl/remote_command.h"
#include "martctl/render/render.h"

namespace mart::cli {
namespace {

using nlohmann::json;

struct ImportOptions {
  bool keep_going = false;       // --continue-on-error
  bool update_existing = false;  // --update-existing
  bool dry_run = false;          // --dry-run
};

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

void ReportBadRows(Io& io, const ParsedProducts& parsed) {
  size_t shown = 0;
  for (const auto& [line, message] : parsed.errors) {
    if (++shown > 20) break;
    io.err << "martctl: line " << line << ": " << message << "\n";
  }
  if (parsed.errors.size() > 20) io.err << "martctl: … and " << parsed.errors.size() - 20 << " more\n";
}

// Before anything is sent: a bad row stops the file unless --continue-on-error,
// and rows with a product id (a file from 'product export') would be copies
// unless --update-existing says what to do with them.
Status CheckFile(const ParsedProducts& parsed, const ImportOptions& options,
                 const std::string& path) {
  if (!parsed.errors.empty() && !options.keep_going) {
    return InvalidArgument(std::to_string(parsed.errors.size()) + " of " +
                           std::to_string(parsed.total) +
                           " rows are invalid; nothing was imported "
                           "(--continue-on-error imports the others)");
  }
  const size_t with_id = parsed.RowsWithId();
  if (with_id > 0 && !options.update_existing) {
    return InvalidArgument(
        path + ": " + std::to_string(with_id) + " of " + std::to_string(parsed.total) +
            " rows carry a product id (id as 'product export' writes, or _id) and would become "
            "copies of those products, so nothing was imported; use --update-existing to update "
            "the products with those ids (and create those not found, under their id), or remove "
            "the id column to add them as new products",
        {{"field", "update_existing"}});
  }
  return Status::Ok();
}

// Row i as product.import takes it: with its id under --update-existing.
json WireRow(const ParsedProducts& parsed, size_t i, const ImportOptions& options) {
  json row = parsed.rows[i];
  if (options.update_existing && !parsed.ids[i].empty()) row["id"] = parsed.ids[i];
  return row;
}

// The rows from `start` that fit one request: at most kImportBatchRows, and
// well under the daemon's message limit however long the descriptions are.
size_t BatchEnd(const ParsedProducts& parsed, size_t start, const ImportOptions& options) {
  size_t bytes = 0;
  size_t end = start;
  while (end < parsed.rows.size() && end - start < kImportBatchRows) {
    bytes += WireRow(parsed, end, options).dump().size() + 1;
    if (bytes > kImportBatchBytes && end > start) break;
    ++end;
  }
  return end;
}

void ReportRefusedRows(Io& io, const json& reply, size_t start) {
  const char* when = reply.value("replayed", false) ? " (in an earlier run of this file)" : "";
  for (const json& failure : reply.value("failed", json::array())) {
    io.err << "martctl: valid row " << start + failure.value("index", size_t{0}) + 1
           << " refused by martd" << when << ": " << failure.value("error", std::string()) << "\n";
  }
}

Status SendBatches(const ParsedProducts& parsed, const ImportOptions& options,
                   const std::string& key, Session& session, Io& io, ImportTally* tally) {
  const CommandSpec& spec = *FindCommand("product.import");
  size_t number = 0;
  for (size_t start = 0, end = 0; start < parsed.rows.size(); start = end, ++number) {
    end = BatchEnd(parsed, start, options);
    json batch = json::array();
    for (size_t i = start; i < end; ++i) batch.push_back(WireRow(parsed, i, options));
    json params = {{"products", std::move(batch)}};
    if (options.keep_going) params["continue_on_error"] = true;
    if (options.update_existing) params["update_existing"] = true;
    auto reply = session.Call(spec, params, key + "-" + std::to_string(number));
    if (!reply.ok() && start == 0) return reply.status();
    if (!reply.ok()) {
      return Status(reply.status().code(),
                    "import stopped after " + std::to_string(start) + " of " +
                        std::to_string(parsed.rows.size()) + " valid rows (" + tally->Counts() +
                        "), then: " + reply.status().message() +
                        " (run the same import again to resume; stored batches are not repeated)");
    }
    tally->AddReply(*reply);
    ReportRefusedRows(io, *reply, start);
    Progress(io, end, parsed.rows.size());
  }
  return Status::Ok();
}

// --dry-run: what the rows would do, with read-only calls at most (whether
// an id exists, under --update-existing); no connection when there are none.
Status CountDryRun(const ParsedProducts& parsed, const ImportOptions& options,
                   const Settings& settings, Io& io, ImportTally* tally) {
  tally->created = parsed.rows.size();
  if (!options.update_existing || parsed.RowsWithId() == 0) return Status::Ok();
  const CommandSpec& get = *FindCommand("product.get");
  Session session(settings, Connect(io, ClientOptionsFor(settings, get)), io.clock);
  for (const std::string& id : parsed.ids) {
    if (id.empty()) continue;
    auto product = session.Call(get, {{"id", id}});
    if (!product.ok() && product.status().code() != Code::kNotFound) return product.status();
    if (product.ok()) {
      --tally->created;
      ++tally->updated;
    }
  }
  return Status::Ok();
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
                 .help = "import the valid rows and report the bad ones"},
                {.name = "update_existing", .type = ArgType::kBool,
                 .help = "rows with an id (id as export writes, or _id): update that product, "
                         "or create it under that id when none has it"},
                {.name = "dry_run", .type = ArgType::kBool,
                 .help = "check the file and count what would be done; change nothing"}},
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
  const ImportOptions options{
      .keep_going = invocation.params.value("continue_on_error", false),
      .update_existing = invocation.params.value("update_existing", false),
      .dry_run = invocation.params.value("dry_run", false)};
  Result<std::string> text = ReadInput(path, io);
  if (!text.ok()) return Fail(io, text.status());
  Result<ParsedProducts> parsed = ParseProductFile(*text, format);
  if (!parsed.ok()) return Fail(io, InvalidArgument(path + ": " + parsed.status().message()));
  ReportBadRows(io, *parsed);
  if (Status checked = CheckFile(*parsed, options, path); !checked.ok()) return Fail(io, checked);
  ImportTally tally{.rows = parsed->total, .skipped = parsed->errors.size(),
                    .dry_run = options.dry_run};
  const CommandSpec& spec = *FindCommand("product.import");
  if (options.dry_run) {
    if (Status counted = CountDryRun(*parsed, options, settings, io, &tally); !counted.ok()) {
      return Fail(io, counted);
    }
  } else {
    Session session(settings, Connect(io, ClientOptionsFor(settings, spec)), io.clock);
    // The options are part of the key: the same file with other options is another import.
    const std::string key = ContentKey(*text + (options.keep_going ? "\n+keep" : "") +
                                       (options.update_existing ? "\n+update" : ""));
    if (Status sent = SendBatches(*parsed, options, key, session, io, &tally); !sent.ok()) {
      return Fail(io, sent);
    }
  }
  io.err << tally.Summary(path);
  Render(tally.ToJson(path), RenderOptionsFor(spec, settings, io), io.out);
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
