#pragma once
// What `martctl product import` did to the rows of a file, counted by class
// from martd's product.import replies, and the summary it prints. A batch
// whose reply martd replayed (`"replayed": true`: an earlier run with the
// same idempotency key stored it) counts as already imported: this run did
// nothing to those rows, and products deleted since are not there. Pure.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mart::cli {

struct ImportTally {
  size_t rows = 0;              // data rows in the file
  size_t created = 0;           // created by this run
  size_t updated = 0;           // --update-existing: changed by this run
  size_t unchanged = 0;         // --update-existing: already equal to their row
  size_t already_imported = 0;  // stored by an earlier run, replayed: nothing done now
  size_t skipped = 0;           // bad rows left out by martctl (--continue-on-error)
  size_t failed = 0;            // valid rows martd refused (now, or in the replayed run)
  bool dry_run = false;         // counts of what would happen; nothing was sent

  // Adds one product.import result.
  void AddReply(const nlohmann::json& reply);
  // The classes with a count, e.g. "created 3, already imported 2"; "nothing" when none.
  std::string Counts() const;
  // The summary for stderr, one or two lines, each ending in "\n".
  std::string Summary(std::string_view path) const;
  // The summary for stdout (-o json): every count as a field.
  nlohmann::json ToJson(std::string_view path) const;
};

}  // namespace mart::cli
