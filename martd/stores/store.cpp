#include "stores/store.h"

#include <set>

#include "stores/schema.h"

namespace mart::store {
namespace {

// Each value once, in the order first seen.
template <class Value>
std::vector<Value> Distinct(const std::vector<Value>& values) {
  std::vector<Value> distinct;
  std::set<Value> seen;
  for (const Value& value : values) {
    if (seen.insert(value).second) distinct.push_back(value);
  }
  return distinct;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, OpenMode mode) {
  MART_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path, mode));
  // quick_check reads the whole file (3 s for 1.8 GB with a warm page
  // cache, 18 s cold), so martd runs it beside the serving daemon
  // (Daemon::StartIntegrityCheck), not here.
  if (mode != OpenMode::kReadOnly) MART_RETURN_IF_ERROR(Migrate(*db));
  return std::unique_ptr<Store>(new Store(std::move(db)));
}

Status Store::ReadAhead(const BatchReads& reads) {
  ForgetReadAhead();
  db_->ForgetOnWrite(&kSessionTables, [this] { sessions_.ForgetReadAhead(); });
  db_->ForgetOnWrite(&kKeyTables, [this] { idempotency_.ForgetReadAhead(); });
  db_->ForgetOnWrite(&kPriceTables, [this] { products_.ForgetReadAhead(); });
  db_->ForgetOnWrite(&kAddressTables, [this] { users_.ForgetReadAhead(); });
  Status read = sessions_.ReadAhead(Distinct(reads.sessions));
  if (read.ok()) read = idempotency_.ReadAhead(Distinct(reads.keys));
  if (read.ok()) read = products_.ReadAheadPrices(Distinct(reads.products));
  if (read.ok()) read = users_.ReadAheadDefaultAddresses(Distinct(reads.default_addresses));
  if (!read.ok()) ForgetReadAhead();
  return read;
}

}  // namespace mart::store
