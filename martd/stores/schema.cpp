#include "stores/schema.h"

#include <string>

namespace mart::store {
namespace {

// Times are Unix microseconds (UTC); money, when it comes, integer cents.
// Ids users see are AUTOINCREMENT: a deleted row's id is never handed out
// again, so a script holding an old id cannot hit a newer object.
constexpr std::string_view kAccountsV1 = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT NOT NULL,
  email_norm    TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  first_name    TEXT NOT NULL,
  last_name     TEXT NOT NULL,
  phone         TEXT,
  role          TEXT NOT NULL CHECK (role IN ('user', 'admin')),
  is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX users_role ON users (role, is_active);

CREATE TABLE addresses (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  line1       TEXT NOT NULL,
  line2       TEXT,
  city        TEXT NOT NULL,
  state       TEXT,
  postal_code TEXT NOT NULL,
  country     TEXT NOT NULL,
  is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX addresses_user ON addresses (user_id);
CREATE UNIQUE INDEX addresses_one_default ON addresses (user_id) WHERE is_default = 1;

-- A session is one login: the family of refresh tokens rotated from it.
CREATE TABLE sessions (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at    INTEGER NOT NULL,
  revoked_at    INTEGER,
  revoke_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Only the token's random id is kept, never the token.
CREATE TABLE refresh_tokens (
  jti        TEXT PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
)sql";

constexpr std::string_view kPlatformV2 = R"sql(
-- Replies of mutating requests, so a retry with the same key replays them.
CREATE TABLE idempotency_keys (
  principal   TEXT NOT NULL,
  key         TEXT NOT NULL,
  method      TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  reply       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (principal, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- The event log (transactional outbox). seq is INTEGER PRIMARY KEY without
-- AUTOINCREMENT and rows are never deleted from the tail, so committed
-- sequence numbers are gap-free.
CREATE TABLE events (
  seq        INTEGER PRIMARY KEY,
  topic      TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
)sql";

constexpr std::string_view kCatalogV3 = R"sql(
CREATE TABLE products (
  id          TEXT PRIMARY KEY CHECK (length(id) = 24),
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  category    TEXT NOT NULL,
  price_cents INTEGER NOT NULL CHECK (price_cents > 0),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX products_created ON products (created_at, id);
CREATE INDEX products_category_price ON products (category, price_cents);
CREATE INDEX products_price ON products (price_cents);
CREATE INDEX products_name ON products (lower(name), id);

-- One row per product, created with it, deleted with it.
CREATE TABLE inventory (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id        TEXT NOT NULL UNIQUE REFERENCES products (id) ON DELETE CASCADE,
  available         INTEGER NOT NULL CHECK (available >= 0),
  reserved          INTEGER NOT NULL CHECK (reserved >= 0),
  reorder_threshold INTEGER NOT NULL CHECK (reorder_threshold >= 0),
  low_stock_alerted INTEGER NOT NULL DEFAULT 0 CHECK (low_stock_alerted IN (0, 1)),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);

-- Units held per product and reference (manual holds now, orders later).
CREATE TABLE inventory_holds (
  product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  reference  TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (product_id, reference)
) WITHOUT ROWID;

-- The append-only movement ledger.
CREATE TABLE inventory_movements (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id       TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  type             TEXT NOT NULL,
  delta            INTEGER NOT NULL,
  available_before INTEGER NOT NULL,
  available_after  INTEGER NOT NULL,
  reserved_before  INTEGER NOT NULL,
  reserved_after   INTEGER NOT NULL,
  reference        TEXT,
  reason           TEXT,
  actor            TEXT NOT NULL,
  created_at       INTEGER NOT NULL
);
CREATE INDEX inventory_movements_product ON inventory_movements (product_id, id);
)sql";

constexpr std::string_view kOrdersV4 = R"sql(
-- Units that left with shipped orders: available + reserved + shipped is
-- what the ledger's initial, set and adjust movements add up to.
ALTER TABLE inventory ADD COLUMN shipped INTEGER NOT NULL DEFAULT 0 CHECK (shipped >= 0);
-- An order's reservation is a hold under the reference 'order:<id>'.
CREATE INDEX inventory_holds_reference ON inventory_holds (reference);

-- Order lines keep the product id without a foreign key: a product may be
-- deleted once no open order needs it, and its orders stay readable.
CREATE TABLE orders (
  id               TEXT PRIMARY KEY CHECK (length(id) = 24),
  user_id          INTEGER NOT NULL REFERENCES users (id),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'paid', 'shipped',
                                                   'delivered', 'cancelled', 'refunded')),
  stock            TEXT NOT NULL CHECK (stock IN ('pending', 'reserved', 'failed', 'released',
                                                  'shipped')),
  reason           TEXT,
  total_cents      INTEGER NOT NULL CHECK (total_cents > 0),
  shipping_address TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX orders_user_created ON orders (user_id, created_at);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_status_created ON orders (status, created_at);

CREATE TABLE order_items (
  order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line        INTEGER NOT NULL,
  product_id  TEXT NOT NULL,
  name        TEXT NOT NULL,
  quantity    INTEGER NOT NULL CHECK (quantity > 0),
  price_cents INTEGER NOT NULL CHECK (price_cents > 0),
  PRIMARY KEY (order_id, line)
) WITHOUT ROWID;
CREATE INDEX order_items_product ON order_items (product_id);

-- Every status change, manual or automatic; the placement has no from_status.
CREATE TABLE order_history (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  actor       TEXT NOT NULL,
  reason      TEXT,
  at          INTEGER NOT NULL
);
CREATE INDEX order_history_order ON order_history (order_id, id);

-- One row per queue worker: its cursor in the event log and its counters.
-- Applying an event and moving the cursor commit together.
CREATE TABLE consumers (
  name       TEXT PRIMARY KEY,
  cursor     INTEGER NOT NULL DEFAULT 0 CHECK (cursor >= 0),
  paused     INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  processed  INTEGER NOT NULL DEFAULT 0,
  failed     INTEGER NOT NULL DEFAULT 0,
  dead       INTEGER NOT NULL DEFAULT 0,
  attempts   INTEGER NOT NULL DEFAULT 0,
  retry_at   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Events a worker gave up on after its retries, with the last error.
CREATE TABLE dead_letters (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  consumer   TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  attempts   INTEGER NOT NULL,
  error      TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX dead_letters_consumer ON dead_letters (consumer, id);
)sql";

// One row per attempt to pay an order. Only the card's last four digits are
// kept (never the number, expiry or CVC). The amount is the order's total.
constexpr std::string_view kPaymentsV5 = R"sql(
CREATE TABLE payments (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id     TEXT NOT NULL REFERENCES orders (id),
  user_id      INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
  method       TEXT NOT NULL CHECK (method IN ('card', 'cod')),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  reason       TEXT,
  card_last4   TEXT CHECK (card_last4 IS NULL OR length(card_last4) <= 4),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX payments_order ON payments (order_id, id);
CREATE INDEX payments_user ON payments (user_id, id);
)sql";

// Notifications made by the notifications worker from events, one per
// (event, recipient, type), and their mail delivery. status: 'pending' (to be
// mailed), 'sent', 'failed' (the last attempt failed; retried while
// next_attempt_at is set, given up when it is NULL), 'stored' (created while
// no SMTP server was configured: never mailed). A claimed row has its
// attempts counted and next_attempt_at moved to the end of the claim's lease.
constexpr std::string_view kNotificationsV6 = R"sql(
CREATE TABLE notifications (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type            TEXT NOT NULL CHECK (type IN ('welcome', 'order_placed', 'order_status',
                    'payment_succeeded', 'payment_failed', 'payment_pending', 'low_stock',
                    'reorder', 'dead_letter')),
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  event_seq       INTEGER NOT NULL,
  read_at         INTEGER,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'stored')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error      TEXT,
  sent_at         INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (event_seq, user_id, type)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_due ON notifications (next_attempt_at)
  WHERE next_attempt_at IS NOT NULL;
)sql";

// product.list's default order is newest first, often within a category and
// with a price range: walking these indexes in order stops after `limit`
// matches, where a price index collected every match in the range and sorted
// them (151 ms for a wide range over 100,000 products; docs/BENCHMARKS.md).
// The price is in both indexes so the range is checked without reading rows.
constexpr std::string_view kListIndexV7 = R"sql(
CREATE INDEX products_category_created ON products (category, created_at, id, price_cents);
DROP INDEX products_created;
CREATE INDEX products_created ON products (created_at, id, price_cents);
)sql";

// Refunds (DESIGN.md §4): a succeeded payment of an order that is cancelled
// or refunded gets one refund row, in the transaction that ended the order,
// and becomes `refunding`; the payments worker has the gateway give the money
// back and marks both done (`refunded`). UNIQUE (payment_id) is what makes a
// refund happen once whatever races to end the order. SQLite cannot widen a
// CHECK in place, so payments and notifications (the new type
// payment_refunded) are rebuilt with the same columns, rows, ids and
// AUTOINCREMENT high-water marks (an id is never handed out twice); nothing
// references either table yet.
constexpr std::string_view kRefundsV8 = R"sql(
CREATE TABLE payments_v8 (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id     TEXT NOT NULL REFERENCES orders (id),
  user_id      INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
  method       TEXT NOT NULL CHECK (method IN ('card', 'cod')),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunding',
                 'refunded')),
  reason       TEXT,
  card_last4   TEXT CHECK (card_last4 IS NULL OR length(card_last4) <= 4),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
INSERT INTO payments_v8 (id, order_id, user_id, amount_cents, method, status, reason, card_last4,
                         created_at, updated_at)
  SELECT id, order_id, user_id, amount_cents, method, status, reason, card_last4, created_at,
         updated_at FROM payments ORDER BY id;
DELETE FROM sqlite_sequence WHERE name = 'payments_v8';
INSERT INTO sqlite_sequence (name, seq) SELECT 'payments_v8', seq FROM sqlite_sequence
  WHERE name = 'payments';
DROP TABLE payments;
ALTER TABLE payments_v8 RENAME TO payments;
CREATE INDEX payments_order ON payments (order_id, id);
CREATE INDEX payments_user ON payments (user_id, id);

CREATE TABLE refunds (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  payment_id   INTEGER NOT NULL UNIQUE REFERENCES payments (id),
  order_id     TEXT NOT NULL REFERENCES orders (id),
  user_id      INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded')),
  reason       TEXT NOT NULL,
  actor        TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  refunded_at  INTEGER,
  CHECK ((status = 'succeeded') = (refunded_at IS NOT NULL))
);
CREATE INDEX refunds_order ON refunds (order_id, id);
CREATE INDEX refunds_pending ON refunds (status) WHERE status = 'pending';

CREATE TABLE notifications_v8 (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type            TEXT NOT NULL CHECK (type IN ('welcome', 'order_placed', 'order_status',
                    'payment_succeeded', 'payment_failed', 'payment_pending',
                    'payment_refunded', 'low_stock', 'reorder', 'dead_letter')),
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  event_seq       INTEGER NOT NULL,
  read_at         INTEGER,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'stored')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error      TEXT,
  sent_at         INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (event_seq, user_id, type)
);
INSERT INTO notifications_v8 (id, user_id, type, subject, body, event_seq, read_at, status,
                              attempts, next_attempt_at, last_error, sent_at, created_at,
                              updated_at)
  SELECT id, user_id, type, subject, body, event_seq, read_at, status, attempts,
         next_attempt_at, last_error, sent_at, created_at, updated_at
  FROM notifications ORDER BY id;
DELETE FROM sqlite_sequence WHERE name = 'notifications_v8';
INSERT INTO sqlite_sequence (name, seq) SELECT 'notifications_v8', seq FROM sqlite_sequence
  WHERE name = 'notifications';
DROP TABLE notifications;
ALTER TABLE notifications_v8 RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_due ON notifications (next_attempt_at)
  WHERE next_attempt_at IS NOT NULL;
)sql";

constexpr std::string_view kClusterV9 = R"sql(
-- What every martd on one database must agree on (the signing key's
-- fingerprint), by name.
CREATE TABLE cluster_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- The martd instances serving this database, each seen at its last heartbeat.
CREATE TABLE instances (
  id         TEXT PRIMARY KEY,
  host       TEXT NOT NULL,
  pid        INTEGER NOT NULL,
  endpoint   TEXT NOT NULL,
  version    TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  seen_at    INTEGER NOT NULL
) WITHOUT ROWID;

-- Login attempts every instance counts (services/login_limiter.h): failures
-- in the window, and the sources an account logged in from lately.
CREATE TABLE login_attempts (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  source  TEXT NOT NULL,
  kind    TEXT NOT NULL CHECK (kind IN ('failure', 'success')),
  at      INTEGER NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts (account, at);
CREATE INDEX login_attempts_at ON login_attempts (at);
)sql";

}  // namespace

const std::vector<Migration>& AllMigrations(Backend backend) {
  if (backend == Backend::kPostgres) return PostgresMigrations();
  static const std::vector<Migration> kMigrations = {
      {1, "accounts: users, addresses, sessions, refresh tokens", kAccountsV1},
      {2, "platform: idempotency keys, event log", kPlatformV2},
      {3, "catalog: products, inventory, holds, movement ledger", kCatalogV3},
      {4, "orders: orders, lines, history, shipped stock, queue consumers, dead letters",
       kOrdersV4},
      {5, "payments", kPaymentsV5},
      {6, "notifications: notifications and their mail delivery", kNotificationsV6},
      {7, "catalog: indexes for the newest products, by category and price", kListIndexV7},
      {8, "payments: refunds; payments refunding and refunded; payment_refunded notifications",
       kRefundsV8},
      {9, "cluster: shared settings, instances, login attempts", kClusterV9},
  };
  return kMigrations;
}

int LatestSchemaVersion() { return AllMigrations().back().version; }


namespace {

Status CheckNotNewer(int current) {
  if (current <= LatestSchemaVersion()) return Status::Ok();
  return FailedPrecondition("database schema version " + std::to_string(current) +
                            " is newer than this martd (" +
                            std::to_string(LatestSchemaVersion()) + "); upgrade martd");
}

}  // namespace

Status Migrate(Database& db) {
  MART_ASSIGN_OR_RETURN(int current, db.SchemaVersion());
  MART_RETURN_IF_ERROR(CheckNotNewer(current));
  for (const Migration& migration : AllMigrations(db.backend())) {
    if (migration.version <= current) continue;
    Transaction transaction(db);
    MART_RETURN_IF_ERROR(transaction.status());
    MART_RETURN_IF_ERROR(db.LockForMigration());
    // Another martd may have migrated while this one waited for the lock.
    MART_ASSIGN_OR_RETURN(current, db.SchemaVersion());
    MART_RETURN_IF_ERROR(CheckNotNewer(current));
    if (migration.version <= current) continue;
    MART_RETURN_IF_ERROR(db.Execute(migration.sql));
    MART_RETURN_IF_ERROR(db.SetSchemaVersion(migration.version));
    MART_RETURN_IF_ERROR(transaction.Commit());
  }
  return Status::Ok();
}

}  // namespace mart::store
