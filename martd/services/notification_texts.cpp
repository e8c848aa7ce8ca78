#include "services/notification_texts.h"

#include "mart/domain/money.h"

namespace mart {
namespace {

using nlohmann::json;

Status Malformed(const store::EventRow& event, std::string_view what) {
  return InvalidArgument("event " + std::to_string(event.seq) + " (" + event.topic + ") " +
                         std::string(what));
}

// A money field as "899.99".
Result<std::string> EventMoney(const json& data, const char* key, const store::EventRow& event) {
  auto it = data.find(key);
  if (it == data.end()) return Malformed(event, "has no amount '" + std::string(key) + "'");
  auto cents = ParseMoney(*it, key);
  if (!cents.ok()) return Malformed(event, "has a malformed amount '" + std::string(key) + "'");
  return FormatMoney(*cents);
}

std::string OptText(const json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string ItemLines(const Order& order) {
  std::string lines;
  for (const OrderItem& item : order.items) {
    lines += "  " + std::to_string(item.quantity) + " x " + item.name + " (" + item.product_id +
             ") at " + FormatMoney(item.price_cents) + "\n";
  }
  return lines;
}

}  // namespace

Result<std::string> EventText(const json& data, const char* key, const store::EventRow& event) {
  auto it = data.find(key);
  if (it == data.end() || !it->is_string()) {
    return Malformed(event, "has no text field '" + std::string(key) + "'");
  }
  return it->get<std::string>();
}

Result<int64_t> EventInt(const json& data, const char* key, const store::EventRow& event) {
  auto it = data.find(key);
  if (it == data.end() || !it->is_number_integer()) {
    return Malformed(event, "has no integer field '" + std::string(key) + "'");
  }
  return it->get<int64_t>();
}

Result<MessageText> WelcomeText(const json&, const User& user) {
  return MessageText{"Welcome to mart, " + user.first_name,
                     "Hello " + user.first_name + " " + user.last_name + ",\n\n"
                     "your mart account " + user.email + " is ready. You will find your "
                     "orders, payments and these notifications with martctl or the mart API.\n"};
}

Result<MessageText> OrderPlacedText(Tx& tx, const store::EventRow& event, const json& data) {
  MART_ASSIGN_OR_RETURN(std::string order_id, EventText(data, "order_id", event));
  MART_ASSIGN_OR_RETURN(std::string total, EventMoney(data, "total_price", event));
  auto order = tx.store.orders().Get(order_id);
  if (!order.ok() && order.status().code() != Code::kNotFound) return order.status();
  std::string items = order.ok() ? ItemLines(*order) : std::string();
  return MessageText{"Order " + order_id + " placed",
                     "Thank you for your order " + order_id + ".\n\n" +
                         (items.empty() ? "" : "Items:\n" + items + "\n") + "Total: " + total +
                         "\n\nWe are reserving your items and will let you know when the "
                         "order's status changes.\n"};
}

Result<MessageText> OrderStatusText(const store::EventRow& event, const json& data) {
  MART_ASSIGN_OR_RETURN(std::string order_id, EventText(data, "order_id", event));
  MART_ASSIGN_OR_RETURN(std::string to, EventText(data, "to", event));
  std::string from = OptText(data, "from");
  std::string reason = OptText(data, "reason");
  std::string body = "Your order " + order_id + " is now " + to +
                     (from.empty() ? "" : " (it was " + from + ")") + ".\n";
  if (!reason.empty()) body += "Reason: " + reason + "\n";
  return MessageText{"Order " + order_id + " is now " + to, body};
}

Result<MessageText> PaymentText(const store::EventRow& event, const json& data) {
  MART_ASSIGN_OR_RETURN(std::string order_id, EventText(data, "order_id", event));
  MART_ASSIGN_OR_RETURN(int64_t payment_id, EventInt(data, "payment_id", event));
  MART_ASSIGN_OR_RETURN(std::string amount, EventMoney(data, "amount", event));
  std::string method = OptText(data, "method") == "cod" ? "cash on delivery" : "card";
  std::string reason = OptText(data, "reason");
  std::string what = "Your " + method + " payment " + std::to_string(payment_id) + " of " +
                     amount + " for order " + order_id;
  if (event.topic == "payment.succeeded") {
    return MessageText{"Payment of " + amount + " received for order " + order_id,
                       what + " has been received. Thank you.\n"};
  }
  if (event.topic == "payment.failed") {
    return MessageText{"Payment of " + amount + " failed for order " + order_id,
                       what + " failed" + (reason.empty() ? "" : ": " + reason) +
                           ".\nYou may pay again with another card.\n"};
  }
  if (event.topic == "payment.refunded") {
    return MessageText{"Refund of " + amount + " for order " + order_id,
                       what + " has been refunded" + (reason.empty() ? "" : " (" + reason + ")") +
                           ".\n" + (method == "card" ? "The money goes back to your card."
                                                       : "The cash is paid back to you.") +
                           "\n"};
  }
  return MessageText{"Payment of " + amount + " pending for order " + order_id,
                     what + " is pending" + (reason.empty() ? "" : ": " + reason) + ".\n"};
}

Result<MessageText> LowStockText(Tx& tx, const store::EventRow& event, const json& data) {
  MART_ASSIGN_OR_RETURN(std::string product_id, EventText(data, "product_id", event));
  MART_ASSIGN_OR_RETURN(int64_t available, EventInt(data, "available", event));
  MART_ASSIGN_OR_RETURN(int64_t threshold, EventInt(data, "reorder_threshold", event));
  auto product = tx.store.products().Get(product_id);
  if (!product.ok() && product.status().code() != Code::kNotFound) return product.status();
  std::string name = product.ok() ? product->name : product_id;
  return MessageText{"Low Stock Alert: " + name,
                     "Product '" + name + "' is running low on stock. Current quantity: " +
                         std::to_string(available) + ", Threshold: " + std::to_string(threshold) +
                         "\nProduct id: " + product_id + "\n"};
}

Result<MessageText> ReorderText(const store::EventRow& event, const json& data) {
  auto items = data.find("items");
  if (items == data.end() || !items->is_array()) return Malformed(event, "has no items");
  std::string lines;
  for (const json& item : *items) {
    if (!item.is_object()) return Malformed(event, "has a malformed item");
    MART_ASSIGN_OR_RETURN(std::string product_id, EventText(item, "product_id", event));
    MART_ASSIGN_OR_RETURN(int64_t available, EventInt(item, "available_quantity", event));
    std::string name = OptText(item, "name");
    lines += "  " + (name.empty() ? product_id : name + " (" + product_id + ")") +
             ": available " + std::to_string(available);
    if (item.contains("reorder_threshold")) lines += ", threshold " + item["reorder_threshold"].dump();
    if (item.contains("suggested_quantity")) lines += ", reorder " + item["suggested_quantity"].dump();
    lines += "\n";
  }
  std::string by = OptText(data, "requested_by");
  return MessageText{"Reorder requested: " + std::to_string(items->size()) +
                         (items->size() == 1 ? " product" : " products") + " low on stock",
                     "These products are at or below their reorder threshold:\n\n" + lines +
                         (by.empty() ? "" : "\nRequested by " + by + ".\n")};
}

Result<MessageText> DeadLetterText(const store::EventRow& event, const json& data) {
  MART_ASSIGN_OR_RETURN(std::string consumer, EventText(data, "consumer", event));
  MART_ASSIGN_OR_RETURN(int64_t seq, EventInt(data, "seq", event));
  MART_ASSIGN_OR_RETURN(std::string topic, EventText(data, "topic", event));
  std::string error = OptText(data, "error");
  std::string attempts = data.contains("attempts") ? data["attempts"].dump() : "?";
  return MessageText{"Dead letter: worker " + consumer + " gave up on event " +
                         std::to_string(seq) + " (" + topic + ")",
                     "The " + consumer + " worker gave up on event " + std::to_string(seq) +
                         " (" + topic + ") after " + attempts + " attempts.\nLast error: " +
                         error + "\n\nInspect it with: martctl dlq list --worker " + consumer +
                         "\nRetry it with:   martctl dlq retry ID\n"};
}

}  // namespace mart
