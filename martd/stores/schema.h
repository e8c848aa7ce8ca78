#pragma once
// The schema, as an ordered list of migrations: migration N takes a database
// from user_version N-1 to N. A migration is never edited once released; a
// change is a new step. Each domain owns its tables.

#include <string_view>
#include <vector>

#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

const std::vector<Migration>& AllMigrations();
int LatestSchemaVersion();

// Applies every missing migration, each in its own transaction. A database
// newer than this build is refused (FAILED_PRECONDITION).
Status Migrate(Database& db);

}  // namespace mart::store
