#pragma once
// `martctl product import FILE` and `martctl product export`: bulk transfer of
// products for operators. Import checks every row first and sends nothing when
// any is bad (unless --continue-on-error) or when rows carry a product id
// (unless --update-existing, which updates those products by id); then it
// sends the rows in batches (product.import), each batch one transaction.
// Every batch carries an idempotency key made from the file's content, the
// options and the batch number, so running the same import again after a
// failure resumes where it stopped: batches already stored are replayed, not
// created twice, and the summary counts them as already imported, apart from
// what this run did (import_tally.h). --dry-run sends no mutating call.
// Export pages through product.list, oldest first.

#include <vector>

#include "martctl/command.h"

namespace mart::cli {

inline constexpr size_t kImportBatchRows = 1000;
inline constexpr size_t kImportBatchBytes = 512 * 1024;  // half the daemon's message limit

std::vector<CommandEntry> ProductTransferCommands();
int RunProductImport(const Invocation& invocation, const Settings& settings, Io& io);
int RunProductExport(const Invocation& invocation, const Settings& settings, Io& io);

}  // namespace mart::cli
