#include "services/order_service.h"

#include <algorithm>

#include "events/catalog.h"
#include "mart/domain/money.h"
#include "mart/text.h"
#include "services/account_service.h"
#include "services/catalog_service.h"

namespace mart {
namespace {

using nlohmann::json;

constexpr int64_t kMaxLineQuantity = 1'000'000'000;
constexpr size_t kMaxAddressField = 200;
constexpr size_t kMaxReasonCharacters = 200;

struct Line {
  std::string product_id;
  int64_t quantity = 0;
  std::optional<int64_t> expected_cents;
};

Result<int64_t> LineQuantity(const json& value, const std::string& field) {
  if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX)) ||
      value.get<int64_t>() < 1 || value.get<int64_t>() > kMaxLineQuantity) {
    return InvalidArgument(field + " must be an integer from 1 to " +
                               std::to_string(kMaxLineQuantity),
                           {{"field", field}});
  }
  return value.get<int64_t>();
}

Result<Line> ParseLine(const json& item, size_t index) {
  const std::string field = "items[" + std::to_string(index) + "]";
  Line line;
  for (const auto& [key, value] : item.items()) {
    if (key != "product_id" && key != "quantity" && key != "price") {
      return InvalidArgument(field + "." + key + " is not a line field (product_id, quantity, price)",
                             {{"field", field + "." + key}});
    }
  }
  auto id = item.find("product_id");
  if (id == item.end() || !id->is_string()) {
    return InvalidArgument(field + ".product_id is required", {{"field", field + ".product_id"}});
  }
  line.product_id = id->get<std::string>();
  MART_RETURN_IF_ERROR(CheckProductId(line.product_id, field + ".product_id"));
  auto quantity = item.find("quantity");
  if (quantity == item.end()) {
    return InvalidArgument(field + ".quantity is required", {{"field", field + ".quantity"}});
  }
  MART_ASSIGN_OR_RETURN(line.quantity, LineQuantity(*quantity, field + ".quantity"));
  auto price = item.find("price");
  if (price != item.end() && !price->is_null()) {
    MART_ASSIGN_OR_RETURN(int64_t cents, ParseMoney(*price, field + ".price"));
    if (cents <= 0) {
      return InvalidArgument(field + ".price must be more than 0", {{"field", field + ".price"}});
    }
    line.expected_cents = cents;
  }
  return line;
}

// Lines of one product merge, in the order they first appear.
Result<std::vector<Line>> ParseLines(const json& items) {
  if (!items.is_array() || items.empty()) {
    return InvalidArgument("items must list at least one line", {{"field", "items"}});
  }
  std::vector<Line> lines;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) return InvalidArgument("items must be objects", {{"field", "items"}});
    MART_ASSIGN_OR_RETURN(Line line, ParseLine(items[i], i));
    auto same = std::find_if(lines.begin(), lines.end(),
                             [&](const Line& l) { return l.product_id == line.product_id; });
    if (same == lines.end()) {
      lines.push_back(std::move(line));
      continue;
    }
    if (same->expected_cents && line.expected_cents && *same->expected_cents != *line.expected_cents) {
      return InvalidArgument("product " + line.product_id + " is listed with two different prices",
                             {{"field", "items"}, {"product_id", line.product_id}});
    }
    if (!same->expected_cents) same->expected_cents = line.expected_cents;
    same->quantity += line.quantity;
    if (same->quantity > kMaxLineQuantity) {
      return InvalidArgument("product " + line.product_id + " is ordered more than " +
                                 std::to_string(kMaxLineQuantity) + " times",
                             {{"field", "items"}, {"product_id", line.product_id}});
    }
  }
  return lines;
}

Result<ShippingAddress> ParseInlineAddress(const json& object) {
  store::AddressFields f;
  const std::pair<const char*, std::optional<std::string>*> kFields[] = {
      {"line1", &f.line1}, {"line2", &f.line2}, {"city", &f.city},
      {"state", &f.state}, {"postal_code", &f.postal_code}, {"country", &f.country}};
  // Named variables, not a structured binding: clang 14 cannot capture a
  // binding in a lambda (C++20 allows it; clang 16 implements it).
  for (const auto& item : object.items()) {
    const std::string& key = item.key();
    const json& value = item.value();
    const std::string field = "shipping_address." + key;
    auto known = std::find_if(std::begin(kFields), std::end(kFields),
                              [&](const auto& entry) { return key == entry.first; });
    if (known == std::end(kFields)) {
      return InvalidArgument(field + " is not an address field (line1, line2, city, state, "
                             "postal_code, country)", {{"field", field}});
    }
    if (value.is_null()) continue;
    if (!value.is_string() || value.get_ref<const std::string&>().size() > kMaxAddressField) {
      return InvalidArgument(field + " must be text of at most " + std::to_string(kMaxAddressField) +
                                 " bytes",
                             {{"field", field}});
    }
    *known->second = value.get<std::string>();
  }
  for (const char* required : {"line1", "city", "postal_code", "country"}) {
    if (!object.contains(required) || object[required].is_null()) {
      return InvalidArgument("shipping_address." + std::string(required) + " is required",
                             {{"field", "shipping_address." + std::string(required)}});
    }
  }
  if (Status cleaned = CleanAddress(f); !cleaned.ok()) {
    // CleanAddress names the bare field; here it sits inside shipping_address.
    std::string field = "shipping_address." + cleaned.details().value("field", std::string());
    return InvalidArgument(field + " must not be empty", {{"field", field}});
  }
  return ShippingAddress{*f.line1, f.line2, *f.city, f.state, *f.postal_code, *f.country};
}

ShippingAddress FromSaved(const Address& a) {
  return ShippingAddress{a.line1, a.line2, a.city, a.state, a.postal_code, a.country};
}

std::optional<std::string> CleanReason(std::optional<std::string> reason) {
  if (!reason) return reason;
  std::string trimmed(Trim(*reason));
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

Status CheckReason(const std::optional<std::string>& reason) {
  if (!reason) return Status::Ok();
  size_t characters = std::count_if(reason->begin(), reason->end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (characters > kMaxReasonCharacters) {
    return InvalidArgument("reason must be at most 200 characters", {{"field", "reason"}});
  }
  return Status::Ok();
}

json AllowedFrom(OrderStatus from) {
  json allowed = json::array();
  for (OrderStatus to : AllOrderStatuses()) {
    if (CanTransition(from, to)) allowed.push_back(OrderStatusName(to));
  }
  return allowed;
}

}  // namespace

Result<int64_t> OrderService::Buyer(Tx& tx, const Principal& principal,
                                    std::optional<int64_t> user_id) const {
  int64_t buyer = 0;
  if (user_id) {
    if (!principal.IsAdmin() && *user_id != principal.user_id) {
      return PermissionDenied("only admins may place orders for another user");
    }
    buyer = *user_id;
  } else if (principal.IsUser()) {
    buyer = principal.user_id;
  } else {
    return InvalidArgument("the local operator has no account: give --user-id to order for a user",
                           {{"field", "user_id"}});
  }
  // A confirmed caller ordering for themselves is known to be active.
  if (principal.confirmed && buyer == principal.user_id) return buyer;
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(buyer));
  if (!user.is_active) {
    return FailedPrecondition("user " + std::to_string(buyer) + " is deactivated",
                              {{"user_id", buyer}});
  }
  return buyer;
}

Result<ShippingAddress> OrderService::ShipTo(Tx& tx, int64_t buyer,
                                             const PlaceOrder& request) const {
  if (request.shipping_address && request.address_id) {
    return InvalidArgument("give a shipping address or an address id, not both",
                           {{"field", "address_id"}});
  }
  if (request.shipping_address) return ParseInlineAddress(*request.shipping_address);
  if (request.address_id) {
    MART_ASSIGN_OR_RETURN(Address saved, tx.store.users().GetAddress(buyer, *request.address_id));
    return FromSaved(saved);
  }
  MART_ASSIGN_OR_RETURN(std::optional<Address> saved, tx.store.users().DefaultAddress(buyer));
  if (saved) return FromSaved(*saved);
  return FailedPrecondition("user " + std::to_string(buyer) +
                                " has no default address: give a shipping address or an address id",
                            {{"field", "shipping_address"}});
}

Result<Order> OrderService::Place(Tx& tx, const Principal& principal,
                                  const PlaceOrder& request) const {
  MART_ASSIGN_OR_RETURN(std::vector<Line> lines, ParseLines(request.items));
  MART_ASSIGN_OR_RETURN(int64_t buyer, Buyer(tx, principal, request.user_id));
  Order order;
  MART_ASSIGN_OR_RETURN(order.shipping_address, ShipTo(tx, buyer, request));
  order.id = NewProductId(tx.now);
  order.user_id = buyer;
  order.created_at = order.updated_at = tx.now;
  events::OrderPlaced placed{.order_id = order.id, .user_id = buyer};
  // Every line's product in one read (a round trip on PostgreSQL).
  std::vector<std::string> ids;
  for (const Line& line : lines) ids.push_back(line.product_id);
  MART_ASSIGN_OR_RETURN(std::vector<store::CatalogPrice> products,
                        tx.store.products().Prices(ids));
  for (const Line& line : lines) {
    auto found =
        std::find_if(products.begin(), products.end(),
                     [&](const store::CatalogPrice& p) { return p.id == line.product_id; });
    if (found == products.end()) return NotFound("product " + line.product_id + " not found");
    const store::CatalogPrice& product = *found;
    if (line.expected_cents && *line.expected_cents != product.price_cents) {
      return FailedPrecondition(
          "price of product " + product.id + " changed: expected " +
              FormatMoney(*line.expected_cents) + ", the catalog says " +
              FormatMoney(product.price_cents),
          {{"product_id", product.id}, {"expected", MoneyJson(*line.expected_cents)},
           {"price", MoneyJson(product.price_cents)}});
    }
    int64_t amount = 0;
    if (__builtin_mul_overflow(product.price_cents, line.quantity, &amount) ||
        __builtin_add_overflow(order.total_cents, amount, &order.total_cents)) {
      return InvalidArgument("the order's total is too large", {{"field", "items"}});
    }
    order.items.push_back({product.id, product.name, line.quantity, product.price_cents});
    placed.items.push_back({.product_id = product.id, .name = product.name,
                            .quantity = line.quantity, .price_cents = product.price_cents});
  }
  MART_RETURN_IF_ERROR(tx.store.orders().Insert(order));
  MART_RETURN_IF_ERROR(tx.store.orders().AppendChange(
      {.order_id = order.id, .from = std::nullopt, .to = OrderStatus::kPending,
       .actor = principal.Describe(),
       .reason = "placed", .at = tx.now}));
  placed.total_cents = order.total_cents;
  MART_RETURN_IF_ERROR(events::Emit(tx.events, placed));
  return order;  // as stored: not read back (a round trip on PostgreSQL)
}

void OrderService::ReadsOfPlace(const Principal& principal, const PlaceOrder& request,
                                store::BatchReads& reads) {
  // order.place's spec allows 100 lines; a longer list fails its check.
  constexpr size_t kMostLines = 100;
  if (request.items.is_array() && request.items.size() <= kMostLines) {
    for (const json& item : request.items) {
      if (!item.is_object()) continue;
      auto id = item.find("product_id");
      if (id != item.end() && id->is_string()) reads.products.push_back(id->get<std::string>());
    }
  }
  if (request.shipping_address || request.address_id) return;
  if (request.user_id) {
    reads.default_addresses.push_back(*request.user_id);
  } else if (principal.IsUser()) {
    reads.default_addresses.push_back(principal.user_id);
  }
}

Result<Order> OrderService::Get(Tx& tx, const Principal& principal, std::string_view id) const {
  MART_RETURN_IF_ERROR(CheckObjectId(id, "order", "id"));
  MART_ASSIGN_OR_RETURN(Order order, tx.store.orders().Get(id));
  // Another user's order does not exist as far as this caller can tell.
  if (!principal.IsAdmin() && order.user_id != principal.user_id) {
    return NotFound("order " + std::string(id) + " not found");
  }
  return order;
}

Result<std::vector<Order>> OrderService::List(Tx& tx, const Principal& principal,
                                              const OrderQuery& query) const {
  store::OrderFilter filter;
  filter.limit = query.limit;
  filter.offset = query.offset;
  MART_ASSIGN_OR_RETURN(filter.user_id, principal.ListScope(query.user_id, "orders"));
  if (query.after_id) {
    MART_RETURN_IF_ERROR(CheckObjectId(*query.after_id, "order", "cursor"));
    filter.after_id = query.after_id;
  }
  if (query.status) {
    filter.status = ParseOrderStatus(*query.status);
    if (!filter.status) {
      return InvalidArgument("unknown order status '" + *query.status + "'", {{"field", "status"}});
    }
  }
  const std::pair<const std::optional<std::string>*, std::optional<int64_t>*> kTimes[] = {
      {&query.since, &filter.since}, {&query.until, &filter.until}};
  for (const auto& [text, target] : kTimes) {
    if (!*text) continue;
    *target = ParseTimestamp(**text);
    if (!*target) {
      std::string field = text == &query.since ? "since" : "until";
      return InvalidArgument(field + " must be a time such as 2026-11-01 or 2026-11-01T08:00:00Z, not '" +
                                 **text + "'",
                             {{"field", field}});
    }
  }
  return tx.store.orders().List(filter);
}

Result<Order> OrderService::SetStatus(Tx& tx, const Principal& principal, std::string_view id,
                                      std::string_view status,
                                      std::optional<std::string> reason) const {
  auto to = ParseOrderStatus(status);
  if (!to) return InvalidArgument("unknown order status '" + std::string(status) + "'", {{"field", "status"}});
  reason = CleanReason(std::move(reason));
  MART_RETURN_IF_ERROR(CheckReason(reason));
  MART_ASSIGN_OR_RETURN(Order order, Get(tx, principal, id));
  if (!principal.IsAdmin() && *to != OrderStatus::kCancelled) {
    return PermissionDenied("only admins may set an order's status; its owner may cancel it");
  }
  return Transition(tx, std::move(order), *to, principal, std::move(reason));
}

Result<std::vector<OrderChange>> OrderService::History(Tx& tx, const Principal& principal,
                                                       std::string_view id) const {
  MART_RETURN_IF_ERROR(Get(tx, principal, id).status());
  return tx.store.orders().History(id);
}

Result<Order> OrderService::Transition(Tx& tx, Order order, OrderStatus to, const Principal& actor,
                                       std::optional<std::string> reason) const {
  if (order.status == to) return order;
  const std::string from_name(OrderStatusName(order.status));
  const std::string to_name(OrderStatusName(to));
  if (!CanTransition(order.status, to)) {
    json allowed = AllowedFrom(order.status);
    return FailedPrecondition("order " + order.id + " cannot go from " + from_name + " to " +
                                  to_name + " (from " + from_name + ": " +
                                  (allowed.empty() ? std::string("none, it is final")
                                                   : allowed.dump()) + ")",
                              {{"order_id", order.id}, {"from", from_name}, {"to", to_name},
                               {"allowed", allowed}});
  }
  if (to == OrderStatus::kShipped && order.stock != StockState::kReserved) {
    return FailedPrecondition("order " + order.id + " cannot ship: its stock is " +
                                  std::string(StockStateName(order.stock)) + ", not reserved",
                              {{"order_id", order.id}, {"stock", StockStateName(order.stock)}});
  }
  const bool ends = to == OrderStatus::kCancelled || to == OrderStatus::kRefunded;
  MART_RETURN_IF_ERROR(tx.store.orders().SetStatus(order.id, to, order.stock,
                                                   ends ? reason : std::nullopt, tx.now));
  MART_RETURN_IF_ERROR(tx.store.orders().AppendChange({.order_id = order.id, .from = order.status,
                                                       .to = to, .actor = actor.Describe(),
                                                       .reason = reason, .at = tx.now}));
  MART_RETURN_IF_ERROR(
      events::Emit(tx.events, events::OrderStatusChanged{.order_id = order.id,
                                                         .user_id = order.user_id,
                                                         .from = from_name,
                                                         .to = to_name,
                                                         .reason = reason,
                                                         .actor = actor.Describe()}));
  if (ends) {
    MART_RETURN_IF_ERROR(refunds_.Record(tx, order.id));
    return tx.store.orders().Get(order.id);
  }
  order.status = to;  // as SetStatus left the row, without reading it back
  order.updated_at = tx.now;
  return order;
}

Status OrderService::OnStockReserved(Tx& tx, const std::string& order_id,
                                     const Principal& worker, const Order* head) const {
  MART_ASSIGN_OR_RETURN(Order order,
                        head ? Result<Order>(*head) : tx.store.orders().Head(order_id));
  // The reservation is the first answer about an order's stock; one that
  // arrives after a later answer (a dead letter retried late) is stale.
  if (order.stock != StockState::kPending) return Status::Ok();
  // A cancelled order stays cancelled: the inventory worker releases its
  // stock when it reaches the cancellation, which is later in the log.
  if (order.status != OrderStatus::kPending) {
    return tx.store.orders().SetStock(order_id, StockState::kReserved, tx.now);
  }
  order.stock = StockState::kReserved;  // written with the status
  return Transition(tx, std::move(order), OrderStatus::kProcessing, worker, "stock reserved")
      .status();
}

Status OrderService::OnStockFailed(Tx& tx, const std::string& order_id, const std::string& reason,
                                   const Principal& worker, const Order* head) const {
  MART_ASSIGN_OR_RETURN(Order order,
                        head ? Result<Order>(*head) : tx.store.orders().Head(order_id));
  if (order.status == OrderStatus::kCancelled ||
      !CanTransition(order.status, OrderStatus::kCancelled)) {
    return tx.store.orders().SetStock(order_id, StockState::kFailed, tx.now);
  }
  order.stock = StockState::kFailed;  // written with the status
  return Transition(tx, std::move(order), OrderStatus::kCancelled, worker, reason).status();
}

Result<Order> OrderService::MarkPaid(Tx& tx, const std::string& order_id,
                                     const Principal& actor, std::string reason) const {
  MART_ASSIGN_OR_RETURN(Order order, tx.store.orders().Get(order_id));
  return Transition(tx, std::move(order), OrderStatus::kPaid, actor, std::move(reason));
}

Status OrderService::OnStockMoved(Tx& tx, const std::string& order_id, StockState stock) const {
  return tx.store.orders().SetStock(order_id, stock, tx.now);
}

}  // namespace mart
