#pragma once
// Inventory records, holds per reference, and the movement ledger. Stock
// changes are conditional updates that never take a column below zero.
// Callers run inside the store thread's transaction.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mart/domain/catalog.h"
#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

// The one rule for which holds belong to orders, used by the code that
// reserves and releases an order's stock, the refusal of manual holds under
// such references, product deletion and `admin check`: an order's hold has
// the reference kOrderHoldPrefix + its id, and a reference is an order's
// exactly when it starts with these bytes, case included. Every other
// reference, "Order:ERP-1234" or "ORDER:…" too, is a manual hold. (A
// case-insensitive rule would refuse or misjudge holds that operators have
// made under such names.) SQL takes the prefix as a bound parameter and
// compares with substr(), which is case-sensitive, unlike SQLite's LIKE.
inline constexpr std::string_view kOrderHoldPrefix = "order:";
inline bool IsOrderHoldReference(std::string_view reference) {
  return reference.substr(0, kOrderHoldPrefix.size()) == kOrderHoldPrefix;
}

// A low-stock item with its product's name.
struct LowStockRow {
  InventoryRecord record;
  std::string name;
};

// A change of the stock columns.
struct StockDelta {
  int64_t available = 0;
  int64_t reserved = 0;
  int64_t shipped = 0;
};

class InventoryStore {
 public:
  explicit InventoryStore(Database& db) : db_(db) {}

  Result<int64_t> Insert(const InventoryRecord& record);
  Result<InventoryRecord> Get(std::string_view product_id);
  // The records of these products that exist, in one statement, in no set order.
  Result<std::vector<InventoryRecord>> GetMany(const std::vector<std::string>& product_ids);
  // By product creation order (the record id); low_only: available <=
  // reorder_threshold; after_id: only records with a larger id.
  Result<std::vector<InventoryRecord>> List(bool low_only, int64_t limit, int64_t offset,
                                            std::optional<int64_t> after_id = std::nullopt);
  Result<std::vector<LowStockRow>> LowStock();

  // Adds the deltas when no column would go below zero and returns the
  // record as it is then (one statement); nullopt (and no change) when one
  // would go below zero.
  Result<std::optional<InventoryRecord>> ApplyDelta(std::string_view product_id,
                                                    const StockDelta& delta, int64_t now);
  // Adds the deltas without a condition or a result, for a caller that knows
  // the record as it is (on PostgreSQL written behind, not a round trip):
  // the table's CHECKs still refuse a column below zero, as an error.
  Status AddDelta(std::string_view product_id, const StockDelta& delta, int64_t now);
  Status SetAvailable(std::string_view product_id, int64_t available, int64_t now);
  Status SetThreshold(std::string_view product_id, int64_t threshold, int64_t now);
  Status SetAlerted(std::string_view product_id, bool alerted);

  Result<int64_t> Held(std::string_view product_id, std::string_view reference);
  // Sets the units held under a reference; 0 removes the hold.
  Status SetHeld(std::string_view product_id, std::string_view reference, int64_t quantity);

  // Every hold under a reference, by product id.
  Result<std::vector<std::pair<std::string, int64_t>>> HoldsFor(std::string_view reference);
  // Which of these references hold anything, in one statement.
  Result<std::vector<std::string>> Holding(const std::vector<std::string>& references);
  // New holds under one reference, one per product (distinct), in one statement.
  Status AddHolds(std::string_view reference,
                  const std::vector<std::pair<std::string, int64_t>>& holds);

  Status AppendMovement(const StockMovement& movement);
  // Ledger rows in one statement, in their order.
  Status AppendMovements(const std::vector<StockMovement>& movements);
  // Newest first; after_id: only movements with a smaller id.
  Result<std::vector<StockMovement>> History(std::string_view product_id, int64_t limit,
                                             int64_t offset,
                                             std::optional<int64_t> after_id = std::nullopt);

  // Ledger rows, AddHolds' holds and AddDelta's changes (added up per
  // product) left for the end of a worker's page (Store::DeferWrites);
  // every other method here, and ProductStore's reads of stock, write what
  // waits first.
  void DeferWrites();
  Status WriteDeferred();
  void StopDeferring();

 private:
  struct Hold {
    std::string product_id;
    std::string reference;
    int64_t quantity;
  };
  struct Delta {
    std::string product_id;
    StockDelta delta;
    int64_t now;
  };
  // Up to kMostRowsAtOnce ledger rows, holds, or products' changes in one statement.
  Status InsertMovements(const StockMovement* movements, size_t count);
  Status InsertHolds(const Hold* holds, size_t count);
  Status AddDeltas(const Delta* deltas, size_t count);

  Database& db_;
  DeferredRows<StockMovement> deferred_;
  DeferredRows<Hold> deferred_holds_;
  DeferredRows<Delta> deferred_deltas_;
  std::unordered_map<std::string, size_t> delta_of_;  // product -> its deferred_deltas_ row
};

}  // namespace mart::store
