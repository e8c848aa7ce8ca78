#pragma once
// Stock: every change goes through one path (Apply) that makes a conditional
// update, appends a ledger row and a `stock.updated` event (not for an
// order's hold: its inventory.* event carries the stock after), and fires
// `inventory.low_stock` when the item crosses into low stock (available <=
// threshold), re-arming once it rises above. Nothing goes below zero:
// FAILED_PRECONDITION names the current value and the requested change.
// Runs on the store thread inside the request's transaction.

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/catalog.h"
#include "mart/domain/catalog.h"
#include "mart/status.h"
#include "services/context.h"

namespace mart {

// A line of an order, as the inventory worker reserves it and the
// inventory.* events of orders list it.
using StockLine = events::StockLine;

// Orders hold their stock under this reference; manual holds may not use it.
std::string OrderHoldReference(std::string_view order_id);

// What the inventory worker read at the start of a page of events, in one
// statement each instead of one per order and line (queue/consumer.h,
// BeginPage), and kept true by the page's own changes: a record here is the
// record in the store. A product or reference that is not here is read.
struct PageStock {
  std::unordered_map<std::string, InventoryRecord> records;  // by product id
  std::unordered_set<std::string> references;  // those whose holding is known
  std::unordered_set<std::string> holding;     // of those, the ones holding stock
};

class InventoryService {
 public:
  // The record of a new product: available = quantity, reserved 0, the
  // threshold given or DefaultReorderThreshold(quantity).
  Result<InventoryRecord> CreateFor(Tx& tx, const std::string& product_id, int64_t quantity,
                                    std::optional<int64_t> threshold,
                                    const Principal& actor) const;
  Result<InventoryRecord> Get(Tx& tx, std::string_view product_id) const;
  Result<std::vector<InventoryRecord>> List(Tx& tx, bool low_only, int64_t limit,
                                            int64_t offset,
                                            std::optional<int64_t> after_id = std::nullopt) const;
  Result<InventoryRecord> Set(Tx& tx, std::string_view product_id, std::optional<int64_t> available,
                              std::optional<int64_t> threshold, std::optional<std::string> reason,
                              const Principal& actor) const;
  // reason: 3 to 200 characters.
  Result<InventoryRecord> Adjust(Tx& tx, std::string_view product_id, int64_t delta,
                                 const std::string& reason, const Principal& actor) const;
  Result<InventoryRecord> Reserve(Tx& tx, std::string_view product_id, int64_t quantity,
                                  const std::string& reference, const Principal& actor) const;
  // Only what is held under that reference can be released.
  Result<InventoryRecord> Release(Tx& tx, std::string_view product_id, int64_t quantity,
                                  const std::string& reference, const Principal& actor) const;
  // For the inventory worker. Reserves every line under the order's hold, or
  // none when any is short or gone; emits `inventory.reserved` {order_id,
  // items: [{product_id, quantity, available, reserved}]} or
  // `inventory.reservation_failed` {order_id, short: [{product_id,
  // requested, available}], reason}. Returns whether it reserved.
  // FAILED_PRECONDITION when the order already holds stock (never twice).
  // With `page`, what it knows is not read again, and it is kept up to date.
  Result<bool> ReserveOrder(Tx& tx, const std::string& order_id,
                            const std::vector<StockLine>& lines, const Principal& actor,
                            PageStock* page = nullptr) const;
  // Reads the records of `product_ids` and whether each of `order_ids` holds
  // stock into `page`, one statement each.
  Status ReadPage(Tx& tx, const std::vector<std::string>& product_ids,
                  const std::vector<std::string>& order_ids, PageStock* page) const;
  // Gives back what the order still holds (reserved -> available) and emits
  // `inventory.released`; nothing when it holds nothing. Returns units released.
  Result<int64_t> ReleaseOrder(Tx& tx, const std::string& order_id, const Principal& actor) const;
  // Moves what the order holds from reserved to shipped and emits
  // `inventory.shipped`. Returns units shipped.
  Result<int64_t> ShipOrder(Tx& tx, const std::string& order_id, const Principal& actor) const;

  Result<std::vector<StockMovement>> History(Tx& tx, std::string_view product_id, int64_t limit,
                                             int64_t offset,
                                             std::optional<int64_t> after_id = std::nullopt) const;
  // Low items with a suggested quantity; with notify, an
  // `inventory.reorder_requested` event that the notifications consumer turns
  // into alerts for admins.
  Result<nlohmann::json> ReorderCheck(Tx& tx, bool notify, const Principal& actor) const;

 private:
  struct Change {
    std::string type;
    int64_t available_delta = 0;
    int64_t reserved_delta = 0;
    int64_t shipped_delta = 0;
    std::optional<std::string> reference = {};
    std::optional<std::string> reason = {};
  };
  // Reserve (delta > 0) or release (delta < 0) under a reference.
  Result<InventoryRecord> MoveHeld(Tx& tx, std::string_view product_id, int64_t delta,
                                   const std::string& reference, const Principal& actor) const;
  // With `ledger`, the change's ledger row is added to it for the caller to
  // write, instead of written at once. `current`: `before` is the stored
  // record as it is now (read in this transaction, unchanged since) and the
  // caller checked the change against it, so the update needs no condition
  // and no result (InventoryStore::AddDelta).
  Result<InventoryRecord> Apply(Tx& tx, const InventoryRecord& before, const Change& change,
                                const Principal& actor,
                                std::vector<StockMovement>* ledger = nullptr,
                                bool current = false) const;
  // Ledger row, stock.updated (unless under an order's hold), and the
  // low-stock crossing for a change made.
  Status Record(Tx& tx, const InventoryRecord& before, const InventoryRecord& after,
                const Change& change, const Principal& actor,
                std::vector<StockMovement>* ledger = nullptr) const;
};

// Suggested reorder quantity: enough to reach twice the threshold (at least
// the threshold, at least 1).
int64_t SuggestedReorder(const InventoryRecord& record);

}  // namespace mart
