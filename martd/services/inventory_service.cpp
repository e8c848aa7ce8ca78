#include "services/inventory_service.h"

#include <algorithm>

#include "mart/text.h"
#include "services/catalog_service.h"

namespace mart {
namespace {

Status ShortOf(const InventoryRecord& r, std::string_view what, int64_t change) {
  return FailedPrecondition(
      "insufficient stock for product " + r.product_id + ": " + std::string(what) + " is " +
          std::to_string(what == "reserved" ? r.reserved : r.available) + ", requested change " +
          std::to_string(change),
      {{"product_id", r.product_id}, {"available", r.available}, {"reserved", r.reserved},
       {"requested", change}});
}

Status RefuseOrderReference(std::string_view reference) {
  if (!store::IsOrderHoldReference(Trim(reference))) return Status::Ok();
  return InvalidArgument("references starting with 'order:' belong to orders; "
                         "cancel or ship the order instead",
                         {{"field", "reference"}});
}

// A line of inventory.reserved, .released or .shipped: the units and where
// the product's stock stands after them.
events::HeldLine Held(const InventoryRecord& after, int64_t quantity) {
  return {.product_id = after.product_id, .quantity = quantity, .available = after.available,
          .reserved = after.reserved};
}

}  // namespace

std::string OrderHoldReference(std::string_view order_id) {
  return std::string(store::kOrderHoldPrefix) + std::string(order_id);
}

int64_t SuggestedReorder(const InventoryRecord& r) {
  int64_t target = std::max<int64_t>(2 * r.reorder_threshold, r.reorder_threshold + 1);
  return std::max<int64_t>(1, target - r.available);
}

Result<InventoryRecord> InventoryService::CreateFor(Tx& tx, const std::string& product_id,
                                                    int64_t quantity,
                                                    std::optional<int64_t> threshold,
                                                    const Principal& actor) const {
  InventoryRecord record;
  record.product_id = product_id;
  record.available = quantity;
  record.reorder_threshold = threshold.value_or(DefaultReorderThreshold(quantity));
  record.created_at = record.updated_at = tx.now;
  MART_ASSIGN_OR_RETURN(record.id, tx.store.inventory().Insert(record));
  InventoryRecord empty = record;  // the ledger starts from nothing
  empty.available = 0;
  MART_RETURN_IF_ERROR(
      Record(tx, empty, record, {.type = "initial", .available_delta = quantity}, actor));
  return Get(tx, product_id);
}

Result<InventoryRecord> InventoryService::Get(Tx& tx, std::string_view product_id) const {
  MART_RETURN_IF_ERROR(CheckProductId(product_id, "product_id"));
  return tx.store.inventory().Get(product_id);
}

Result<std::vector<InventoryRecord>> InventoryService::List(Tx& tx, bool low_only, int64_t limit,
                                                            int64_t offset,
                                                            std::optional<int64_t> after_id) const {
  return tx.store.inventory().List(low_only, limit, offset, after_id);
}

Result<InventoryRecord> InventoryService::Set(Tx& tx, std::string_view product_id,
                                              std::optional<int64_t> available,
                                              std::optional<int64_t> threshold,
                                              std::optional<std::string> reason,
                                              const Principal& actor) const {
  if (!available && !threshold) {
    return InvalidArgument("give --available, --reorder-threshold or both", {{"field", "available"}});
  }
  MART_ASSIGN_OR_RETURN(InventoryRecord before, Get(tx, product_id));
  InventoryRecord current = before;
  if (threshold) {
    MART_RETURN_IF_ERROR(tx.store.inventory().SetThreshold(product_id, *threshold, tx.now));
    current.reorder_threshold = *threshold;
  }
  Change change{.type = "set", .available_delta = available ? *available - before.available : 0,
                .reason = reason};
  if (!available) {
    // Only the threshold moved: the item may still cross into or out of low stock.
    MART_RETURN_IF_ERROR(Record(tx, before, current, change, actor));
    return Get(tx, product_id);
  }
  return Apply(tx, current, change, actor);
}

Result<InventoryRecord> InventoryService::Adjust(Tx& tx, std::string_view product_id,
                                                 int64_t delta, const std::string& reason,
                                                 const Principal& actor) const {
  std::string trimmed(Trim(reason));
  // Characters, not bytes: UTF-8 continuation bytes do not count.
  size_t characters = std::count_if(trimmed.begin(), trimmed.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (characters < 3 || characters > 200) {
    return InvalidArgument("reason must be 3 to 200 characters", {{"field", "reason"}});
  }
  if (delta == 0) return InvalidArgument("delta must not be 0", {{"field", "delta"}});
  MART_ASSIGN_OR_RETURN(InventoryRecord before, Get(tx, product_id));
  return Apply(tx, before, {.type = "adjust", .available_delta = delta, .reason = trimmed}, actor);
}

Result<InventoryRecord> InventoryService::Reserve(Tx& tx, std::string_view product_id,
                                                  int64_t quantity, const std::string& reference,
                                                  const Principal& actor) const {
  MART_RETURN_IF_ERROR(RefuseOrderReference(reference));
  return MoveHeld(tx, product_id, quantity, reference, actor);
}

Result<InventoryRecord> InventoryService::Release(Tx& tx, std::string_view product_id,
                                                  int64_t quantity, const std::string& reference,
                                                  const Principal& actor) const {
  MART_RETURN_IF_ERROR(RefuseOrderReference(reference));
  return MoveHeld(tx, product_id, -quantity, reference, actor);
}

Status InventoryService::ReadPage(Tx& tx, const std::vector<std::string>& product_ids,
                                  const std::vector<std::string>& order_ids,
                                  PageStock* page) const {
  MART_ASSIGN_OR_RETURN(auto records, tx.store.inventory().GetMany(product_ids));
  for (InventoryRecord& record : records) {
    std::string id = record.product_id;
    page->records.insert_or_assign(std::move(id), std::move(record));
  }
  std::vector<std::string> references;
  for (const std::string& order_id : order_ids) references.push_back(OrderHoldReference(order_id));
  MART_ASSIGN_OR_RETURN(auto holding, tx.store.inventory().Holding(references));
  page->references.insert(references.begin(), references.end());
  page->holding.insert(holding.begin(), holding.end());
  return Status::Ok();
}

Result<bool> InventoryService::ReserveOrder(Tx& tx, const std::string& order_id,
                                            const std::vector<StockLine>& lines,
                                            const Principal& actor, PageStock* page) const {
  const std::string reference = OrderHoldReference(order_id);
  bool holds = false;
  if (page != nullptr && page->references.contains(reference)) {
    holds = page->holding.contains(reference);
  } else {
    MART_ASSIGN_OR_RETURN(auto held, tx.store.inventory().HoldsFor(reference));
    holds = !held.empty();
  }
  if (holds) {
    return FailedPrecondition("order " + order_id + " already holds stock",
                              {{"order_id", order_id}});
  }
  // One line per product (the event's lines are merged already; a payload
  // that repeats a product adds up), in the order's order.
  std::vector<StockLine> merged;
  for (const StockLine& line : lines) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const StockLine& m) {
      return m.product_id == line.product_id;
    });
    if (same == merged.end()) {
      merged.push_back(line);
    } else {
      same->quantity += line.quantity;
    }
  }
  events::InventoryReservationFailed failed{.order_id = order_id};
  std::string& reason = failed.reason;
  std::vector<InventoryRecord> records;  // of each line, when all are there
  for (const StockLine& line : merged) {
    const InventoryRecord* known = nullptr;
    if (page != nullptr) {
      auto it = page->records.find(line.product_id);
      if (it != page->records.end()) known = &it->second;
    }
    Result<InventoryRecord> record = known != nullptr ? Result<InventoryRecord>(*known)
                                                      : tx.store.inventory().Get(line.product_id);
    if (!record.ok() && record.status().code() != Code::kNotFound) return record.status();
    int64_t available = record.ok() ? record->available : 0;
    if (record.ok()) records.push_back(*record);
    if (available >= line.quantity) continue;
    failed.short_lines.push_back(
        {.product_id = line.product_id, .requested = line.quantity, .available = available});
    reason += (reason.empty() ? "insufficient stock: product " : "; product ") + line.product_id +
              (record.ok() ? "" : " (no longer sold)") + " requested " +
              std::to_string(line.quantity) + ", available " + std::to_string(available);
  }
  if (!failed.short_lines.empty()) {
    MART_RETURN_IF_ERROR(events::Emit(tx.events, failed));
    return false;
  }
  // Every line's record is as stored now (read just now, or kept true by the
  // page) and has the units, and the order holds nothing: each line's update
  // needs no condition (the table's CHECKs still refuse a negative), then
  // the order's ledger rows and holds go in one statement each.
  events::InventoryReserved reserved{{.order_id = order_id}};
  std::vector<StockMovement> ledger;
  std::vector<std::pair<std::string, int64_t>> holds_added;
  for (size_t i = 0; i < merged.size(); ++i) {
    const StockLine& line = merged[i];
    Change change{.type = "reserve", .available_delta = -line.quantity,
                  .reserved_delta = line.quantity, .reference = reference};
    MART_ASSIGN_OR_RETURN(InventoryRecord after,
                          Apply(tx, records[i], change, actor, &ledger, /*current=*/true));
    if (page != nullptr) page->records.insert_or_assign(line.product_id, after);
    holds_added.emplace_back(line.product_id, line.quantity);
    reserved.items.push_back(Held(after, line.quantity));
  }
  MART_RETURN_IF_ERROR(tx.store.inventory().AppendMovements(ledger));
  MART_RETURN_IF_ERROR(tx.store.inventory().AddHolds(reference, holds_added));
  if (page != nullptr) {
    page->references.insert(reference);
    page->holding.insert(reference);
  }
  MART_RETURN_IF_ERROR(events::Emit(tx.events, reserved));
  return true;
}

Result<int64_t> InventoryService::ReleaseOrder(Tx& tx, const std::string& order_id,
                                               const Principal& actor) const {
  const std::string reference = OrderHoldReference(order_id);
  MART_ASSIGN_OR_RETURN(auto holds, tx.store.inventory().HoldsFor(reference));
  int64_t units = 0;
  events::InventoryReleased released{{.order_id = order_id}};
  for (const auto& [product_id, quantity] : holds) {
    MART_ASSIGN_OR_RETURN(InventoryRecord after,
                          MoveHeld(tx, product_id, -quantity, reference, actor));
    released.items.push_back(Held(after, quantity));
    units += quantity;
  }
  if (!holds.empty()) MART_RETURN_IF_ERROR(events::Emit(tx.events, released));
  return units;
}

Result<int64_t> InventoryService::ShipOrder(Tx& tx, const std::string& order_id,
                                            const Principal& actor) const {
  const std::string reference = OrderHoldReference(order_id);
  MART_ASSIGN_OR_RETURN(auto holds, tx.store.inventory().HoldsFor(reference));
  int64_t units = 0;
  events::InventoryShipped shipped{{.order_id = order_id}};
  for (const auto& [product_id, quantity] : holds) {
    MART_ASSIGN_OR_RETURN(InventoryRecord before, tx.store.inventory().Get(product_id));
    Change change{.type = "ship", .reserved_delta = -quantity, .shipped_delta = quantity,
                  .reference = reference};
    MART_ASSIGN_OR_RETURN(InventoryRecord after, Apply(tx, before, change, actor));
    MART_RETURN_IF_ERROR(tx.store.inventory().SetHeld(product_id, reference, 0));
    shipped.items.push_back(Held(after, quantity));
    units += quantity;
  }
  if (!holds.empty()) MART_RETURN_IF_ERROR(events::Emit(tx.events, shipped));
  return units;
}

Result<InventoryRecord> InventoryService::MoveHeld(Tx& tx, std::string_view product_id,
                                                   int64_t delta, const std::string& reference,
                                                   const Principal& actor) const {
  std::string ref(Trim(reference));
  if (ref.empty()) return InvalidArgument("reference must not be empty", {{"field", "reference"}});
  MART_ASSIGN_OR_RETURN(InventoryRecord before, Get(tx, product_id));
  MART_ASSIGN_OR_RETURN(int64_t held, tx.store.inventory().Held(product_id, ref));
  if (held + delta < 0) {
    return FailedPrecondition("only " + std::to_string(held) + " units of product " +
                                  before.product_id + " are held under reference '" + ref +
                                  "', cannot release " + std::to_string(-delta),
                              {{"held", held}, {"requested", -delta}});
  }
  Change change{.type = delta > 0 ? "reserve" : "release", .available_delta = -delta,
                .reserved_delta = delta, .reference = ref};
  MART_ASSIGN_OR_RETURN(InventoryRecord after, Apply(tx, before, change, actor));
  MART_RETURN_IF_ERROR(tx.store.inventory().SetHeld(product_id, ref, held + delta));
  return after;
}

Result<std::vector<StockMovement>> InventoryService::History(Tx& tx, std::string_view product_id,
                                                             int64_t limit, int64_t offset,
                                                             std::optional<int64_t> after_id) const {
  MART_RETURN_IF_ERROR(Get(tx, product_id).status());
  return tx.store.inventory().History(product_id, limit, offset, after_id);
}

Result<nlohmann::json> InventoryService::ReorderCheck(Tx& tx, bool notify,
                                                      const Principal& actor) const {
  MART_ASSIGN_OR_RETURN(std::vector<store::LowStockRow> rows, tx.store.inventory().LowStock());
  events::InventoryReorderRequested request{.requested_by = actor.Describe()};
  for (const auto& row : rows) {
    request.items.push_back({.product_id = row.record.product_id,
                             .name = row.name,
                             .available_quantity = row.record.available,
                             .reserved_quantity = row.record.reserved,
                             .reorder_threshold = row.record.reorder_threshold,
                             .suggested_quantity = SuggestedReorder(row.record)});
  }
  if (notify && !request.items.empty()) MART_RETURN_IF_ERROR(events::Emit(tx.events, request));
  // The method's result is the event's list, item for item.
  return events::ToJson(request).at("items");
}

Result<InventoryRecord> InventoryService::Apply(Tx& tx, const InventoryRecord& before,
                                                const Change& change, const Principal& actor,
                                                std::vector<StockMovement>* ledger,
                                                bool current) const {
  store::StockDelta delta{.available = change.available_delta,
                         .reserved = change.reserved_delta,
                         .shipped = change.shipped_delta};
  std::optional<InventoryRecord> after;
  if (current) {
    MART_RETURN_IF_ERROR(tx.store.inventory().AddDelta(before.product_id, delta, tx.now));
    after = before;
    after->available += delta.available;
    after->reserved += delta.reserved;
    after->shipped += delta.shipped;
    after->updated_at = tx.now;
  } else {
    MART_ASSIGN_OR_RETURN(after, tx.store.inventory().ApplyDelta(before.product_id, delta, tx.now));
  }
  if (!after) {
    if (before.available + change.available_delta < 0) {
      return ShortOf(before, "available", change.available_delta);
    }
    return ShortOf(before, "reserved", change.reserved_delta);
  }
  MART_RETURN_IF_ERROR(Record(tx, before, *after, change, actor, ledger));
  after->low_stock_alerted = after->available <= after->reorder_threshold;  // as Record left it
  return *after;
}

Status InventoryService::Record(Tx& tx, const InventoryRecord& before,
                                const InventoryRecord& after, const Change& change,
                                const Principal& actor,
                                std::vector<StockMovement>* ledger) const {
  StockMovement movement{.product_id = after.product_id, .type = change.type,
                         .delta = after.available - before.available,
                         .available_before = before.available, .available_after = after.available,
                         .reserved_before = before.reserved, .reserved_after = after.reserved,
                         .reference = change.reference, .reason = change.reason,
                         .actor = actor.Describe(), .created_at = tx.now};
  if (ledger != nullptr) {
    ledger->push_back(movement);
  } else {
    MART_RETURN_IF_ERROR(tx.store.inventory().AppendMovement(movement));
  }
  // An order's hold changes are told by the order's own inventory.* event,
  // which carries the stock after each line: one event per fact.
  if (!change.reference || !store::IsOrderHoldReference(*change.reference)) {
    const events::StockUpdated updated{.product_id = after.product_id, .type = change.type,
                                       .delta = movement.delta, .available = after.available,
                                       .reserved = after.reserved};
    MART_RETURN_IF_ERROR(events::Emit(tx.events, updated));
  }
  bool low = after.available <= after.reorder_threshold;
  if (low && !before.low_stock_alerted) {
    MART_RETURN_IF_ERROR(tx.store.inventory().SetAlerted(after.product_id, true));
    return events::Emit(tx.events,
                        events::InventoryLowStock{.product_id = after.product_id,
                                                  .available = after.available,
                                                  .reorder_threshold = after.reorder_threshold});
  }
  if (!low && before.low_stock_alerted) {
    return tx.store.inventory().SetAlerted(after.product_id, false);
  }
  return Status::Ok();
}

}  // namespace mart
