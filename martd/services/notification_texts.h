#pragma once
// The subject and body of each kind of notification, from an event's payload
// and what the store knows (names of orders' products). Each returns
// INVALID_ARGUMENT naming the event when the payload lacks a field it needs.
// Run on the store thread inside the worker's transaction.

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "services/context.h"
#include "stores/event_store.h"

namespace mart {

using MessageText = std::pair<std::string, std::string>;  // subject, body

Result<MessageText> WelcomeText(const nlohmann::json& data, const User& user);
Result<MessageText> OrderPlacedText(Tx& tx, const store::EventRow& event,
                                    const nlohmann::json& data);
Result<MessageText> OrderStatusText(const store::EventRow& event, const nlohmann::json& data);
// payment.succeeded, payment.failed, payment.pending or payment.refunded.
Result<MessageText> PaymentText(const store::EventRow& event, const nlohmann::json& data);
// The seeds' wording: "Low Stock Alert: {name}".
Result<MessageText> LowStockText(Tx& tx, const store::EventRow& event,
                                 const nlohmann::json& data);
Result<MessageText> ReorderText(const store::EventRow& event, const nlohmann::json& data);
Result<MessageText> DeadLetterText(const store::EventRow& event, const nlohmann::json& data);

// Payload readers shared with the worker.
Result<std::string> EventText(const nlohmann::json& data, const char* key,
                              const store::EventRow& event);
Result<int64_t> EventInt(const nlohmann::json& data, const char* key,
                         const store::EventRow& event);

}  // namespace mart
