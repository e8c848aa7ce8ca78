#include "services/notification_texts.h"

#include "mart/domain/money.h"

namespace mart {
namespace {

std::string ItemLines(const std::vector<OrderItem>& items) {
  std::string lines;
  for (const OrderItem& item : items) {
    lines += "  " + std::to_string(item.quantity) + " x " + item.name + " (" + item.product_id +
             ") at " + FormatMoney(item.price_cents) + "\n";
  }
  return lines;
}

bool IsCod(const events::PaymentEvent& payment) { return payment.method == "cod"; }

// "Your card payment 7 of 899.99 for order 66f1…"
std::string PaymentWhat(const events::PaymentEvent& payment) {
  return "Your " + std::string(IsCod(payment) ? "cash on delivery" : "card") + " payment " +
         std::to_string(payment.payment_id) + " of " + FormatMoney(payment.amount_cents) +
         " for order " + payment.order_id;
}

// "Payment of 899.99 received for order 66f1…"
std::string PaymentSubject(std::string_view what, const events::PaymentEvent& payment,
                           std::string_view outcome) {
  return std::string(what) + " of " + FormatMoney(payment.amount_cents) + std::string(outcome) +
         " for order " + payment.order_id;
}

}  // namespace

MessageText WelcomeText(const User& user) {
  return MessageText{"Welcome to mart, " + user.first_name,
                     "Hello " + user.first_name + " " + user.last_name + ",\n\n"
                     "your mart account " + user.email + " is ready. You will find your "
                     "orders, payments and these notifications with martctl or the mart API.\n"};
}

Result<MessageText> OrderPlacedText(Tx& tx, const events::OrderPlaced& placed,
                                    const std::vector<OrderItem>* known) {
  const std::string& order_id = placed.order_id;
  std::string items;
  if (known != nullptr) {
    items = ItemLines(*known);
  } else {
    auto order = tx.store.orders().Get(order_id);
    if (!order.ok() && order.status().code() != Code::kNotFound) return order.status();
    if (order.ok()) items = ItemLines(order->items);
  }
  return MessageText{"Order " + order_id + " placed",
                     "Thank you for your order " + order_id + ".\n\n" +
                         (items.empty() ? "" : "Items:\n" + items + "\n") +
                         "Total: " + FormatMoney(placed.total_cents) +
                         "\n\nWe are reserving your items and will let you know when the "
                         "order's status changes.\n"};
}

MessageText OrderStatusText(const events::OrderStatusChanged& change) {
  const std::string& id = change.order_id;
  std::string body = "Your order " + id + " is now " + change.to +
                     (change.from.empty() ? "" : " (it was " + change.from + ")") + ".\n";
  if (change.reason && !change.reason->empty()) body += "Reason: " + *change.reason + "\n";
  return MessageText{"Order " + id + " is now " + change.to, body};
}

MessageText PaymentText(const events::PaymentSucceeded& payment) {
  return MessageText{PaymentSubject("Payment", payment, " received"),
                     PaymentWhat(payment) + " has been received. Thank you.\n"};
}

MessageText PaymentText(const events::PaymentFailed& payment) {
  const std::string reason = payment.reason.value_or("");
  return MessageText{PaymentSubject("Payment", payment, " failed"),
                     PaymentWhat(payment) + " failed" + (reason.empty() ? "" : ": " + reason) +
                         ".\nYou may pay again with another card.\n"};
}

MessageText PaymentText(const events::PaymentPending& payment) {
  const std::string reason = payment.reason.value_or("");
  return MessageText{
      PaymentSubject("Payment", payment, " pending"),
      PaymentWhat(payment) + " is pending" + (reason.empty() ? "" : ": " + reason) + ".\n"};
}

MessageText PaymentText(const events::PaymentRefunded& payment) {
  const std::string reason = payment.reason.value_or("");
  return MessageText{
      PaymentSubject("Refund", payment, ""),
      PaymentWhat(payment) + " has been refunded" + (reason.empty() ? "" : " (" + reason + ")") +
          ".\n" +
          (IsCod(payment) ? "The cash is paid back to you." : "The money goes back to your card.") +
          "\n"};
}

Result<MessageText> LowStockText(Tx& tx, const events::InventoryLowStock& low) {
  auto product = tx.store.products().Get(low.product_id);
  if (!product.ok() && product.status().code() != Code::kNotFound) return product.status();
  std::string name = product.ok() ? product->name : low.product_id;
  return MessageText{"Low Stock Alert: " + name,
                     "Product '" + name + "' is running low on stock. Current quantity: " +
                         std::to_string(low.available) +
                         ", Threshold: " + std::to_string(low.reorder_threshold) +
                         "\nProduct id: " + low.product_id + "\n"};
}

MessageText ReorderText(const events::InventoryReorderRequested& request) {
  std::string lines;
  for (const events::ReorderItem& item : request.items) {
    lines += "  " +
             (item.name.empty() ? item.product_id : item.name + " (" + item.product_id + ")") +
             ": available " + std::to_string(item.available_quantity) + ", threshold " +
             std::to_string(item.reorder_threshold) + ", reorder " +
             std::to_string(item.suggested_quantity) + "\n";
  }
  const size_t n = request.items.size();
  const std::string& by = request.requested_by;
  return MessageText{"Reorder requested: " + std::to_string(n) +
                         (n == 1 ? " product" : " products") + " low on stock",
                     "These products are at or below their reorder threshold:\n\n" + lines +
                         (by.empty() ? "" : "\nRequested by " + by + ".\n")};
}

MessageText DeadLetterText(const events::QueueDeadLettered& letter) {
  const std::string event = std::to_string(letter.seq) + " (" + letter.topic + ")";
  return MessageText{"Dead letter: worker " + letter.consumer + " gave up on event " + event,
                     "The " + letter.consumer + " worker gave up on event " + event + " after " +
                         std::to_string(letter.attempts) + " attempts.\nLast error: " +
                         letter.error + "\n\nInspect it with: martctl dlq list --worker " +
                         letter.consumer + "\nRetry it with:   martctl dlq retry ID\n"};
}

}  // namespace mart
