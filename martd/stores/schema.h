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

// The migrations of a backend: the same versions and descriptions on both,
// each in its backend's dialect (PostgreSQL's: postgres_schema.cpp).
const std::vector<Migration>& AllMigrations(Backend backend = Backend::kSqlite);
const std::vector<Migration>& PostgresMigrations();
int LatestSchemaVersion();

// Applies every missing migration, each in its own transaction that first
// takes the migration lock and reads the version again, so two martd starting
// on one database migrate it once. A database newer than this build is
// refused (FAILED_PRECONDITION).
Status Migrate(Database& db);

}  // namespace mart::store
