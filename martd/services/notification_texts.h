#pragma once
// The subject and body of each kind of notification, from an event's decoded
// payload (events/catalog.h) and what the store knows (names of orders'
// products). Run on the store thread inside the worker's transaction.

#include <string>
#include <utility>
#include <vector>

#include "events/catalog.h"
#include "mart/status.h"
#include "services/context.h"

namespace mart {

using MessageText = std::pair<std::string, std::string>;  // subject, body

MessageText WelcomeText(const User& user);
// `items`: the order's lines, when the caller read them (not read again).
Result<MessageText> OrderPlacedText(Tx& tx, const events::OrderPlaced& placed,
                                    const std::vector<OrderItem>* items = nullptr);
MessageText OrderStatusText(const events::OrderStatusChanged& change);
MessageText PaymentText(const events::PaymentSucceeded& payment);
MessageText PaymentText(const events::PaymentFailed& payment);
MessageText PaymentText(const events::PaymentPending& payment);
MessageText PaymentText(const events::PaymentRefunded& payment);
// The seeds' wording: "Low Stock Alert: {name}".
Result<MessageText> LowStockText(Tx& tx, const events::InventoryLowStock& low);
MessageText ReorderText(const events::InventoryReorderRequested& request);
MessageText DeadLetterText(const events::QueueDeadLettered& letter);

}  // namespace mart
