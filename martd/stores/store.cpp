#include "stores/store.h"

#include "stores/schema.h"

namespace mart::store {

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, OpenMode mode) {
  MART_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path, mode));
  if (mode != OpenMode::kReadOnly) {
    MART_RETURN_IF_ERROR(QuickCheck(*db));
    MART_RETURN_IF_ERROR(Migrate(*db));
  }
  return std::unique_ptr<Store>(new Store(std::move(db)));
}

}  // namespace mart::store
